import { configDefaults, defineProject } from 'vitest/config';

// The same settings as packages/testing's project, where these suites used to live: the worlds
// start several fakes and operators per test, which takes longer than vitest's 5 s default on
// two cores. The system tests (etcd, QEMU, kubectl) gate themselves on KUBECEPTION_SYSTEM_TESTS.
// The conformance suite is not here: it runs as two projects of its own (the root vitest.config.ts).
export default defineProject({
  ssr: { resolve: { conditions: ['@kubeception/source'] } },
  test: { name: 'tests', testTimeout: 20_000, exclude: [...configDefaults.exclude, 'src/conformance/**'] },
});

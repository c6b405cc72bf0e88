import { defineProject } from 'vitest/config';

// The same settings as packages/testing's project, where these suites used to live: the worlds
// start several fakes and operators per test, which takes longer than vitest's 5 s default on
// two cores. The system tests (etcd, QEMU, kubectl) gate themselves on KUBECEPTION_SYSTEM_TESTS.
export default defineProject({
  ssr: { resolve: { conditions: ['@kubeception/source'] } },
  test: { name: 'tests', testTimeout: 20_000 },
});

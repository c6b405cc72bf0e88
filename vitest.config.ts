import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// The fake API server's conformance suite runs twice over the same files: against a fresh fake
// per file, and against one real kube-apiserver per run (started by the global setup through
// startEnvtest). The real server's lane also runs the end-to-end suites of our operators that
// need no kubelet (the PKI controllers with the fake Vault, the AWS driver with the fake EC2, the
// KVM driver's host objects), each file on a server of its own. The real server's projects are
// there when KUBEBUILDER_ASSETS is set or the system tests are required (CI, where missing
// binaries fail the run); elsewhere they are left out. The reporter prints each server's
// conformance counts, with the cases that needed a version rule.
const CONFORMANCE = 'src/conformance/**/*.test.ts';
/** End-to-end suites that also run on the real server: they read the server from the lane (see their harness). */
const REAL_SERVER_E2E = [
  'src/pki/{pki,chain,isolation}.e2e.test.ts',
  'src/aws/aws{,-version,-scale,-identity,-boot}.e2e.test.ts',
  'src/kvm/kvm-host-objects.e2e.test.ts',
];

const project = (name: string, include: string[], test: TestProjectInlineConfiguration['test']): TestProjectInlineConfiguration => ({
  root: './tests',
  ssr: { resolve: { conditions: ['@kubeception/source'] } },
  test: { name, include, testTimeout: 20_000, ...test },
});

const realServerLane = Boolean(process.env.KUBEBUILDER_ASSETS) || process.env.KUBECEPTION_SYSTEM_TESTS === 'required';

export default defineConfig({
  test: {
    projects: [
      'packages/*',
      'examples/*',
      'tests',
      project('conformance:fake', [CONFORMANCE], { provide: { conformanceServer: { name: 'fake' } } }),
      ...(realServerLane
        ? [
            project('conformance:kube-apiserver', [CONFORMANCE], { globalSetup: ['src/conformance/lane/global-setup.ts'], testTimeout: 30_000 }),
            // each file its own server: operators watch every namespace of theirs
            project('e2e:kube-apiserver', REAL_SERVER_E2E, {
              provide: { conformanceServer: { name: 'kube-apiserver' } },
              testTimeout: 30_000,
              hookTimeout: 120_000,
            }),
          ]
        : []),
    ],
    reporters: ['default', './tests/src/conformance/lane/reporter.ts'],
  },
});

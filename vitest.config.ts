import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// The fake API server's conformance suite runs as a project of its own, against a fresh fake per
// file (the real kube-apiserver's project over the same files joins once its cases pass there).
// The reporter prints each server's counts, with the cases that needed a version rule.
const CONFORMANCE = 'src/conformance/**/*.test.ts';
const conformance = (server: string, test: TestProjectInlineConfiguration['test']): TestProjectInlineConfiguration => ({
  root: './tests',
  ssr: { resolve: { conditions: ['@kubeception/source'] } },
  test: { name: `conformance:${server}`, include: [CONFORMANCE], testTimeout: 20_000, ...test },
});

export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*', 'tests', conformance('fake', { provide: { conformanceServer: { name: 'fake' } } })],
    reporters: ['default', './tests/src/conformance/lane/reporter.ts'],
  },
});

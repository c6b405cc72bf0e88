/**
 * The kubectl matrix (issue 22): every kubectl version the machine has (`kubectl.1.NN` beside the
 * real path of `kubectl`, ./kubectl/binaries.ts) drives the target through create, apply, explain,
 * diff, patch, label, annotate, wait, `get -w`, delete, `auth can-i`, `auth whoami`,
 * api-resources, logs and events (./kubectl/commands.ts), each version in a namespace of its own,
 * one after the other. Expectations are the real kube-apiserver's; where 1.20 predates a feature
 * the case says so with a version rule. The file prints versions × commands with each outcome.
 * Skipped, saying so, when no versioned kubectl is installed.
 */
import { NamespaceResource } from '@kubeception/sdk/kube';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { kubectlBinaries } from './kubectl/binaries.js';
import { MATRIX_COMMANDS } from './kubectl/commands.js';
import { MatrixReport } from './kubectl/matrix-report.js';
import { kubectlSession, type KubectlSession } from './kubectl/session.js';
import { conformanceServer } from './lane/server.js';
import { useTarget } from './target.js';

const binaries = kubectlBinaries();
if (binaries.length === 0) console.warn('kubectl matrix: no kubectl.1.NN binaries beside the real path of kubectl on PATH; skipping');

const { target, ns } = useTarget('kubectl');
const report = new MatrixReport();

afterAll(() => {
  if (binaries.length === 0) return;
  const server = conformanceServer();
  const name = server.name === 'kube-apiserver' ? `kube-apiserver ${server.version?.gitVersion ?? ''}`.trim() : 'the fake';
  console.log(
    report.render(
      name,
      binaries.map((b) => b.minor),
      MATRIX_COMMANDS.map((c) => c.name),
    ),
  );
});

describe.skipIf(binaries.length === 0)('kubectl matrix', () => {
  for (const binary of binaries) {
    describe(`kubectl 1.${binary.minor}`, () => {
      let session: KubectlSession | undefined;
      beforeAll(async () => {
        const namespace = `${ns()}-v${binary.minor}`;
        (
          await target()
            .kube.resource(NamespaceResource)
            .create({ metadata: { name: namespace } })
        )._unsafeUnwrap();
        session = kubectlSession(binary, target().kubeConfig.exportConfig(), namespace);
      });
      afterAll(async () => {
        session?.close();
        if (session) await target().kube.resource(NamespaceResource).delete(session.namespace);
      });

      for (const command of MATRIX_COMMANDS)
        it(command.name, { timeout: 60_000 }, async ({ task }) => {
          if (!session) throw new Error(`no session for kubectl 1.${binary.minor}`);
          try {
            await command.run(session, target().kube);
          } catch (error) {
            report.record(binary.minor, command.name, 'FAIL');
            throw error;
          }
          const rules = task.meta.versionRules ?? [];
          report.record(binary.minor, command.name, rules.length > 0 ? `rule:${rules.join('+')}` : 'pass');
        });
    });
  }
});

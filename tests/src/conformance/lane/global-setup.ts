/**
 * The conformance suite's global setup on the real server's lane: one kube-apiserver (and etcd,
 * kube-controller-manager) for every conformance file of the run, started by `startEnvtest` with
 * the Kubeception CRDs installed (their CEL rules stripped on servers older than 1.25), handed to
 * the test files through vitest's `provide`, with client certificates of users other than the
 * admin (./identities.ts). Each file works in a namespace of its own. The server
 * runs in a process of its own (`serve-envtest.ts`): this module runs in vitest's main process,
 * which does not resolve the workspace packages to their sources.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { TestProject } from 'vitest/node';
import type { ConformanceIdentity } from './identities.js';
import type { ConformanceServer } from './server.js';

let child: ChildProcess | undefined;

/** Starts the server, or provides the reason it cannot run (the files then fail with it). */
export async function setup(project: TestProject): Promise<void> {
  const script = new URL('./serve-envtest.ts', import.meta.url);
  child = spawn(process.execPath, ['--conditions=@kubeception/source', '--import', 'tsx', script.pathname], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await Promise.race([once(createInterface({ input: child.stdout! }), 'line'), once(child, 'exit')])) as [string | number | null];
  if (typeof line !== 'string') throw new Error(`the real server's lane did not start (exit ${String(line)})`);
  const answer = JSON.parse(line) as {
    skip?: string;
    kubeconfigYaml?: string;
    version?: { major: number; minor: number; gitVersion: string };
    identities?: ConformanceIdentity[];
  };
  const server: ConformanceServer = answer.skip
    ? { name: 'kube-apiserver', skip: answer.skip }
    : { name: 'kube-apiserver', kubeconfigYaml: answer.kubeconfigYaml ?? '', version: answer.version ?? { major: 0, minor: 0, gitVersion: '' } };
  project.provide('conformanceServer', server);
  if (answer.identities) project.provide('conformanceIdentities', answer.identities);
}

/** Stops the server. */
export async function teardown(): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/**
 * kubectl as the deploy tests run it: `kubectl kustomize` to render a kustomization, and
 * `kubectl apply` with the rendered objects on stdin. Each run is a process of its own, started
 * asynchronously (the fake API server answers from this process) and bounded by a timeout.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { KubeObject } from '@kubeception/sdk';
import { parseAllDocuments, stringify } from 'yaml';
import { REPO_ROOT } from './deploy-tree.js';

/** What a kubectl process ended with. */
export interface KubectlOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** How long one kubectl command may take. */
const TIMEOUT_MS = 30_000;

/** Runs `kubectl <args>` from the repository's root, with `input` on stdin. */
export function kubectl(args: readonly string[], input = ''): Promise<KubectlOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', args, { cwd: REPO_ROOT, timeout: TIMEOUT_MS });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal) reject(new Error(`kubectl ${args.join(' ')}: ended by ${signal} (timeout ${TIMEOUT_MS} ms)\n${stderr}`));
      else resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** The objects `kubectl kustomize <dir>` renders (`dir` relative to the root); throws with kubectl's message when it fails. */
export async function kustomize(dir: string): Promise<KubeObject[]> {
  const { code, stdout, stderr } = await kubectl(['kustomize', dir]);
  if (code !== 0) throw new Error(`kubectl kustomize ${dir} exited ${code}: ${stderr}`);
  return parseAllDocuments(stdout)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

/** `kubectl <args>` against the cluster of `kubeconfig` (a file), its discovery cache in a folder beside it. */
export function kubectlAt(kubeconfig: string, args: readonly string[], input = ''): Promise<KubectlOutcome> {
  return kubectl(['--kubeconfig', kubeconfig, '--cache-dir', join(kubeconfig, '..', 'cache'), ...args], input);
}

/** `kubectl apply --dry-run=server` of `objects` against the cluster of `kubeconfig`. */
export function applyDryRun(kubeconfig: string, objects: readonly KubeObject[]): Promise<KubectlOutcome> {
  return kubectlAt(kubeconfig, ['apply', '--dry-run=server', '-f', '-'], objects.map((o) => stringify(o)).join('---\n'));
}

/** How kubectl names `object` in its output: `deployment.apps/name`, `namespace/name`. */
export function kubectlName(object: KubeObject): string {
  const group = object.apiVersion?.includes('/') ? `.${object.apiVersion.split('/')[0]}` : '';
  return `${(object.kind ?? '').toLowerCase()}${group}/${object.metadata?.name ?? ''}`;
}

/**
 * One kubectl version driven against a conformance target: its own kubeconfig file, discovery
 * cache and namespace, each command a process of its own with a timeout. Outcomes are compared
 * normalised: the namespace is written `<ns>`, ages `<age>`.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { KubectlBinary } from './binaries.js';

/** What a kubectl process ended with. */
export interface KubectlOutcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A kubectl version bound to a target and a namespace. */
export interface KubectlSession {
  readonly minor: number;
  /** The namespace of this version (every command runs in it). */
  readonly namespace: string;
  /** Runs `kubectl <args>` in the namespace; the outcome normalised. */
  run(...args: string[]): Promise<KubectlOutcome>;
  /**
   * Starts `kubectl <args>` with request logging (`-v=6`), calls `whenReady` once a logged request
   * matches `ready` (e.g. a watch the server has accepted), and returns the outcome once the process
   * ends, the log lines left out of stderr.
   */
  stream(args: readonly string[], ready: RegExp, whenReady: () => Promise<void>): Promise<KubectlOutcome>;
  /** Writes `object` as YAML to a file of the session and returns its path. */
  file(name: string, object: object): string;
  /** Removes the session's files. */
  close(): void;
}

/** How long one kubectl command may take. */
const TIMEOUT_MS = 20_000;

/** A line klog writes at `-v=6` (`I1206 11:32:09.411048   20865 file.go:553] …`). */
const KLOG_LINE = /^[IWE]\d{4} \d{2}:\d{2}:\d{2}\.\d+ +\d+ [^\]]+\] .*\n/gm;

/** `text` with the namespace and table ages (`12s`, `3m4s`, `2y340d`, `<unknown>`) written as placeholders. */
export function normalise(text: string, namespace: string): string {
  return text
    .split(namespace)
    .join('<ns>')
    .replace(/(^|\s{2,}|\t)(?:\d+[ydhms])+(?=\s{2,}|\t|$)/gm, '$1<age>');
}

/** A session of `binary` against the cluster of `kubeconfigYaml`, in `namespace` (which the caller creates). */
export function kubectlSession(binary: KubectlBinary, kubeconfigYaml: string, namespace: string): KubectlSession {
  const dir = mkdtempSync(join(tmpdir(), `kubectl-1.${binary.minor}-`));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigYaml);
  const argv = (args: readonly string[]) => ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), '--namespace', namespace, ...args];
  const outcome = (code: number, stdout: string, stderr: string): KubectlOutcome => ({
    code,
    stdout: normalise(stdout, namespace),
    stderr: normalise(stderr, namespace),
  });
  return {
    minor: binary.minor,
    namespace,
    run: (...args) =>
      new Promise((resolve, reject) => {
        execFile(binary.path, argv(args), { timeout: TIMEOUT_MS }, (error, stdout, stderr) => {
          if (error?.killed) reject(new Error(`kubectl 1.${binary.minor} ${args.join(' ')}: no answer in ${TIMEOUT_MS} ms\n${stderr}`));
          else resolve(outcome(typeof error?.code === 'number' ? error.code : 0, stdout, stderr));
        });
      }),
    stream: (args, ready, whenReady) =>
      new Promise((resolve, reject) => {
        const child = spawn(binary.path, argv(['-v=6', ...args]), { timeout: TIMEOUT_MS });
        let stdout = '';
        let stderr = '';
        let fired = false;
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
          if (fired || !ready.test(stderr)) return;
          fired = true;
          whenReady().catch(reject);
        });
        child.on('error', reject);
        child.on('close', (code) => {
          if (fired) resolve(outcome(code ?? -1, stdout, stderr.replace(KLOG_LINE, '')));
          else reject(new Error(`kubectl 1.${binary.minor} ${args.join(' ')} ended before logging a request matching ${String(ready)}:\n${stderr}`));
        });
      }),
    file: (name, object) => {
      const path = join(dir, name);
      writeFileSync(path, stringify(object));
      return path;
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

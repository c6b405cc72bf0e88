/**
 * `kubeception-fakes` as a process of its own (docs/decisions/017): the simulated host, the fake
 * Vault and the fake EC2, whose state outlives every operator process the tests kill.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import vault from 'node-vault';
import { KubeConfig } from '@kubernetes/client-node';
import { spawnNode, type GroupChild } from './process-group.js';

/** The command's ready line (its first stdout line). */
export interface FakesReady {
  readonly ready: true;
  /** The host's API server, `https://127.0.0.1:<port>`. */
  readonly kube: string;
  readonly vault: string;
  readonly ec2: string;
  /** Path of the kubeconfig it wrote. */
  readonly kubeconfig: string;
  /** Path of the env file it wrote (`KEY=value` lines). */
  readonly env: string;
}

/** The running fakes. */
export interface FakesProcess {
  readonly ready: FakesReady;
  /** The variables of the env file: what an operator reads (`KUBECONFIG`, `VAULT_TOKEN`, `AWS_ENDPOINT_URL_EC2`, …). */
  readonly environment: Readonly<Record<string, string>>;
  /** The host's kubeconfig, for the test's own clients. */
  readonly kubeConfig: KubeConfig;
  readonly child: GroupChild;
  /** SIGTERM, then the written files are removed. */
  stop(): Promise<void>;
}

/** Options of {@link startFakesProcess}. */
export interface FakesProcessOptions {
  /** More flags of the command (`--nodes 2`, `--no-vms`, …). @default none */
  readonly args?: readonly string[];
  /** How long it may take to print its ready line. @default 60_000 */
  readonly timeoutMs?: number;
}

/** Waits for the first stdout line of `child`; rejects when it exits first or `timeoutMs` passes. */
function firstLine(child: GroupChild, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kubeception-fakes not ready after ${timeoutMs} ms:\n${child.stderr().join('\n')}`)), timeoutMs);
    child.onStdoutLine((line) => (clearTimeout(timer), resolve(line)));
    void child.exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`kubeception-fakes exited (${JSON.stringify(exit)}) before it was ready:\n${child.stderr().join('\n')}`));
    });
  });
}

/** Starts `kubeception-fakes` from source, writing its files in a new temporary folder; resolves once it is ready. */
export async function startFakesProcess(options: FakesProcessOptions = {}): Promise<FakesProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeception-process-'));
  const child = spawnNode('packages/testing/src/kubeception-fakes.ts', ['--dir', join(dir, 'fakes'), '--log-level', 'warn', ...(options.args ?? [])]);
  try {
    const ready = JSON.parse(await firstLine(child, options.timeoutMs ?? 60_000)) as FakesReady;
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(ready.kubeconfig);
    return {
      ready,
      environment: parseEnv(readFileSync(ready.env, 'utf8')) as Record<string, string>,
      kubeConfig,
      child,
      stop: async () => {
        await child.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await child.kill();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Reads the fakes' Vault mounts (`sys/`, `pki-<cluster-id>/`, …) over HTTP with the env file's token (the fake Vault's root token). */
export function fakesVaultMounts(fakes: Pick<FakesProcess, 'ready' | 'environment'>): () => Promise<string[]> {
  const root = vault({ endpoint: fakes.ready.vault, token: fakes.environment.VAULT_TOKEN, noCustomHTTPVerbs: true });
  return async () => Object.keys((await root.mounts()) as Record<string, unknown>);
}

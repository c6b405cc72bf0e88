/**
 * A real, throwaway etcd for system tests: one member on two free loopback ports with a
 * temporary data dir, stopped by PID. Never uses fixed ports, since another etcd (or another
 * test's) may already listen on 2379. The data dir goes on `stop()`, or when the Node.js process
 * exits if nobody stopped it (as the process does).
 *
 * Gate tests that use it with `systemTestGate(['etcd'])` (./tools.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createTempDir } from './temp-dir.js';
import { createTestTls, type TestTls } from './test-tls.js';
import { findProgram } from './tools.js';

/** A running etcd started by {@link startEtcd}. */
export interface EtcdServer {
  /** Client URL, e.g. `http://127.0.0.1:41234` (`https://` with `tls`). */
  readonly url: string;
  /** With `tls`: the CA that signed the server certificate, and a client certificate etcd accepts. */
  readonly tls?: TestTls;
  /** PID of the etcd process. */
  readonly pid: number;
  /** The last lines etcd logged (for failure messages). */
  log(): string;
  /** Freezes the process (SIGSTOP) and waits until every thread has stopped: connections stay open but nothing answers, as with a hung server. */
  pause(): Promise<void>;
  /** Resumes a paused process (SIGCONT). */
  resume(): void;
  /**
   * SIGTERM, then SIGKILL after `stopTimeoutMs`; removes the temporary directory (data, certificates).
   * Safe to call twice. Without it, both go when the Node.js process exits.
   */
  stop(): Promise<void>;
}

/** Options of {@link startEtcd}. */
export interface StartEtcdOptions {
  /** Path of the etcd binary. @default `etcd` found on PATH (or /usr/sbin, /sbin) */
  readonly program?: string;
  /** How long to wait for `/health` to answer `true`. @default 20_000 */
  readonly readyTimeoutMs?: number;
  /** How long to wait after SIGTERM before SIGKILL. @default 5_000 */
  readonly stopTimeoutMs?: number;
  /** Serve clients over TLS and require a client certificate signed by a throwaway CA (see {@link EtcdServer.tls}). @default false */
  readonly tls?: boolean;
}

/** A TCP port nothing listens on right now (the kernel's pick for port 0). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

const waitForExit = (child: ChildProcess, timeoutMs: number): Promise<boolean> =>
  exited(child)
    ? Promise.resolve(true)
    : new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });

/** Waits until every thread of `pid` is in state `T` (stopped): SIGSTOP takes effect asynchronously. */
async function waitUntilStopped(pid: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const tasks = await readdir(`/proc/${pid}/task`);
    const states = await Promise.all(tasks.map(async (task) => (await readFile(`/proc/${pid}/task/${task}/stat`, 'utf8')).replace(/^.*\) /s, '')[0]));
    if (states.every((state) => state === 'T' || state === 't')) return;
    if (Date.now() > deadline) throw new Error(`etcd ${pid} did not stop within ${timeoutMs} ms (thread states ${states.join('')})`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Whether `<url>/health` answers `{"health":"true"}` (with the client certificate when TLS). */
function healthy(url: string, tls: TestTls | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const options = { timeout: 1_000, ...(tls === undefined ? {} : { ca: tls.caCert, cert: tls.clientCert, key: tls.clientKey }) };
    const request = (tls === undefined ? http : https).get(`${url}/health`, options, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(/"health":\s*"?true/.test(body)));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

/**
 * Starts etcd on two free loopback ports with a temporary data dir (and, with `tls`, mutual TLS
 * on the client port) and waits until it is healthy
 * (tries again on other ports if it exits early, e.g. when a port was taken in between).
 * Throws when etcd is missing or never becomes healthy: callers should gate on it first.
 *
 * @example
 * ```ts
 * const etcd = await startEtcd();
 * const store = createEtcdNetworkStore({ hosts: etcd.url });
 * try { ... } finally { await store.close(); await etcd.stop(); }
 * ```
 */
export async function startEtcd(options: StartEtcdOptions = {}): Promise<EtcdServer> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await startOnce(options);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** Where etcd's mutual-TLS files are. */
export interface EtcdTlsFiles {
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
}

/** The flags of a one-member etcd serving clients on `url` and its peer on `peerUrl`, its data in `dataDir`; with `tls`, requiring client certificates. */
export function etcdArgs(spec: { readonly url: string; readonly peerUrl: string; readonly dataDir: string; readonly tls?: EtcdTlsFiles }): string[] {
  const { url, peerUrl, tls } = spec;
  const tlsArgs =
    tls === undefined ? [] : [`--trusted-ca-file=${tls.caCert}`, `--cert-file=${tls.serverCert}`, `--key-file=${tls.serverKey}`, '--client-cert-auth'];
  return [
    ...tlsArgs,
    '--name=default',
    `--data-dir=${spec.dataDir}`,
    `--listen-client-urls=${url}`,
    `--advertise-client-urls=${url}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=default=${peerUrl}`,
    '--initial-cluster-state=new',
    '--logger=zap',
    '--log-outputs=stderr',
  ];
}

/** Writes the server's side of `tls` into `dir` (owner-only). */
async function writeTlsFiles(dir: string, tls: TestTls): Promise<EtcdTlsFiles> {
  const files = { caCert: join(dir, 'ca.crt'), serverCert: join(dir, 'server.crt'), serverKey: join(dir, 'server.key') };
  for (const [name, path] of Object.entries(files)) await writeFile(path, tls[name as keyof EtcdTlsFiles], { mode: 0o600 });
  return files;
}

/** A spawned etcd: its last stderr lines kept, killed when this Node.js process exits if nobody stopped it. */
interface EtcdProcess {
  readonly child: ChildProcess;
  log(): string;
  /** SIGTERM (after SIGCONT, should it be paused), then SIGKILL after `timeoutMs`. */
  stop(timeoutMs: number): Promise<void>;
}

function spawnEtcd(program: string, args: readonly string[]): EtcdProcess {
  const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let lines: string[] = [];
  child.on('error', (error) => (lines = [...lines, `spawn ${program}: ${error.message}`]));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    lines = [...lines, ...chunk.split('\n').filter(Boolean)].slice(-40);
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    child,
    log: () => lines.join('\n'),
    stop: async (timeoutMs) => {
      process.removeListener('exit', killOnExit);
      if (child.pid === undefined || exited(child)) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      if (!(await waitForExit(child, timeoutMs))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
    },
  };
}

/** Polls `/health` until etcd answers it; throws (with etcd's log) when it exits first or `timeoutMs` passes. */
async function waitHealthy(etcd: EtcdProcess, url: string, tls: TestTls | undefined, timeoutMs: number): Promise<void> {
  const { child } = etcd;
  const deadline = Date.now() + timeoutMs;
  while (!(await healthy(url, tls))) {
    if (child.pid === undefined || exited(child) || Date.now() > deadline) {
      const why = exited(child) ? `exited ${child.exitCode ?? child.signalCode}` : 'timeout';
      throw new Error(`etcd on ${url} did not become healthy (${why}):\n${etcd.log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One attempt of {@link startEtcd}: stops what it started when etcd does not become healthy. */
async function startOnce(options: StartEtcdOptions): Promise<EtcdServer> {
  const program = options.program ?? findProgram('etcd');
  if (program === undefined) throw new Error('etcd is not installed (apt-get install etcd-server)');
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const tls = options.tls ? await createTestTls() : undefined;
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${clientPort}`;
  const root = await createTempDir('kubeception-etcd-');
  const tlsFiles = tls === undefined ? undefined : await writeTlsFiles(root.path, tls);
  const dataDir = join(root.path, 'data');
  const etcd = spawnEtcd(program, etcdArgs({ url, peerUrl: `http://127.0.0.1:${peerPort}`, dataDir, ...(tlsFiles ? { tls: tlsFiles } : {}) }));
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await etcd.stop(options.stopTimeoutMs ?? 5_000);
      await root.remove();
    })());
  try {
    await waitHealthy(etcd, url, tls, options.readyTimeoutMs ?? 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  const { child } = etcd;
  return {
    url,
    ...(tls === undefined ? {} : { tls }),
    pid: child.pid as number,
    log: etcd.log,
    pause: async () => {
      child.kill('SIGSTOP');
      await waitUntilStopped(child.pid as number);
    },
    resume: () => void child.kill('SIGCONT'),
    stop,
  };
}

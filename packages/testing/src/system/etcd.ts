/**
 * A real, throwaway etcd for system tests: one member on two free loopback ports with a
 * temporary data dir, stopped by PID. Never uses fixed ports, since another etcd (or another
 * test's) may already listen on 2379.
 *
 * Gate tests that use it with `systemTestGate(['etcd'])` (./tools.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  /** SIGTERM, then SIGKILL after `stopTimeoutMs`; removes the temporary directory (data, certificates). Safe to call twice. */
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

async function startOnce(options: StartEtcdOptions): Promise<EtcdServer> {
  const program = options.program ?? findProgram('etcd');
  if (program === undefined) throw new Error('etcd is not installed (apt-get install etcd-server)');
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const tls = options.tls ? await createTestTls() : undefined;
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const root = await mkdtemp(join(tmpdir(), 'kubeception-etcd-'));
  const dataDir = join(root, 'data');
  const tlsArgs: string[] = [];
  if (tls !== undefined) {
    const files = { 'ca.crt': tls.caCert, 'server.crt': tls.serverCert, 'server.key': tls.serverKey };
    for (const [name, pem] of Object.entries(files)) await writeFile(join(root, name), pem, { mode: 0o600 });
    tlsArgs.push(
      `--trusted-ca-file=${join(root, 'ca.crt')}`,
      `--cert-file=${join(root, 'server.crt')}`,
      `--key-file=${join(root, 'server.key')}`,
      '--client-cert-auth',
    );
  }
  const args = [
    ...tlsArgs,
    '--name=default',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${url}`,
    `--advertise-client-urls=${url}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=default=${peerUrl}`,
    '--initial-cluster-state=new',
    '--logger=zap',
    '--log-outputs=stderr',
  ];
  const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let lines: string[] = [];
  child.on('error', (error) => (lines = [...lines, `spawn ${program}: ${error.message}`]));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    lines = [...lines, ...chunk.split('\n').filter(Boolean)].slice(-40);
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const pid = child.pid;

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      process.removeListener('exit', killOnExit);
      if (pid !== undefined && !exited(child)) {
        child.kill('SIGCONT');
        child.kill('SIGTERM');
        if (!(await waitForExit(child, options.stopTimeoutMs ?? 5_000))) {
          child.kill('SIGKILL');
          await waitForExit(child, 5_000);
        }
      }
      await rm(root, { recursive: true, force: true });
    })());

  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  while (!(await healthy(url, tls))) {
    if (pid === undefined || exited(child) || Date.now() > deadline) {
      await stop();
      throw new Error(
        `etcd on ${url} did not become healthy (${exited(child) ? `exited ${child.exitCode ?? child.signalCode}` : 'timeout'}):\n${lines.join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    ...(tls === undefined ? {} : { tls }),
    pid: pid as number,
    log: () => lines.join('\n'),
    pause: async () => {
      child.kill('SIGSTOP');
      await waitUntilStopped(pid as number);
    },
    resume: () => void child.kill('SIGCONT'),
    stop,
  };
}

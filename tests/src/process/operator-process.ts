/**
 * An example operator (`examples/<name>/src/main.ts`) as a process of its own against
 * `kubeception-fakes`, the way its container runs it: the fakes' env file, the flags it is given,
 * `/metrics` and the probes on loopback ports that stay the same across restarts (a Pod's ports).
 * The test kills it with SIGKILL and starts it again; every run's stderr lines are kept, and an
 * exit the test did not cause is recorded.
 */
import { createServer } from 'node:net';
import type { FakesProcess } from './fakes-process.js';
import { spawnNode, type Exit, type GroupChild } from './process-group.js';

/** One stderr line of a run: parsed when it is JSON (pino's lines), `undefined` otherwise. */
export interface LogLine {
  /** Which run wrote it (1 for the first start). */
  readonly run: number;
  readonly text: string;
  readonly json: Readonly<Record<string, unknown>> | undefined;
}

/** Options of {@link operatorProcess}. */
export interface OperatorProcessOptions {
  /** The example's folder under `examples/`, e.g. `aws-operator`. */
  readonly operator: string;
  /** The fakes it runs against: their env file is its environment (`node --env-file`). */
  readonly fakes: Pick<FakesProcess, 'ready'>;
  /**
   * Its flags, e.g. a Deployment's `args`. `--metrics-bind-address` and
   * `--health-probe-bind-address` are replaced by (or given as) the process's loopback ports.
   * @default none
   */
  readonly args?: readonly string[];
  /** Variables over the env file's, e.g. a Deployment's `env` values. @default none */
  readonly env?: Readonly<Record<string, string>>;
}

/** An operator process: started, killed, restarted by the test. */
export interface OperatorProcess {
  readonly name: string;
  /** `http://127.0.0.1:<port>/metrics`. */
  readonly metricsUrl: string;
  /** `http://127.0.0.1:<port>`: `/livez`, `/healthz`, `/readyz`. */
  readonly probesUrl: string;
  /** The flags of every run, the bind addresses included. */
  readonly args: readonly string[];
  /** Starts a run (the previous one must have exited); resolves when its probes answer `/readyz` 200. */
  start(options?: { readonly waitReady?: boolean; readonly timeoutMs?: number }): Promise<void>;
  /** Resolves when the current run answers `/readyz` 200; rejects when it exits first or after `timeoutMs`. */
  waitReady(timeoutMs?: number): Promise<void>;
  /** SIGKILL to the current run's process group; resolves once it has exited. */
  kill(): Promise<void>;
  /** SIGTERM to the current run (SIGKILL after 10 s); its exit. */
  stop(): Promise<Exit>;
  /** How many runs have started. */
  runs(): number;
  /** The stderr lines of every run so far. */
  logs(): readonly LogLine[];
  /** Exits the test did not cause (neither {@link kill} nor {@link stop}), with the run's last lines. */
  unexpectedExits(): readonly string[];
  /** The text of `/metrics`. */
  scrape(): Promise<string>;
}

/** A free TCP port on 127.0.0.1 (free when asked: the operator binds it moments later). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `args` with the bind flags replaced by loopback `metrics` and `probes` ports. */
export function withLoopbackPorts(args: readonly string[], metrics: number, probes: number): string[] {
  const bind = /^--(metrics-bind-address|health-probe-bind-address)(=|$)/;
  const kept = args.filter((arg, i) => !bind.test(arg) && !(i > 0 && /^--(metrics-bind-address|health-probe-bind-address)$/.test(args[i - 1] ?? '')));
  return [...kept, `--metrics-bind-address=127.0.0.1:${metrics}`, `--health-probe-bind-address=127.0.0.1:${probes}`];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `url` until it answers 200; rejects when `exited` settles first or after `timeoutMs`. */
async function until200(url: string, exited: Promise<Exit>, timeoutMs: number, describe: () => string): Promise<void> {
  let exit: Exit | undefined;
  void exited.then((e) => (exit = e));
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(100)) {
    if (exit) throw new Error(`exited (${JSON.stringify(exit)}) before it was ready\n${describe()}`);
    const status = await fetch(url).then(
      (res) => (void res.body?.cancel(), res.status),
      () => 0,
    );
    if (status === 200) return;
  }
  throw new Error(`not ready after ${timeoutMs} ms\n${describe()}`);
}

/** Creates an operator process on two free ports; nothing runs until `start`. */
export async function operatorProcess(options: OperatorProcessOptions): Promise<OperatorProcess> {
  const [metricsPort, probesPort] = [await freePort(), await freePort()];
  const args = withLoopbackPorts(options.args ?? [], metricsPort, probesPort);
  const probesUrl = `http://127.0.0.1:${probesPort}`;
  const runs: GroupChild[] = [];
  const ended = new WeakSet<GroupChild>();
  const unexpected: string[] = [];
  const current = () => {
    const child = runs.at(-1);
    if (!child) throw new Error(`${options.operator} has not started`);
    return child;
  };
  const tail = (child: GroupChild) => child.stderr().slice(-5).join('\n');
  const waitReady = (timeoutMs = 30_000) => until200(`${probesUrl}/readyz`, current().exited, timeoutMs, () => tail(current()));
  const ending = async <T>(end: (child: GroupChild) => Promise<T>): Promise<T> => {
    const child = current();
    ended.add(child);
    return end(child);
  };
  return {
    name: options.operator,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    probesUrl,
    args,
    async start({ waitReady: wait = true, timeoutMs } = {}) {
      const child = spawnNode(`examples/${options.operator}/src/main.ts`, args, {
        nodeFlags: [`--env-file=${options.fakes.ready.env}`], // the environment's own variables win over the file's
        ...(options.env ? { env: options.env } : {}),
      });
      const run = runs.push(child);
      void child.exited.then((exit) => ended.has(child) || unexpected.push(`run ${run} exited ${JSON.stringify(exit)}:\n${tail(child)}`));
      if (wait) await waitReady(timeoutMs);
    },
    waitReady,
    kill: () => ending((child) => child.kill()).then(() => undefined),
    stop: () => ending((child) => child.stop()),
    runs: () => runs.length,
    logs: () => runs.flatMap((child, i) => child.stderr().map((text) => ({ run: i + 1, text, json: parseJson(text) }))),
    unexpectedExits: () => unexpected,
    scrape: async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text(),
  };
}

/** `text` as a JSON object, or `undefined`. */
function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

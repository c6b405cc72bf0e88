/**
 * Children of the test run in process groups of their own: `node` started with the repository's
 * source condition and tsx, its output kept as complete lines, signals sent to the whole group (a
 * child's own children, e.g. tsx's esbuild service, go with it), and every group still running
 * killed when asked ({@link killEveryGroup}, for `afterAll`) or when the test process exits.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository's root: children run from there, so `tsx` and the source condition resolve. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** How a child ended: its exit code, or the signal that ended it. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A child in a process group of its own. */
export interface GroupChild {
  readonly pid: number;
  /** Settles when the child has exited (its group may still hold its own children until {@link kill}). */
  readonly exited: Promise<Exit>;
  /** Complete stdout lines so far. */
  stdout(): readonly string[];
  /** Complete stderr lines so far (a line cut by SIGKILL is left out). */
  stderr(): readonly string[];
  /** Told each complete stdout line as it comes. */
  onStdoutLine(listener: (line: string) => void): void;
  /** SIGKILL to the whole group; resolves once the child has exited. */
  kill(): Promise<Exit>;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the child has exited. */
  stop(graceMs?: number): Promise<Exit>;
}

/** Options of {@link spawnNode}. */
export interface SpawnNodeOptions {
  /** Node's own flags before the script, e.g. `--env-file=…`. @default none */
  readonly nodeFlags?: readonly string[];
  /** The environment, beside `PATH`, `HOME` and `TMPDIR` of this process. @default none */
  readonly env?: Readonly<Record<string, string>>;
}

/** The groups started and not killed yet, with their leaders' exits. */
const groups = new Map<number, Promise<Exit>>();

/** Sends `signal` to the group of `pid`; false when the group is gone. */
function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

// a test that fails, times out or is interrupted leaves nothing running behind it
process.once('exit', () => {
  for (const pid of groups.keys()) signalGroup(pid, 'SIGKILL');
});

/** Splits a stream's chunks into complete lines, given to `line`. */
function lines(stream: NodeJS.ReadableStream, line: (text: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) line(part);
  });
}

/** Runs `script` (a path from the repository's root) with node, from source (tsx, the `@kubeception/source` condition), in a group of its own. */
export function spawnNode(script: string, args: readonly string[], options: SpawnNodeOptions = {}): GroupChild {
  const { PATH = '', HOME = '', TMPDIR } = process.env;
  const env = { PATH, HOME, ...(TMPDIR ? { TMPDIR } : {}), ...options.env };
  const argv = [...(options.nodeFlags ?? []), '--conditions=@kubeception/source', '--import', 'tsx', script, ...args];
  const child = spawn(process.execPath, argv, { cwd: REPO_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  const pid = child.pid;
  const out: string[] = [];
  const err: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  lines(child.stdout, (line) => (out.push(line), listeners.forEach((l) => l(line))));
  lines(child.stderr, (line) => err.push(line));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  groups.set(pid, exited);
  const kill = async () => {
    signalGroup(pid, 'SIGKILL');
    const exit = await exited;
    groups.delete(pid);
    return exit;
  };
  return {
    pid,
    exited,
    stdout: () => out,
    stderr: () => err,
    onStdoutLine: (listener) => void listeners.push(listener),
    kill,
    stop: async (graceMs = 10_000) => {
      signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      await kill(); // whatever it left in its group
      return exit;
    },
  };
}

/** SIGKILL to every group this process started that still runs (`afterAll`). */
export async function killEveryGroup(): Promise<void> {
  const exits = [...groups].map(([pid, exited]) => (signalGroup(pid, 'SIGKILL'), exited));
  groups.clear();
  await Promise.all(exits);
}

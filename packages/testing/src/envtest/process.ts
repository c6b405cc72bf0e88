/**
 * A control-plane process (internal): spawned in its own process group so that stopping it ends
 * its children too, its last stderr lines kept for error messages, killed when this Node.js process
 * exits if nobody stopped it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { EnvtestError, EnvtestErrorKind } from './errors.js';

/** A running component. */
export interface ManagedProcess {
  /** e.g. `kube-apiserver`. */
  readonly name: string;
  /** Its PID (also its process group). */
  readonly pid: number;
  /** Whether it has exited. */
  exited(): boolean;
  /** Its last stderr lines (and the start of a crash, if it crashed). */
  log(): string;
  /** SIGTERM to the group, SIGKILL after `timeoutMs`; resolves when it has exited. Safe to call twice. */
  stop(timeoutMs: number): Promise<void>;
}

const LOG_LINES = 60;
const CRASH_LINES = 30;
const CRASH_START = /^(panic: |fatal error: |unexpected fault address)/;

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** Signals the whole process group; a group that is already gone is fine. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: nothing left in the group
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Spawns `program` with `args` in a new process group. Throws (kind `ProcessExited`) when it cannot be spawned. */
export async function startProcess(name: string, program: string, args: readonly string[]): Promise<ManagedProcess> {
  const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let lines: string[] = [];
  // a Go crash ends with thousands of goroutine lines: keep where it started too
  const crash: string[] = [];
  (child.stderr as Readable).setEncoding('utf8').on('data', (chunk: string) => {
    const added = chunk.split('\n').filter(Boolean);
    for (const line of added) if (crash.length > 0 ? crash.length < CRASH_LINES : CRASH_START.test(line)) crash.push(line);
    lines = [...lines, ...added].slice(-LOG_LINES);
  });
  const spawned = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (error) => resolve(error));
  });
  if (spawned !== undefined || child.pid === undefined) {
    throw new EnvtestError(EnvtestErrorKind.ProcessExited, `cannot run ${name} (${program}): ${spawned?.message ?? 'no pid'}`, { cause: spawned });
  }
  const pid = child.pid;
  // A test that never calls stop() (or a worker torn down mid-test) must not leave a control plane behind.
  const killOnExit = () => signalGroup(pid, 'SIGKILL');
  process.once('exit', killOnExit);
  // Do not keep the test process alive for these: the exit hook kills them.
  child.unref();
  (child.stderr as Readable & { unref?: () => void }).unref?.();

  let stopping: Promise<void> | undefined;
  return {
    name,
    pid,
    exited: () => hasExited(child),
    log: () => (crash.length > 0 ? [...crash, '…', ...lines] : lines).join('\n'),
    stop: (timeoutMs) =>
      (stopping ??= (async () => {
        if (!hasExited(child)) {
          signalGroup(pid, 'SIGTERM');
          if (!(await waitForExit(child, timeoutMs))) {
            signalGroup(pid, 'SIGKILL');
            await waitForExit(child, 5_000);
          }
        }
        // The leader is gone; anything it started in its group goes too.
        signalGroup(pid, 'SIGKILL');
        process.removeListener('exit', killOnExit);
      })()),
  };
}

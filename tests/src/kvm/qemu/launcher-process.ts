/**
 * The launcher script running on a simulated host: its output (the guest's serial console on
 * stdout, the launcher's and dnsmasq's log on stderr) as lines, the guest's report as timed
 * events, and ways to stop it that always leave nothing behind.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseGuestLine, type GuestEvent } from './guest-init.js';
import { hostSpawn, killGroup, type VmHost } from './vm-host.js';

/** A guest report line and when it arrived, in ms since the launcher started. */
export interface TimedEvent extends GuestEvent {
  readonly atMs: number;
}

/** A running launcher. */
export interface LauncherProcess {
  readonly pid: number;
  /** The guest's report so far. */
  readonly events: readonly TimedEvent[];
  /** Resolves with the first event named `event` that matches `where`; rejects on timeout or exit. */
  waitFor(event: string, where?: (e: GuestEvent) => boolean, timeoutMs?: number): Promise<TimedEvent>;
  /** The exit code (or `null` when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** SIGTERM to the launcher, as the kubelet sends it. */
  terminate(): void;
  /** SIGKILL to its process group and the QEMU and dnsmasq it recorded: safe to call any time. */
  kill(): void;
  /** The last `lines` lines of output, for failure messages. */
  tail(lines?: number): string;
}

/** Options of {@link startLauncher}. */
export interface StartLauncherOptions {
  readonly host: VmHost;
  /** Path of `launcher.sh`. */
  readonly script: string;
  /** The launcher's complete environment (PATH is added). */
  readonly env: Readonly<Record<string, string>>;
  /** Where the output is also written. */
  readonly logFile: string;
}

/** Starts `launcher.sh` inside the host's network namespace. */
export function startLauncher(options: StartLauncherOptions): LauncherProcess {
  const started = performance.now();
  const child = hostSpawn(options.host, options.script, [], { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...options.env });
  const pid = child.pid ?? -1;
  const log = createWriteStream(options.logFile);
  const lines: string[] = [];
  const events: TimedEvent[] = [];
  const listeners = new Set<() => void>();
  let done = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      done = true;
      resolve(code);
      for (const notify of listeners) notify();
    }),
  );
  for (const stream of [child.stdout, child.stderr]) {
    if (stream === null) continue;
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      log.write(`${line}\n`);
      const event = parseGuestLine(line);
      if (event !== undefined) events.push({ ...event, atMs: performance.now() - started });
      for (const notify of listeners) notify();
    });
  }
  const tail = (count = 40) => lines.slice(-count).join('\n');

  const waitFor = (event: string, where: (e: GuestEvent) => boolean = () => true, timeoutMs = 90_000) =>
    new Promise<TimedEvent>((resolve, reject) => {
      const check = () => {
        const found = events.find((e) => e.event === event && where(e));
        if (found !== undefined) finish(() => resolve(found));
        else if (done) finish(() => reject(new Error(`launcher exited before the guest reported ${event}; output:\n${tail()}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no ${event} from the guest in ${timeoutMs} ms; output:\n${tail()}`))), timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        settle();
      };
      listeners.add(check);
      check();
    });

  const kill = () => {
    killGroup(pid);
    for (const file of ['qemu.pid', 'dnsmasq.pid']) killRecorded(`${options.env.VM_DIR ?? ''}/${file}`);
  };
  return { pid, events, waitFor, exited, terminate: () => process.kill(pid, 'SIGTERM'), kill, tail };
}

/** SIGKILL to the PID in `pidFile`, only if that process still runs with the pid file's directory on its command line. */
function killRecorded(pidFile: string): void {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    const dir = pidFile.slice(0, pidFile.lastIndexOf('/'));
    if (Number.isInteger(pid) && pid > 0 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) process.kill(pid, 'SIGKILL');
  } catch {
    // no pid file, or the process is gone
  }
}

/**
 * Clocks of the simulation. Everything time-dependent in the simulated host (kubelet delays,
 * grace periods, eviction timeouts, crash-loop back-off, job run times) asks its clock, so a test
 * can use {@link createSimulatedClock} and move time forward with `advance` instead of sleeping.
 */

/** The time source and timers of a simulated host. */
export interface Clock {
  /** Milliseconds since the epoch, in this clock's time. */
  now(): number;
  /** Calls `fn` once `ms` of this clock's time have passed; returns a function that cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** A clock that moves only when told to. */
export interface SimulatedClock extends Clock {
  /**
   * Moves time forward by `ms`, firing every timer that falls due, in order (each sees `now()` at
   * its due time). Resolves after the fired callbacks had a turn of the event loop.
   */
  advance(ms: number): Promise<void>;
  /** Timers waiting for time to pass. */
  pending(): number;
}

/** Options of {@link createSimulatedClock}. */
export interface SimulatedClockOptions {
  /** The time at start. @default the wall-clock time at creation */
  readonly start?: number | Date;
}

/** The wall clock, with `setTimeout` timers (unref'd: they never keep a process alive). */
export function realClock(): Clock {
  return {
    now: () => Date.now(),
    setTimer(ms, fn) {
      const timer = setTimeout(fn, Math.max(0, ms));
      timer.unref();
      return () => clearTimeout(timer);
    },
  };
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * A manual clock for tests. Timers due now (`ms <= 0`) run on the next turn of the event loop
 * without any `advance`; later ones wait for `advance`.
 *
 * @example
 * ```ts
 * const clock = createSimulatedClock();
 * const host = await startSimulatedHost({ nodes: 2, clock });
 * await host.nodes.setReady('node-1', false);
 * await host.settle();
 * await clock.advance(300_000); // the default eviction timeout, without waiting 5 minutes
 * ```
 */
export function createSimulatedClock(options: SimulatedClockOptions = {}): SimulatedClock {
  let now = options.start === undefined ? Date.now() : new Date(options.start).getTime();
  let seq = 0;
  const timers = new Set<Timer>();
  const due = (limit: number): Timer | undefined => {
    let first: Timer | undefined;
    for (const t of timers) if (t.at <= limit && (first === undefined || t.at < first.at || (t.at === first.at && t.seq < first.seq))) first = t;
    return first;
  };
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => now,
    setTimer(ms, fn) {
      if (ms <= 0) {
        const immediate = setImmediate(fn);
        return () => clearImmediate(immediate);
      }
      const timer: Timer = { at: now + ms, seq: seq++, fn };
      timers.add(timer);
      return () => timers.delete(timer);
    },
    async advance(ms) {
      const target = now + Math.max(0, ms);
      for (let t = due(target); t !== undefined; t = due(target)) {
        timers.delete(t);
        now = Math.max(now, t.at);
        t.fn();
        await turn();
      }
      now = target;
      await turn();
    },
    pending: () => timers.size,
  };
}

/** An RFC 3339 timestamp (second precision, as the API prints them) of a clock's time. */
export function timestamp(clock: Clock): string {
  return new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

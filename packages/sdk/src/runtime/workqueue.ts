/**
 * A work queue of keys, the controller-runtime way:
 *
 * - a key waits in the queue at most once (adds while queued are merged);
 * - a key is never handed to two workers at once: an add while it is processed marks it
 *   dirty, and it is queued again when the worker is done;
 * - two priorities: real changes overtake resyncs and initial-list events;
 * - `addAfter` for `requeueAfter`; `addRateLimited` for retries, delayed by the larger of a
 *   per-key exponential backoff with jitter (5 ms → 5 min by default, reset by `forget`) and a
 *   queue-wide token bucket (10/s, burst 100 by default);
 * - `shutDown` stops handing out keys; `drain` waits for keys in flight.
 */
import { backoffDelay, type BackoffOptions } from '../internal/backoff.js';
import { Fifo } from '../internal/fifo.js';
import { TokenBucket } from '../internal/token-bucket.js';

/** `change` (an object changed) is served before `resync` (periodic or initial list). */
export type Priority = 'change' | 'resync';

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** Per-key retry backoff. @default { baseMs: 5, maxMs: 300_000, jitter: 0.5 } */
  readonly backoff?: BackoffOptions;
  /** Queue-wide limit on retries. @default { qps: 10, burst: 100 } */
  readonly retryRateLimit?: { readonly qps: number; readonly burst: number };
  /** Observes queue activity (metrics). */
  readonly observer?: WorkQueueObserver;
}

/** Hooks for metrics: called synchronously, must not throw. */
export interface WorkQueueObserver {
  /** A key was queued. */
  added?(priority: Priority): void;
  /** A key was queued with backoff (`addRateLimited`). */
  retried?(): void;
  /** The number of waiting keys changed. */
  depth?(depth: number): void;
  /** A key was handed to a worker after waiting `waitedMs`. */
  started?(waitedMs: number): void;
  /** A worker finished a key after `workedMs`. */
  finished?(workedMs: number): void;
}

/** The work in flight of a queue: client-go's unfinished work and longest running processor. */
export interface UnfinishedWork {
  /** Seconds spent so far on all the keys in flight together. */
  readonly totalSeconds: number;
  /** Seconds spent so far on the key in flight the longest (0 with none). */
  readonly longestSeconds: number;
}

interface Queued {
  priority: Priority;
  since: number;
}

/**
 * A work queue of keys, the controller-runtime way: each key waits at most once and is never handed to two
 * workers at once; changes overtake resyncs; `addAfter` delays, `addRateLimited` retries with per-key backoff
 * and a queue-wide rate limit.
 */
export class WorkQueue<K extends string = string> {
  private readonly queued = new Map<K, Queued>();
  private readonly lanes: Record<Priority, Fifo<K>> = { change: new Fifo(), resync: new Fifo() };
  private readonly processing = new Map<K, number>();
  private readonly dirty = new Map<K, Priority>();
  private readonly delayed = new Map<K, { at: number; timer: ReturnType<typeof setTimeout> }>();
  private readonly failures = new Map<K, number>();
  private readonly waiters: ((key: K | undefined) => void)[] = [];
  private readonly idle: (() => void)[] = [];
  private readonly bucket: TokenBucket;
  private stopped = false;

  /** A queue with the given retry backoff, rate limit and observer. */
  constructor(private readonly options: WorkQueueOptions = {}) {
    const limit = options.retryRateLimit ?? { qps: 10, burst: 100 };
    this.bucket = new TokenBucket(limit.qps, limit.burst);
  }

  /** Keys waiting (not counting keys being processed or delayed). */
  get length(): number {
    return this.queued.size;
  }

  /** Keys being processed. */
  get inFlight(): number {
    return this.processing.size;
  }

  /** The time spent so far on the keys in flight (handed out by `get`, not yet `done`). */
  unfinishedWork(): UnfinishedWork {
    const now = performance.now();
    let totalMs = 0;
    let longestMs = 0;
    for (const started of this.processing.values()) {
      totalMs += now - started;
      longestMs = Math.max(longestMs, now - started);
    }
    return { totalSeconds: totalMs / 1000, longestSeconds: longestMs / 1000 };
  }

  /** Whether `shutDown` was called. */
  get isShutDown(): boolean {
    return this.stopped;
  }

  /** Queues `key` (merged with a queued or in-flight copy). */
  add(key: K, priority: Priority = 'change'): void {
    if (this.stopped) return;
    this.options.observer?.added?.(priority);
    if (this.processing.has(key)) {
      if (this.dirty.get(key) !== 'change') this.dirty.set(key, priority);
      return;
    }
    const current = this.queued.get(key);
    if (current !== undefined) {
      if (current.priority === 'resync' && priority === 'change') {
        current.priority = 'change';
        this.lanes.change.push(key); // the stale resync entry is skipped when reached
      }
      return;
    }
    this.queued.set(key, { priority, since: performance.now() });
    this.lanes[priority].push(key);
    this.options.observer?.depth?.(this.queued.size);
    this.wake();
  }

  /** Queues `key` after `ms` (an earlier pending delay wins). */
  addAfter(key: K, ms: number, priority: Priority = 'change'): void {
    if (this.stopped) return;
    if (ms <= 0) return this.add(key, priority);
    const at = performance.now() + ms;
    const pending = this.delayed.get(key);
    if (pending !== undefined && pending.at <= at) return;
    if (pending !== undefined) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key, priority);
    }, ms);
    timer.unref?.();
    this.delayed.set(key, { at, timer });
  }

  /** Queues `key` after its next backoff (or the queue-wide limit, if longer); returns the delay. */
  addRateLimited(key: K): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    const delay = Math.max(backoffDelay(failures, { baseMs: 5, maxMs: 300_000, ...this.options.backoff }), this.bucket.tryTake());
    this.options.observer?.retried?.();
    this.addAfter(key, delay);
    return delay;
  }

  /** Resets the backoff of `key` (after a success). */
  forget(key: K): void {
    this.failures.delete(key);
  }

  /** Retries so far of `key` since its last `forget`. */
  retries(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  /** Waits for the next key; `undefined` once the queue is shut down. Pair with `done`. */
  get(): Promise<K | undefined> {
    const key = this.pop();
    if (key !== undefined || this.stopped) return Promise.resolve(key);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks `key` processed; queues it again if it was added meanwhile. */
  done(key: K): void {
    const started = this.processing.get(key);
    if (started === undefined) return;
    this.processing.delete(key);
    this.options.observer?.finished?.(performance.now() - started);
    const again = this.dirty.get(key);
    if (again !== undefined) {
      this.dirty.delete(key);
      this.add(key, again);
    }
    if (this.processing.size === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  /** Stops handing out keys; waiting `get` calls resolve to `undefined`. Delayed adds are dropped. */
  shutDown(): void {
    this.stopped = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    for (const resolve of this.waiters.splice(0)) resolve(undefined);
  }

  /** Resolves once no key is being processed. */
  drain(): Promise<void> {
    return this.processing.size === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }

  private pop(): K | undefined {
    if (this.stopped) return undefined;
    for (const lane of ['change', 'resync'] as const) {
      const keys = this.lanes[lane];
      for (let key = keys.shift(); key !== undefined; key = keys.shift()) {
        const entry = this.queued.get(key);
        if (entry === undefined || entry.priority !== lane) continue; // moved to the change lane, or already taken
        this.queued.delete(key);
        const now = performance.now();
        this.processing.set(key, now);
        this.options.observer?.depth?.(this.queued.size);
        this.options.observer?.started?.(now - entry.since);
        return key;
      }
    }
    return undefined;
  }

  private wake(): void {
    while (this.waiters.length > 0) {
      const key = this.pop();
      if (key === undefined) return;
      this.waiters.shift()?.(key);
    }
  }
}

/**
 * A control loop of the simulation (internal): a `WorkQueue` of keys from the SDK runtime, worked
 * by one or more workers calling `reconcile(key)`, with clock-driven requeues. Events come from
 * the shared informers (see `context.ts`); the loop only knows keys.
 */
import { WorkQueue } from '@kubeception/sdk/runtime';
import type { Clock } from './clock.js';

/** What a reconcile asks for: nothing more, or a retry with back-off. */
export type Outcome = 'done' | 'retry';

/** `retry` if any of the outcomes is. */
export const worstOf = (outcomes: readonly Outcome[]): Outcome => (outcomes.includes('retry') ? 'retry' : 'done');

/** Options of a {@link Loop}. */
export interface LoopOptions {
  readonly name: string;
  readonly clock: Clock;
  readonly reconcile: (key: string) => Promise<Outcome>;
  /** Workers. @default 1 */
  readonly concurrency?: number;
  /** Called with errors thrown by `reconcile` (they are retried). */
  readonly onError?: (name: string, key: string, error: unknown) => void;
}

/** A running loop; `stop()` ends it once in-flight reconciles are done. */
export class Loop {
  private readonly queue = new WorkQueue({ backoff: { baseMs: 5, maxMs: 2_000, jitter: 0.2 }, retryRateLimit: { qps: 10_000, burst: 10_000 } });
  private readonly timers = new Map<string, { at: number; cancel: () => void }>();
  private readonly workers: Promise<void>[] = [];
  private running = 0;
  private readonly retrying = new Set<string>();

  constructor(private readonly options: LoopOptions) {}

  /** Starts the workers (once the informers have synced, so no decision is made on a partial view). */
  start(): void {
    if (this.workers.length > 0) return;
    for (let i = 0; i < (this.options.concurrency ?? 1); i++) this.workers.push(this.work());
  }

  /** Queues `key`. */
  add(key: string): void {
    this.queue.add(key);
  }

  /** Queues `key` after `ms` of clock time (an earlier pending wake-up wins). */
  addAfter(key: string, ms: number): void {
    const at = this.options.clock.now() + ms;
    const pending = this.timers.get(key);
    if (pending !== undefined && pending.at <= at) return;
    pending?.cancel();
    const cancel = this.options.clock.setTimer(ms, () => {
      this.timers.delete(key);
      this.queue.add(key);
    });
    this.timers.set(key, { at, cancel });
  }

  /** Whether nothing is queued or being reconciled (clock wake-ups do not count). */
  idle(): boolean {
    return this.queue.length === 0 && this.queue.inFlight === 0 && this.running === 0 && this.retrying.size === 0;
  }

  /** Stops handing out keys, cancels wake-ups and waits for reconciles in flight. */
  async stop(): Promise<void> {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.queue.shutDown();
    await Promise.all(this.workers);
  }

  private async work(): Promise<void> {
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      this.running++;
      this.retrying.delete(key);
      let outcome: Outcome;
      try {
        outcome = await this.options.reconcile(key);
      } catch (error) {
        this.options.onError?.(this.options.name, key, error);
        outcome = 'retry';
      }
      this.running--;
      if (outcome === 'retry') {
        this.retrying.add(key);
        this.queue.addRateLimited(key);
      } else this.queue.forget(key);
      this.queue.done(key);
    }
  }
}

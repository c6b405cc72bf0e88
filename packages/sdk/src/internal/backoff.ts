/** Exponential backoff with full jitter. */

/**
 * Backoff settings.
 * @inline
 */
export interface BackoffOptions {
  /** First delay. @default 100 */
  readonly baseMs?: number;
  /** Largest delay. @default 10_000 */
  readonly maxMs?: number;
  /** Fraction of the delay that is random: 0 = none, 1 = full jitter. @default 0.5 */
  readonly jitter?: number;
}

/** Delay before retry number `attempt` (0-based): base·2^attempt capped at max, with jitter. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const { baseMs = 100, maxMs = 10_000, jitter = 0.5 } = options;
  const exact = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return exact * (1 - jitter) + exact * jitter * random();
}

/** Resolves after `ms`, or rejects early when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

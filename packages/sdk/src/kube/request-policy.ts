/**
 * Which calls are retried, and how: client-side rate limit, jittered exponential backoff,
 * `Retry-After` honoured.
 *
 * | failure | retried for |
 * |---|---|
 * | 429 TooManyRequests | every verb: the server did not process the request |
 * | 5xx, Timeout, Transport | idempotent calls only: get, list, delete, replace with a resourceVersion, merge patch, apply |
 * | anything else | never |
 *
 * A create or JSON patch that failed ambiguously is not retried: the caller's next reconcile
 * reads the world again (and a create then meets AlreadyExists), which is safe.
 */
import { ResultAsync, errAsync } from 'neverthrow';
import { backoffDelay, sleep, type BackoffOptions } from '../internal/backoff.js';
import type { TokenBucket } from '../internal/token-bucket.js';
import { toKubeError, type KubeError } from './errors.js';

/** Retry settings of a client. */
export interface RetryOptions extends BackoffOptions {
  /** Attempts in all, including the first. @default 5 */
  readonly maxAttempts?: number;
}

/** Whether a call may be repeated without changing its effect. */
export type Idempotency = 'idempotent' | 'once';

/** Runs one API call under the rate limit and retry rules. */
export function send<T>(call: () => Promise<T>, idempotency: Idempotency, limiter: TokenBucket, retry: RetryOptions): ResultAsync<T, KubeError> {
  const maxAttempts = retry.maxAttempts ?? 5;
  const attempt = (n: number): ResultAsync<T, KubeError> =>
    ResultAsync.fromPromise(limiter.take().then(call), toKubeError).orElse((error) => {
      if (n + 1 >= maxAttempts || !retryable(error, idempotency)) return errAsync(error);
      const wait = retryAfterOf(error) ?? backoffDelay(n, retry);
      return ResultAsync.fromSafePromise(sleep(wait)).andThen(() => attempt(n + 1));
    });
  return attempt(0);
}

/** Whether `error` may be retried for a call of the given idempotency. */
export function retryable(error: KubeError, idempotency: Idempotency): boolean {
  if (error.kind === 'TooManyRequests') return true;
  if (idempotency === 'once') return false;
  return error.kind === 'ServerError' || error.kind === 'Timeout' || error.kind === 'Transport';
}

function retryAfterOf(error: KubeError): number | undefined {
  return error.kind === 'TooManyRequests' || error.kind === 'ServerError' ? error.retryAfterMs : undefined;
}

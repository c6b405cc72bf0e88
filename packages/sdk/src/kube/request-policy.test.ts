import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../internal/token-bucket.js';
import type { KubeError } from './errors.js';
import { retryable, send } from './request-policy.js';

const error = (kind: KubeError['kind'], extra: object = {}) => ({ kind, code: 0, message: kind, ...extra }) as KubeError;
const unlimited = new TokenBucket(0, 0);

/** A call that fails with the given errors (thrown as client-node would), then succeeds. */
function flaky(failures: unknown[]) {
  let calls = 0;
  const call = () => {
    calls++;
    const failure = failures.shift();
    return failure === undefined ? Promise.resolve('ok') : Promise.reject(failure);
  };
  return { call, calls: () => calls };
}
const http = (code: number, headers: Record<string, string> = {}) => Object.assign(new Error(`HTTP ${code}`), { code, body: '{}', headers });

describe('retryable', () => {
  it.each([
    ['TooManyRequests', 'once', true],
    ['TooManyRequests', 'idempotent', true],
    ['ServerError', 'idempotent', true],
    ['ServerError', 'once', false],
    ['Timeout', 'idempotent', true],
    ['Transport', 'idempotent', true],
    ['Transport', 'once', false],
    ['Conflict', 'idempotent', false],
    ['NotFound', 'idempotent', false],
    ['Invalid', 'idempotent', false],
  ] as const)('%s for %s calls: %s', (kind, idempotency, expected) => {
    expect(retryable(error(kind), idempotency)).toBe(expected);
  });
});

describe('send', () => {
  const fast = { baseMs: 1, maxMs: 2 };

  it('retries an idempotent call through 5xx and transport errors', async () => {
    const { call, calls } = flaky([http(500), new TypeError('fetch failed'), http(503)]);
    expect((await send(call, 'idempotent', unlimited, fast))._unsafeUnwrap()).toBe('ok');
    expect(calls()).toBe(4);
  });

  it('does not retry a non-idempotent call after a 5xx', async () => {
    const { call, calls } = flaky([http(500)]);
    expect((await send(call, 'once', unlimited, fast))._unsafeUnwrapErr().kind).toBe('ServerError');
    expect(calls()).toBe(1);
  });

  it('retries any call on 429, waiting Retry-After', async () => {
    const { call, calls } = flaky([http(429, { 'retry-after': '0.02' })]);
    const start = performance.now();
    expect((await send(call, 'once', unlimited, fast)).isOk()).toBe(true);
    expect(calls()).toBe(2);
    expect(performance.now() - start).toBeGreaterThanOrEqual(15);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const { call, calls } = flaky([http(500), http(500), http(502)]);
    expect((await send(call, 'idempotent', unlimited, { ...fast, maxAttempts: 3 }))._unsafeUnwrapErr()).toMatchObject({ kind: 'ServerError', code: 502 });
    expect(calls()).toBe(3);
  });

  it('turns a synchronous throw into an Err', async () => {
    const result = await send(
      () => {
        throw new TypeError('fetch failed');
      },
      'once',
      unlimited,
      fast,
    );
    expect(result._unsafeUnwrapErr().kind).toBe('Transport');
  });
});

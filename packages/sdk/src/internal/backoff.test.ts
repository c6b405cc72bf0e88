import { describe, expect, it } from 'vitest';
import { backoffDelay, sleep } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles from the base up to the cap', () => {
    const exact = (attempt: number) => backoffDelay(attempt, { baseMs: 5, maxMs: 300_000, jitter: 0 });
    expect([0, 1, 2, 3, 10].map(exact)).toEqual([5, 10, 20, 40, 5120]);
    expect(exact(40)).toBe(300_000);
  });

  it('keeps jittered delays between (1 - jitter)·d and d', () => {
    expect(backoffDelay(3, { baseMs: 100, jitter: 0.5 }, () => 0)).toBe(400);
    expect(backoffDelay(3, { baseMs: 100, jitter: 0.5 }, () => 1)).toBe(800);
  });
});

describe('sleep', () => {
  it('rejects when aborted', async () => {
    const controller = new AbortController();
    const pending = sleep(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
  });
});

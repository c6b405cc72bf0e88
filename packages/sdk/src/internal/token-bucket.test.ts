import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('allows a burst, then one token per 1/qps seconds', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([0, 0, 0]);
    expect(bucket.tryTake()).toBeCloseTo(100);
    now += 100;
    expect(bucket.tryTake()).toBe(0);
  });

  it('never holds more than the burst', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 2, () => now);
    now += 60_000;
    expect([bucket.tryTake(), bucket.tryTake()]).toEqual([0, 0]);
    expect(bucket.tryTake()).toBeGreaterThan(0);
  });

  it('does not limit with qps 0', async () => {
    const bucket = new TokenBucket(0, 1);
    expect(bucket.limited).toBe(false);
    await Promise.all(Array.from({ length: 1000 }, () => bucket.take()));
  });

  it('serves waiters at the configured rate', async () => {
    const bucket = new TokenBucket(200, 1);
    const start = performance.now();
    await Promise.all(Array.from({ length: 5 }, () => bucket.take()));
    expect(performance.now() - start).toBeGreaterThanOrEqual(15); // 4 refills of 5 ms after the burst
  });
});

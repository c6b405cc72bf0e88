import { describe, expect, it } from 'vitest';
import { WorkQueue } from './workqueue.js';

const noLimit = { retryRateLimit: { qps: 0, burst: 0 } };

describe('WorkQueue', () => {
  it('merges adds of a queued key', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.length).toBe(2);
    expect([await q.get(), await q.get()]).toEqual(['a', 'b']);
  });

  it('never hands out a key being processed; an add meanwhile re-queues it once after done', async () => {
    const q = new WorkQueue();
    q.add('a');
    const key = await q.get();
    for (let i = 0; i < 1000; i++) q.add('a');
    expect(q.length).toBe(0);
    q.done(key as string);
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('a');
    q.done('a');
    expect(q.length).toBe(0);
  });

  it('serves changes before 1,000 resyncs queued earlier', async () => {
    const q = new WorkQueue();
    for (let i = 0; i < 1000; i++) q.add(`resync-${i}`, 'resync');
    q.add('changed', 'change');
    expect(await q.get()).toBe('changed');
    expect(await q.get()).toBe('resync-0');
  });

  it('promotes a queued resync when the object changes', async () => {
    const q = new WorkQueue();
    q.add('a', 'resync');
    q.add('b', 'resync');
    q.add('b', 'change');
    expect([await q.get(), await q.get(), q.length]).toEqual(['b', 'a', 0]);
  });

  it('keeps the higher priority of adds made while a key is processed', async () => {
    const q = new WorkQueue();
    q.add('a');
    await q.get();
    q.add('a', 'change');
    q.add('a', 'resync');
    q.add('z', 'resync');
    q.done('a');
    expect(await q.get()).toBe('a');
  });

  it('adds after a delay; the earliest pending delay wins', async () => {
    const q = new WorkQueue();
    q.addAfter('a', 200);
    q.addAfter('a', 10);
    q.addAfter('a', 500);
    expect(q.length).toBe(0);
    await expect.poll(() => q.length, { timeout: 150 }).toBe(1);
  });

  it('backs off per key, exponentially, and resets on forget', () => {
    const q = new WorkQueue({ ...noLimit, backoff: { baseMs: 5, maxMs: 300_000, jitter: 0 } });
    const delays = Array.from({ length: 6 }, () => q.addRateLimited('a'));
    expect(delays).toEqual([5, 10, 20, 40, 80, 160]);
    expect(q.addRateLimited('b')).toBe(5);
    expect(q.retries('a')).toBe(6);
    q.forget('a');
    expect(q.addRateLimited('a')).toBe(5);
    q.shutDown();
  });

  it('caps the backoff', () => {
    const q = new WorkQueue({ ...noLimit, backoff: { baseMs: 5, maxMs: 300_000, jitter: 0 } });
    let last = 0;
    for (let i = 0; i < 30; i++) last = q.addRateLimited('a');
    expect(last).toBe(300_000);
    q.shutDown();
  });

  it('limits retries queue-wide with a token bucket', () => {
    const q = new WorkQueue({ backoff: { baseMs: 1, jitter: 0 }, retryRateLimit: { qps: 10, burst: 2 } });
    const delays = ['a', 'b', 'c', 'd'].map((k) => q.addRateLimited(k));
    expect(delays.slice(0, 2)).toEqual([1, 1]);
    expect(delays[2]).toBeGreaterThan(50);
    q.shutDown();
  });

  it('after shutDown hands out nothing and ignores adds', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.shutDown();
    expect(await waiting).toBeUndefined();
    q.add('a');
    expect(await q.get()).toBeUndefined();
  });

  it('drain waits for keys in flight', async () => {
    const q = new WorkQueue();
    q.add('a');
    await q.get();
    let drained = false;
    const draining = q.drain().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    q.done('a');
    await draining;
    expect(drained).toBe(true);
  });

  it('reports depth, adds, waits and work to an observer', async () => {
    const seen: string[] = [];
    const q = new WorkQueue({
      observer: {
        added: (p) => seen.push(`add:${p}`),
        depth: (d) => seen.push(`depth:${d}`),
        started: () => seen.push('start'),
        finished: () => seen.push('finish'),
      },
    });
    q.add('a', 'resync');
    q.done((await q.get()) as string);
    expect(seen).toEqual(['add:resync', 'depth:1', 'depth:0', 'start', 'finish']);
  });

  it('tells the time spent so far on the keys in flight, in all and on the longest-running one', async () => {
    const q = new WorkQueue();
    expect(q.unfinishedWork()).toEqual({ totalSeconds: 0, longestSeconds: 0 });
    q.add('a');
    q.add('b');
    await q.get();
    await new Promise((resolve) => setTimeout(resolve, 40));
    await q.get();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const { totalSeconds, longestSeconds } = q.unfinishedWork();
    expect(longestSeconds).toBeGreaterThanOrEqual(0.055);
    expect(totalSeconds).toBeGreaterThanOrEqual(longestSeconds + 0.015);
    q.done('a');
    expect(q.unfinishedWork().longestSeconds).toBeLessThan(longestSeconds - 0.03);
    q.done('b');
    expect(q.unfinishedWork()).toEqual({ totalSeconds: 0, longestSeconds: 0 });
  });
});

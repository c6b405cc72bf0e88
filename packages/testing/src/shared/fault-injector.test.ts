import { describe, expect, it } from 'vitest';
import { type FaultProtocol, FaultInjector, type LatencyRule } from './fault-injector.js';

interface Match {
  readonly path?: string;
}
interface Failure extends Match {
  readonly status: number;
  readonly times?: number;
  readonly probability?: number;
}
interface Latency extends Match, LatencyRule {}
interface Record {
  readonly path: string;
  fault?: string;
}

const PROTOCOL: FaultProtocol<Failure, Latency, Record> = {
  applies: (m, r) => m.path === undefined || r.path.startsWith(m.path),
  describe: (f) => `fail ${f.status}`,
};

describe('FaultInjector', () => {
  it('fails once by default, and marks the record with the protocol’s words', async () => {
    const faults = new FaultInjector(PROTOCOL);
    faults.fail({ path: 'a/', status: 503 });
    const first: Record = { path: 'a/b' };
    expect(await faults.inject({ path: 'b' })).toBeUndefined();
    expect(await faults.inject(first)).toEqual({ path: 'a/', status: 503 });
    expect(first.fault).toBe('fail 503');
    const second: Record = { path: 'a/b' };
    expect(await faults.inject(second)).toBeUndefined();
    expect(second.fault).toBeUndefined();
  });

  it('fails without end by probability, drawing from the given random source', async () => {
    const draws = [0.9, 0.1, 0.1];
    const faults = new FaultInjector(PROTOCOL, () => draws.shift() ?? 1);
    const handle = faults.fail({ status: 500, probability: 0.5 });
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push((await faults.inject({ path: 'x' }))?.status);
    expect(outcomes).toEqual([undefined, 500, 500, undefined]);
    expect(handle.remaining).toBe(Infinity);
  });

  it('delays matching requests without end by default, and records the latency', async () => {
    const faults = new FaultInjector(PROTOCOL);
    faults.latency({ path: 'slow', ms: 5 });
    const records: Record[] = [{ path: 'slow' }, { path: 'slow' }, { path: 'fast' }];
    const started = Date.now();
    for (const r of records) await faults.inject(r);
    expect(Date.now() - started).toBeGreaterThanOrEqual(9);
    expect(records.map((r) => r.fault)).toEqual(['latency 5ms', 'latency 5ms', undefined]);
  });

  it('names the failure over the latency when both hit one request', async () => {
    const faults = new FaultInjector(PROTOCOL);
    faults.latency({ ms: 1, times: 1 });
    faults.fail({ status: 429 });
    const record: Record = { path: 'x' };
    expect((await faults.inject(record))?.status).toBe(429);
    expect(record.fault).toBe('fail 429');
  });

  it('holds requests while paused; resume and clear release them', async () => {
    const faults = new FaultInjector(PROTOCOL);
    faults.pause();
    let done = 0;
    const held = [faults.inject({ path: 'a' }), faults.delay({ path: 'b' })].map((p) => p.then(() => done++));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(done).toBe(0);
    faults.resume();
    await Promise.all(held);
    expect(done).toBe(2);
    faults.pause();
    const again = faults.inject({ path: 'c' });
    faults.clear();
    expect(await again).toBeUndefined();
  });

  it('removes every rule on clear', async () => {
    const faults = new FaultInjector(PROTOCOL);
    const fail = faults.fail({ status: 500, times: 5 });
    const slow = faults.latency({ ms: 1000 });
    faults.clear();
    expect([fail.remaining, slow.remaining]).toEqual([0, 0]);
    const record: Record = { path: 'x' };
    expect(await faults.inject(record)).toBeUndefined();
    expect(record.fault).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { getCondition, isFalse, isTrue, removeCondition, setCondition, summarizeReady, type Condition } from './conditions.js';

const t0 = new Date('2026-01-01T00:00:00.123Z');
const t1 = new Date('2026-01-01T01:00:00Z');

describe('setCondition', () => {
  it('adds a condition with a second-precision transition time', () => {
    const list = setCondition(undefined, { type: 'NetworkReady', status: 'True', reason: 'AsExpected' }, t0);
    expect(list).toEqual([{ type: 'NetworkReady', status: 'True', reason: 'AsExpected', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }]);
  });

  it('keeps the transition time while the status stays the same', () => {
    const a = setCondition([], { type: 'X', status: 'False', reason: 'Waiting', message: 'one' }, t0);
    const b = setCondition(a, { type: 'X', status: 'False', reason: 'Waiting', message: 'two' }, t1);
    expect(b[0]).toMatchObject({ message: 'two', lastTransitionTime: '2026-01-01T00:00:00Z' });
  });

  it('moves the transition time when the status changes', () => {
    const a = setCondition([], { type: 'X', status: 'False', reason: 'Waiting' }, t0);
    const b = setCondition(a, { type: 'X', status: 'True', reason: 'AsExpected' }, t1);
    expect(b[0]?.lastTransitionTime).toBe('2026-01-01T01:00:00Z');
  });

  it('returns the same array when nothing changed, so callers can skip the write', () => {
    const a = setCondition([], { type: 'X', status: 'True', reason: 'AsExpected', observedGeneration: 2 }, t0);
    expect(setCondition(a, { type: 'X', status: 'True', reason: 'AsExpected', observedGeneration: 2 }, t1)).toBe(a);
    expect(setCondition(a, { type: 'X', status: 'True', reason: 'AsExpected', observedGeneration: 3 }, t1)).not.toBe(a);
  });

  it('never mutates its input and keeps the order of other conditions', () => {
    const a = Object.freeze([
      ...setCondition([], { type: 'A', status: 'True', reason: 'R' }, t0),
      ...setCondition([], { type: 'B', status: 'True', reason: 'R' }, t0),
    ]) as Condition[];
    const b = setCondition(a, { type: 'A', status: 'False', reason: 'R' }, t1);
    expect(b.map((c) => c.type)).toEqual(['A', 'B']);
    expect(a[0]?.status).toBe('True');
  });
});

describe('reading conditions', () => {
  const list = setCondition(setCondition([], { type: 'A', status: 'True', reason: 'R' }), { type: 'B', status: 'False', reason: 'R' });
  it('gets by type', () => expect(getCondition(list, 'B')?.status).toBe('False'));
  it('isTrue / isFalse', () => {
    expect([isTrue(list, 'A'), isTrue(list, 'B'), isTrue(list, 'C'), isTrue(undefined, 'A')]).toEqual([true, false, false, false]);
    expect([isFalse(list, 'B'), isFalse(list, 'C')]).toEqual([true, false]);
  });
  it('removes by type, returning the same array when absent', () => {
    expect(removeCondition(list, 'A').map((c) => c.type)).toEqual(['B']);
    expect(removeCondition(list, 'Z')).toBe(list);
  });
});

describe('summarizeReady', () => {
  const of = ['CertificatesReady', 'NetworkReady'];
  it('is True when all are True', () => {
    let list = setCondition([], { type: 'CertificatesReady', status: 'True', reason: 'AsExpected' }, t0);
    list = setCondition(list, { type: 'NetworkReady', status: 'True', reason: 'AsExpected' }, t0);
    expect(getCondition(summarizeReady(list, { of, now: t0, observedGeneration: 4 }), 'Ready')).toMatchObject({
      status: 'True',
      reason: 'AsExpected',
      observedGeneration: 4,
    });
  });

  it('is False with the first False reason and every pending message', () => {
    let list = setCondition([], { type: 'CertificatesReady', status: 'Unknown', reason: 'Waiting', message: 'issuing 3/7' }, t0);
    list = setCondition(list, { type: 'NetworkReady', status: 'False', reason: 'InvalidSpec', message: 'no VNI left' }, t0);
    expect(getCondition(summarizeReady(list, { of }), 'Ready')).toMatchObject({
      status: 'False',
      reason: 'InvalidSpec',
      message: 'CertificatesReady: issuing 3/7; NetworkReady: no VNI left',
    });
  });

  it('is Unknown while conditions are missing', () => {
    expect(getCondition(summarizeReady([], { of }), 'Ready')).toMatchObject({
      status: 'Unknown',
      message: 'CertificatesReady: not reported yet; NetworkReady: not reported yet',
    });
  });

  it('writes nothing new when the summary is unchanged', () => {
    const once = summarizeReady([], { of, now: t0 });
    expect(summarizeReady(once, { of, now: t1 })).toBe(once);
  });
});

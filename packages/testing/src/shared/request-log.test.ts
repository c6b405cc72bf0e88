import { describe, expect, it } from 'vitest';
import { boundedLog, fieldMatcher } from './request-log.js';

interface Rec {
  readonly verb: string;
  readonly path: string;
  readonly name?: string;
  fault?: string;
}
interface Filter {
  readonly verb?: string;
  readonly path?: string;
  readonly name?: string;
  readonly faulted?: boolean;
}

const records: Rec[] = [
  { verb: 'get', path: 'a/one', name: 'one' },
  { verb: 'list', path: 'a', fault: 'fail 500' },
  { verb: 'get', path: 'b/two', name: 'two', fault: 'latency 5ms' },
];

describe('boundedLog', () => {
  it('keeps records in arrival order and drops the oldest half past the limit', () => {
    const log = boundedLog<number, { odd?: boolean }>(4, (n, f) => f.odd === undefined || (n % 2 === 1) === f.odd);
    for (let n = 1; n <= 4; n++) log.add(n);
    expect(log.all()).toEqual([1, 2, 3, 4]);
    log.add(5);
    expect(log.all()).toEqual([4, 5]);
    expect(log.filter({ odd: true })).toEqual([5]);
    expect(log.count()).toBe(2);
    expect(log.count({ odd: false })).toBe(1);
  });

  it('hands out copies, and forgets everything on clear', () => {
    const log = boundedLog<number, object>(10, () => true);
    log.add(1);
    log.all().push(2);
    expect(log.all()).toEqual([1]);
    log.clear();
    expect(log.count()).toBe(0);
  });
});

describe('fieldMatcher', () => {
  const run = (matches: (r: Rec, f: Filter) => boolean, filter: Filter) => records.filter((r) => matches(r, filter)).map((r) => r.path);

  it('compares given fields by equality and `faulted` by the presence of a fault', () => {
    const matches = fieldMatcher<Rec, Filter>();
    expect(run(matches, {})).toEqual(['a/one', 'a', 'b/two']);
    expect(run(matches, { verb: 'get' })).toEqual(['a/one', 'b/two']);
    expect(run(matches, { verb: 'get', faulted: true })).toEqual(['b/two']);
    expect(run(matches, { faulted: false })).toEqual(['a/one']);
    expect(run(matches, { path: 'a' })).toEqual(['a']);
  });

  it('uses the given test for a field', () => {
    const matches = fieldMatcher<Rec, Filter>({ tests: { path: (r, prefix) => r.path.startsWith(prefix) } });
    expect(run(matches, { path: 'a' })).toEqual(['a/one', 'a']);
    expect(run(matches, { path: 'a', verb: 'list' })).toEqual(['a']);
  });

  it('reads a field given as undefined as anything, or as absent when asked to', () => {
    expect(run(fieldMatcher<Rec, Filter>(), { name: undefined })).toEqual(['a/one', 'a', 'b/two']);
    expect(run(fieldMatcher<Rec, Filter>({ givenUndefined: 'absent' }), { name: undefined })).toEqual(['a']);
  });
});

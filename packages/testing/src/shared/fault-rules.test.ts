import { describe, expect, it } from 'vitest';
import { FaultRules, failureTimes, oneOf } from './fault-rules.js';

interface Spec {
  readonly name: string;
  readonly verb?: string;
  readonly probability?: number;
}

const byVerb = (spec: Spec, verb: string) => oneOf(spec.verb, verb);

describe('FaultRules', () => {
  it('uses a rule once per request it affects, and its handle counts down', () => {
    const rules = new FaultRules<Spec, string>(byVerb);
    const handle = rules.add({ name: 'twice', verb: 'get' }, 2);
    expect(rules.take('list')).toBeUndefined();
    expect(handle.remaining).toBe(2);
    expect(rules.take('get')?.name).toBe('twice');
    expect(handle.remaining).toBe(1);
    expect(rules.take('get')?.name).toBe('twice');
    expect(rules.take('get')).toBeUndefined();
    expect(handle.remaining).toBe(0);
  });

  it('lets the first live rule that applies win, in the order added', () => {
    const rules = new FaultRules<Spec, string>(byVerb);
    rules.add({ name: 'lists', verb: 'list' }, 1);
    rules.add({ name: 'any' }, 1);
    rules.add({ name: 'gets', verb: 'get' }, 1);
    expect(rules.take('get')?.name).toBe('any');
    expect(rules.take('get')?.name).toBe('gets');
    expect(rules.take('list')?.name).toBe('lists');
  });

  it('draws for `probability` only for a live rule that applies, and a lost draw uses nothing', () => {
    const draws = [0.7, 0.2];
    let drawn = 0;
    const rules = new FaultRules<Spec, string>(byVerb, () => {
      drawn++;
      return draws.shift() ?? 0;
    });
    const handle = rules.add({ name: 'half', verb: 'get', probability: 0.5 }, 1);
    expect(rules.take('list')).toBeUndefined();
    expect(drawn).toBe(0);
    expect(rules.take('get')).toBeUndefined();
    expect(handle.remaining).toBe(1);
    expect(rules.take('get')?.name).toBe('half');
    expect(rules.take('get')).toBeUndefined();
    expect(drawn).toBe(2);
  });

  it('lists the live rules that apply without using them', () => {
    const rules = new FaultRules<Spec, string>(byVerb);
    rules.add({ name: 'a', verb: 'get' }, Infinity);
    rules.add({ name: 'b' }, 1).cancel();
    rules.add({ name: 'c' }, 1);
    expect(rules.matching('get').map((s) => s.name)).toEqual(['a', 'c']);
    expect(rules.matching('get').map((s) => s.name)).toEqual(['a', 'c']);
  });

  it('ends every rule on clear, so old handles read 0', () => {
    const rules = new FaultRules<Spec, string>(byVerb);
    const handle = rules.add({ name: 'forever' }, Infinity);
    rules.clear();
    expect(handle.remaining).toBe(0);
    expect(rules.take('get')).toBeUndefined();
  });
});

describe('failureTimes', () => {
  it.each([
    [{}, 1],
    [{ times: 3 }, 3],
    [{ probability: 0.5 }, Infinity],
    [{ times: 2, probability: 0.5 }, 2],
  ])('%j fails %d requests', (spec, times) => {
    expect(failureTimes(spec)).toBe(times);
  });
});

describe('oneOf', () => {
  it.each([
    [undefined, 'get', true],
    ['get', 'get', true],
    ['get', 'list', false],
    [['get', 'list'], 'list', true],
    [[], 'get', false],
  ] as const)('%j wants %s: %s', (wanted, actual, expected) => {
    expect(oneOf<string>(wanted, actual)).toBe(expected);
  });

  it('compares after `normalize`', () => {
    expect(oneOf(['post'], 'POST', (m) => m.toUpperCase())).toBe(true);
    expect(oneOf('post', 'POST')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { boundedMap } from './bounded-map.js';

describe('boundedMap', () => {
  it('keeps at most its limit, forgetting the entry set longest ago; setting a key again makes it the newest', () => {
    const map = boundedMap<string, number>(2);
    expect(map.set('a', 1)).toBe(1);
    map.set('b', 2);
    map.set('a', 3); // a is now the newest
    map.set('c', 4); // b goes
    expect([map.get('a'), map.has('b'), map.get('c'), map.size]).toEqual([3, false, 4, 2]);
    expect(map.delete('a')).toBe(true);
    expect(map.size).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { seededRandom, testSeed } from './seeded-random.js';

describe('seededRandom', () => {
  it('replays the same choices from the same seed, and others from another', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return [random.next(), random.int(1, 6), random.pick(['a', 'b', 'c']), random.sample(3, 1, 10)];
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('keeps ints in their bounds, reaching both, and samples distinct values in order', () => {
    const random = seededRandom(7);
    const ints = Array.from({ length: 500 }, () => random.int(2, 5));
    expect(new Set(ints)).toEqual(new Set([2, 3, 4, 5]));
    for (let i = 0; i < 50; i++) {
      const sample = random.sample(5, 2, 16);
      expect(sample).toHaveLength(5);
      expect(new Set(sample).size).toBe(5);
      expect(sample).toEqual([...sample].sort((a, b) => a - b));
      expect(sample.every((n) => n >= 2 && n <= 16)).toBe(true);
    }
    expect(() => random.pick([])).toThrow(/nothing/);
  });
});

describe('testSeed', () => {
  it('reads KUBECEPTION_SEED, refuses what is not a 32-bit unsigned integer, and draws one when unset', () => {
    expect(testSeed({ KUBECEPTION_SEED: '1234' })).toBe(1234);
    for (const bad of ['-1', '1.5', 'seed', String(2 ** 32)]) expect(() => testSeed({ KUBECEPTION_SEED: bad })).toThrow(/KUBECEPTION_SEED/);
    const drawn = testSeed({});
    expect(Number.isInteger(drawn) && drawn >= 0 && drawn < 2 ** 32).toBe(true);
  });
});

/**
 * A seeded pseudo-random source for tests that choose moments and actions at random: the seed
 * is printed, and `KUBECEPTION_SEED=<seed>` replays the same choices.
 */

/** Random choices from one seed. */
export interface SeededRandom {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** One of `items` (not empty). */
  pick<T>(items: readonly T[]): T;
  /** `count` distinct integers of [min, max], ascending. */
  sample(count: number, min: number, max: number): number[];
}

/** The seed of this run: `KUBECEPTION_SEED` when set, a new one otherwise. */
export function testSeed(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const given = env.KUBECEPTION_SEED;
  if (given === undefined || given === '') return Math.floor(Math.random() * 2 ** 32);
  const seed = Number(given);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new Error(`KUBECEPTION_SEED must be an integer in [0, 2^32), not ${JSON.stringify(given)}`);
  return seed;
}

/** mulberry32: a small, fast generator with a 32-bit state; plenty for choosing test moments. */
export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    seed,
    next,
    int,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from nothing');
      return items[int(0, items.length - 1)] as (typeof items)[number];
    },
    sample: (count, min, max) => {
      const pool = Array.from({ length: max - min + 1 }, (_, i) => min + i);
      for (let i = 0; i < count; i++) {
        const j = i + int(0, pool.length - 1 - i);
        [pool[i], pool[j]] = [pool[j] as number, pool[i] as number];
      }
      return pool.slice(0, count).sort((a, b) => a - b);
    },
  };
}

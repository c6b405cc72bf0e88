import { expect, it } from 'vitest';
import { spreadOverRounds } from './random-kills.js';
import { seededRandom } from './seeded-random.js';

it('spreads items over the rounds in order, the first in round 1, each other in a round of its own', () => {
  for (let seed = 0; seed < 20; seed++) {
    const byRound = spreadOverRounds(['a', 'b', 'c', 'd', 'e'], 8, seededRandom(seed));
    expect(byRound.get(1)).toEqual(['a']);
    expect([...byRound.values()].every((items) => items.length === 1)).toBe(true);
    const rounds = [...byRound.keys()].sort((x, y) => x - y);
    expect(rounds.every((r) => r >= 1 && r <= 8)).toBe(true);
    expect(rounds.map((r) => byRound.get(r)?.[0])).toEqual(['a', 'b', 'c', 'd', 'e']);
  }
});

/** The seeded workloads of the SIGKILL tests: every change is a change, within its bounds, and only of something alive. */
import { expect, it } from 'vitest';
import { drawWorkload } from './aws-workload.js';
import { drawPkiWorkload } from './pki-workload.js';
import { seededRandom } from './seeded-random.js';

it.each([
  ['the AWS sample', undefined, [0, 4]],
  ['one pool of 1 to 3', { pools: [1], replicas: [1, 3] as const }, [1, 3]],
] as const)('scales Clusters of %s within bounds, always to another count', (_what, shape, [min, max]) => {
  for (let seed = 0; seed < 50; seed++) {
    const replicas = new Map<string, number[]>();
    for (const action of drawWorkload(seededRandom(seed), 'w', shape).actions) {
      if (action.kind === 'create') replicas.set(action.cluster, [...(shape?.pools ?? [3, 0])]);
      if (action.kind !== 'scale') continue;
      const pools = replicas.get(action.cluster) ?? [];
      expect(action.replicas).not.toBe(pools[action.pool]);
      expect(action.replicas).toBeGreaterThanOrEqual(min);
      expect(action.replicas).toBeLessThanOrEqual(max);
      pools[action.pool] = action.replicas;
    }
  }
});

it('changes and deletes only CAs alive at that point, and ends with the alive and gone it says', () => {
  for (let seed = 0; seed < 50; seed++) {
    const workload = drawPkiWorkload(seededRandom(seed), 'ca');
    const alive = new Set<string>();
    const gone: string[] = [];
    for (const action of workload.actions) {
      if (action.kind === 'create') alive.add(action.ca);
      else expect(alive.has(action.ca)).toBe(true);
      if (action.kind !== 'delete') continue;
      alive.delete(action.ca);
      gone.push(action.ca);
    }
    expect({ alive: [...alive], gone }).toEqual({ alive: workload.alive, gone: workload.gone });
  }
});

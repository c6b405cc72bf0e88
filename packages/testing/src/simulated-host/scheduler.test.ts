import { describe, expect, it } from 'vitest';
import { requestsOf } from './objects.js';
import { pickNode } from './scheduler.js';
import type { InterPod } from './scheduler-filters.js';
import { Placements } from './scheduler-placements.js';
import { storedNode, storedPod } from './stored-fixtures.js';

const NO_RULES: InterPod = { antiBlocked: new Set(), existingBlocked: new Set(), affinity: [] };
const nodes = [storedNode({}, 0), storedNode({}, 1), storedNode({ unschedulable: true }, 2)];
const pick = (placements: Placements, pod = storedPod('new', { owner: 'rs-1', phase: 'Pending', ready: false })) => {
  const { best, rejections } = pickNode(
    pod,
    requestsOf(pod),
    nodes.map((n) => placements.viewOf(n)),
    NO_RULES,
  );
  return { best: best?.node.metadata.name, rejections };
};

describe('pickNode', () => {
  it('takes the least loaded node that fits, the first by name on a tie, and says why the others do not fit', () => {
    const empty = pick(new Placements());
    expect(empty.best).toBe('node-1');
    expect(empty.rejections).toEqual([{ reasons: ['node(s) were unschedulable'], resolvable: false }]);
    const busy = new Placements();
    busy.place(storedPod('other'), 'node-1');
    expect(pick(busy).best).toBe('node-2');
  });

  it('spreads the pods of one controller before it looks at load', () => {
    const placements = new Placements();
    placements.place(storedPod('sibling', { owner: 'rs-1' }), 'node-1');
    placements.place(storedPod('a'), 'node-2');
    placements.place(storedPod('b'), 'node-2');
    expect(pick(placements).best).toBe('node-2');
  });

  it('finds nothing when no node fits', () => {
    const pod = storedPod('picky', { phase: 'Pending', ready: false, spec: { nodeSelector: { disk: 'ssd' } } });
    const { best, rejections } = pick(new Placements(), pod);
    expect(best).toBeUndefined();
    expect(rejections).toHaveLength(3);
  });
});

import { describe, expect, it } from 'vitest';
import { createRefusedClusters } from './refused-clusters.js';

describe('createRefusedClusters', () => {
  const next = { name: 'next', namespace: 'team-a' };
  /** Refused Clusters holding `next`, refused by namespace `next-abcdefghij`. */
  const refusedNext = () => {
    const refused = createRefusedClusters();
    refused.refused('next-abcdefghij', next);
    return refused;
  };

  it('leads a change of a refusing namespace back to its Cluster, and no other namespace', () => {
    const refused = refusedNext();
    expect(refused.concerned('next-abcdefghij', false)).toEqual([next]);
    expect(refused.concerned('other-abcdefghij', false)).toEqual([]);
    expect(refused.size).toBe(1);
  });

  it('lets the entry go with its namespace: the Cluster is queued once, and records it again if still refused', () => {
    const refused = refusedNext();
    expect(refused.concerned('next-abcdefghij', true)).toEqual([next]);
    expect(refused.concerned('next-abcdefghij', true)).toEqual([]);
    expect(refused.size).toBe(0);
  });

  it('forgets a Cluster that went on', () => {
    const refused = refusedNext();
    refused.cleared('next-abcdefghij');
    expect(refused.concerned('next-abcdefghij', false)).toEqual([]);
    expect(refused.size).toBe(0);
  });
});

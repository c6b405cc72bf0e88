/**
 * The decisions of one ledger round (pure). The rounds themselves (one read and one write for the
 * requests waiting together, a lost write decided again, `Contended`) are tested against the fake
 * API server with the ledger, in the KVM suites.
 */
import { err, ok } from 'neverthrow';
import { describe, expect, it } from 'vitest';
import { allocateNetwork, DEFAULT_NETWORK_POOL, type NetworkAllocation, type NetworkAllocationError } from './allocate.js';
import { decideBatch, type Decide } from './ledger-rounds.js';

/** What the test decisions fail with: the allocator's refusals, or a refusal of their own. */
type Refusal = NetworkAllocationError | 'refused';

const allocate =
  (owner: string): Decide<NetworkAllocation, Refusal> =>
  (entries) =>
    allocateNetwork(owner, { subnetLen: 30 }, entries, DEFAULT_NETWORK_POOL).map(({ allocation, created }) => ({
      value: allocation,
      entries: created ? [...entries, allocation] : undefined,
    }));
const held: NetworkAllocation = { owner: 'team-a/demo', network: '10.64.0.0/24', vni: 1 };

describe('decideBatch', () => {
  it('decides each request on the entries the ones before it left, and writes them all once', () => {
    const decided = decideBatch([allocate('team-b/one'), allocate('team-b/two')], [held]);
    const [one, two] = decided.outcomes.map((o) => o._unsafeUnwrap() as NetworkAllocation);
    expect(one?.network).toBe('10.64.1.0/24');
    expect(two?.network).toBe('10.64.2.0/24');
    expect(decided.entries?.map((e) => e.owner)).toEqual(['team-a/demo', 'team-b/one', 'team-b/two']);
  });

  it('has nothing to write when no decision changes the entries', () => {
    const decided = decideBatch([allocate('team-a/demo')], [held]);
    expect(decided.outcomes.map((o) => o._unsafeUnwrap())).toEqual([held]);
    expect(decided.entries).toBeUndefined();
  });

  it('gives a refused request its error, and the others decide on as if it had not asked', () => {
    const refuse: Decide<unknown, Refusal> = () => err('refused');
    const count: Decide<unknown, Refusal> = (entries) => ok({ value: entries.length });
    const decided = decideBatch([refuse, allocate('team-b/one'), count], [held]);
    expect(decided.outcomes[0]?._unsafeUnwrapErr()).toBe('refused');
    expect(decided.outcomes[2]?._unsafeUnwrap()).toBe(2);
    expect(decided.entries).toHaveLength(2);
  });
});

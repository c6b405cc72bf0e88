import { describe, expect, it } from 'vitest';
import { allocateNetwork, allocationChange, DEFAULT_NETWORK_POOL, releaseNetwork, type NetworkAllocation, type NetworkPool } from './allocate.js';

const request = { subnetLen: 30 };
const small: NetworkPool = { network: '10.1.0.0/22', prefix: 24, vnis: { min: 1, max: 3 } };

/** Allocates `owners` one after another into a ledger, as the operator would. */
function fill(owners: readonly string[], pool: NetworkPool = DEFAULT_NETWORK_POOL, ledger: NetworkAllocation[] = []): NetworkAllocation[] {
  for (const owner of owners) ledger.push(allocateNetwork(owner, request, ledger, pool)._unsafeUnwrap().allocation);
  return ledger;
}

describe('allocateNetwork', () => {
  it('hands out the lowest free network and VNI of the pool', () => {
    expect(fill(['ns/a', 'ns/b'])).toEqual([
      { owner: 'ns/a', network: '10.64.0.0/24', vni: 1 },
      { owner: 'ns/b', network: '10.64.1.0/24', vni: 2 },
    ]);
  });

  it('returns the existing entry unchanged for a cluster already in the ledger', () => {
    const ledger = fill(['ns/a']);
    expect(allocateNetwork('ns/a', request, ledger)._unsafeUnwrap()).toEqual({ allocation: ledger[0], created: false });
    expect(allocateNetwork('ns/a', { ...request, network: '10.64.0.0/24', vni: 1 }, ledger)._unsafeUnwrap().created).toBe(false);
  });

  it('refuses to move an allocated network or VNI', () => {
    const ledger = fill(['ns/a']);
    const error = allocateNetwork('ns/a', { ...request, network: '10.9.0.0/24', vni: 9 }, ledger)._unsafeUnwrapErr();
    expect(error).toMatchObject({ kind: 'AllocationImmutable', current: { network: '10.64.0.0/24', vni: 1 } });
    expect(error.message).toBe(
      'spec.network.flannel cannot change once allocated (from network 10.64.0.0/24 to 10.9.0.0/24 and vni 1 to 9); set it back to the allocated value or unset it, or recreate the cluster to move it',
    );
  });

  it('finds a change of what is held: a value set to the allocated one (or unset) asks for nothing', () => {
    const held = { network: '10.64.3.0/24', vni: 4 };
    expect(allocationChange(held, {})).toBeUndefined();
    expect(allocationChange(held, { network: '10.64.3.0/24', vni: 4 })).toBeUndefined();
    expect(allocationChange(held, { network: '10.99.0.0/24' })?.message).toContain('(from network 10.64.3.0/24 to 10.99.0.0/24)');
    expect(allocationChange(held, { vni: 3999 })?.message).toContain('(from vni 4 to 3999)');
    expect(allocationChange(held, { vni: 3999 })).toMatchObject({ kind: 'AllocationImmutable', current: held });
  });

  it('reuses a released network and VNI, lowest first', () => {
    const ledger = releaseNetwork('ns/b', fill(['ns/a', 'ns/b', 'ns/c']));
    expect(ledger.map((entry) => entry.owner)).toEqual(['ns/a', 'ns/c']);
    expect(allocateNetwork('ns/d', request, ledger)._unsafeUnwrap().allocation).toEqual({ owner: 'ns/d', network: '10.64.1.0/24', vni: 2 });
  });

  it('honours requested values and allocates around them', () => {
    const ledger = fill(['ns/a']);
    const wanted = allocateNetwork('ns/b', { subnetLen: 28, network: '10.64.2.0/23', vni: 2 }, ledger)._unsafeUnwrap().allocation;
    expect(wanted).toEqual({ owner: 'ns/b', network: '10.64.2.0/23', vni: 2 });
    ledger.push(wanted);
    fill(['ns/c', 'ns/d'], DEFAULT_NETWORK_POOL, ledger);
    expect(ledger.slice(2)).toEqual([
      { owner: 'ns/c', network: '10.64.1.0/24', vni: 3 },
      { owner: 'ns/d', network: '10.64.4.0/24', vni: 4 },
    ]);
  });

  it('skips a larger network taken inside the pool and one that is not aligned to the block size', () => {
    const ledger: NetworkAllocation[] = [
      { owner: 'ns/x', network: '10.64.0.0/22', vni: 10 },
      { owner: 'ns/y', network: '10.64.4.0/25', vni: 11 },
      { owner: 'ns/z', network: '192.168.0.0/24', vni: 12 },
    ];
    expect(
      fill(['ns/a', 'ns/b'], DEFAULT_NETWORK_POOL, ledger)
        .slice(3)
        .map((entry) => entry.network),
    ).toEqual(['10.64.5.0/24', '10.64.6.0/24']);
  });

  it('refuses a requested network that overlaps another cluster', () => {
    const ledger = fill(['ns/a']);
    const error = allocateNetwork('ns/b', { ...request, network: '10.64.0.0/16' }, ledger)._unsafeUnwrapErr();
    expect(error).toEqual({
      kind: 'NetworkTaken',
      network: '10.64.0.0/24',
      owner: 'ns/a',
      message: 'spec.network.flannel.network 10.64.0.0/16 overlaps 10.64.0.0/24, held by another Cluster; choose another or leave it unset to allocate one',
    });
  });

  it('refuses a requested VNI that is taken or shares a launcher health port', () => {
    const ledger = fill(['ns/a']);
    expect(allocateNetwork('ns/b', { ...request, vni: 1 }, ledger)._unsafeUnwrapErr()).toMatchObject({ kind: 'VniTaken', vni: 1, owner: 'ns/a' });
    const port = allocateNetwork('ns/b', { ...request, vni: 20_001 }, ledger)._unsafeUnwrapErr();
    expect(port).toMatchObject({ kind: 'VniTaken', vni: 20_001, owner: 'ns/a' });
    expect(port.message).toContain('would share launcher health port 40001 with cluster ns/a (VNI 1)');
  });

  it('does not hand out a VNI whose health port a user-chosen VNI already holds', () => {
    const ledger: NetworkAllocation[] = [{ owner: 'ns/x', network: '10.9.0.0/24', vni: 20_001 }];
    expect(allocateNetwork('ns/a', request, ledger)._unsafeUnwrap().allocation.vni).toBe(2);
  });

  it.each([
    [{ network: '10.64.1.1/24' }, 'spec.network.flannel.network must be a network address: 10.64.1.1/24 has host bits set (did you mean 10.64.1.0/24?)'],
    [{ network: '10.64.1.0/30' }, "spec.network.flannel.subnetLen /30 must be longer than the cluster network's /30, so each host gets a subnet of it"],
    [{ vni: 0 }, 'spec.network.flannel.vni 0 must be an integer within 1–16777215'],
  ])('refuses the invalid request %j', (fields, message) => {
    expect(allocateNetwork('ns/a', { ...request, ...fields }, [])._unsafeUnwrapErr()).toEqual({ kind: 'InvalidRequest', message });
  });

  it('refuses a subnetLen that leaves no host subnets in the pool block', () => {
    expect(allocateNetwork('ns/a', { subnetLen: 24 }, [])._unsafeUnwrapErr().kind).toBe('InvalidRequest');
  });

  it('reports an exhausted pool of networks and of VNIs', () => {
    const networks = fill(['ns/a', 'ns/b', 'ns/c'], small);
    expect(allocateNetwork('ns/d', request, networks, small)._unsafeUnwrapErr()).toEqual({
      kind: 'PoolExhausted',
      resource: 'vni',
      message: 'no free VNI left in the pool 1–3 (3 clusters hold VNIs)',
    });
    networks.push({ owner: 'ns/w', network: '10.1.3.0/24', vni: 99 });
    expect(allocateNetwork('ns/d', { ...request, vni: 50 }, networks, small)._unsafeUnwrapErr()).toEqual({
      kind: 'PoolExhausted',
      resource: 'network',
      message: 'no free /24 network left in the pool 10.1.0.0/22 (4 clusters hold networks)',
    });
  });

  it.each([
    [{ ...small, network: '10.1.0.1/22' }, 'pool network 10.1.0.1/22 must be a network address'],
    [{ ...small, prefix: 20 }, "pool prefix /20 must lie between the pool's /22 and /30"],
    [{ ...small, vnis: { min: 5, max: 4 } }, 'pool VNIs 5–4 must be a range within 1–16777215'],
  ])('refuses an invalid pool', (pool, message) => {
    const error = allocateNetwork('ns/a', request, [], pool)._unsafeUnwrapErr();
    expect(error.kind).toBe('InvalidPool');
    expect(error.message).toContain(message);
  });

  it('never overlaps across 1,000 clusters allocated with churn', () => {
    let ledger: readonly NetworkAllocation[] = fill(Array.from({ length: 1000 }, (_, i) => `ns/c${i}`));
    ledger = ledger.filter((_, i) => i % 3 !== 0);
    ledger = fill(
      Array.from({ length: 400 }, (_, i) => `ns/d${i}`),
      DEFAULT_NETWORK_POOL,
      [...ledger],
    );
    expect(new Set(ledger.map((entry) => entry.vni)).size).toBe(ledger.length);
    const firsts = ledger.map((entry) => entry.network).sort();
    expect(new Set(firsts).size).toBe(ledger.length);
    expect(Math.max(...ledger.map((entry) => entry.vni))).toBe(1066);
  });
});

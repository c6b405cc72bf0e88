import { describe, expect, it } from 'vitest';
import { DEFAULT_NETWORK_POOL } from '../network/allocate.js';
import { ledgerKey } from '../network/ledger.js';
import { clusterOwner, type KvmCluster } from '../render/cluster.js';
import { sampleCluster } from '../render/test-fixtures.js';
import { allocationRefusal, networkRefusal } from './preflight.js';

/** The sample Cluster asking for `flannel` (its network and VNI unset by default). */
const asking = (flannel: { network?: string; vni?: number }): KvmCluster => {
  const cluster = sampleCluster();
  return { ...cluster, spec: { ...cluster.spec, network: { ...cluster.spec.network, flannel: { subnetLen: 30, ...flannel } } } };
};
const held = { network: '10.64.2.0/24', vni: 3 };
/** A ledger holding `held` for the sample Cluster and the victim's network for another. */
const ledger = (cluster: KvmCluster) => ({
  [ledgerKey(clusterOwner(cluster))]: JSON.stringify({ ...held, cluster: clusterOwner(cluster) }),
  [ledgerKey('victim/demo')]: JSON.stringify({ network: '10.64.0.0/24', vni: 1, cluster: 'victim/demo' }),
});

describe('allocationRefusal', () => {
  it('refuses a network or VNI other than the one held, terminally, saying from what to what', () => {
    expect(allocationRefusal({ subnetLen: 30, network: '10.99.0.0/24' }, held)).toEqual({
      kind: 'InvalidSpec',
      reason: 'AllocationImmutable',
      terminal: true,
      message: expect.stringContaining('spec.network.flannel cannot change once allocated (from network 10.64.2.0/24 to 10.99.0.0/24)'),
      cause: expect.objectContaining({ kind: 'AllocationImmutable' }),
    });
    expect(allocationRefusal({ subnetLen: 30, vni: 3999 }, held)?.message).toContain('(from vni 3 to 3999)');
  });

  it('lets pass the values held, unset values, and anything before an allocation', () => {
    expect(allocationRefusal({ subnetLen: 30, ...held }, held)).toBeUndefined();
    expect(allocationRefusal({ subnetLen: 30 }, held)).toBeUndefined();
    expect(allocationRefusal({ subnetLen: 30, network: '10.99.0.0/24', vni: 9 }, undefined)).toBeUndefined();
  });
});

describe('networkRefusal', () => {
  it('refuses a Cluster whose spec moves the network its ledger entry holds, the victim’s included', () => {
    for (const network of ['10.99.0.0/24', '10.64.0.0/24']) {
      const cluster = asking({ network });
      expect(networkRefusal(cluster, undefined, ledger(cluster), DEFAULT_NETWORK_POOL)?.reason, network).toBe('AllocationImmutable');
    }
  });

  it('refuses it against the network its status recorded when the ledger lost the entry', () => {
    const cluster = asking({ vni: 3999 });
    expect(networkRefusal(cluster, held, {}, DEFAULT_NETWORK_POOL)).toMatchObject({
      reason: 'AllocationImmutable',
      message: expect.stringContaining('vni 3 to 3999'),
    });
  });

  it('lets a Cluster pass that asks for what it holds', () => {
    const cluster = asking(held);
    expect(networkRefusal(cluster, undefined, ledger(cluster), DEFAULT_NETWORK_POOL)).toBeUndefined();
    expect(networkRefusal(asking({}), held, {}, DEFAULT_NETWORK_POOL)).toBeUndefined();
  });
});

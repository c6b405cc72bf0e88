/** What `observe` reports from a world: nothing rendered while deleting or before the network is known; the plan once it is. */
import { describe, expect, it } from 'vitest';
import { kvmSpecOf, persistedCluster, sampleInputs } from '../render/test-fixtures.js';
import { observation } from './observation.js';
import { createRenderCache } from './render-cache.js';
import type { KvmWorld } from './world.js';

/** A persisted KVM Cluster `team-a/<name>` with one master and one worker. */
const cluster = (name: string) => persistedCluster('team-a', name);

/** A world with nothing on the host yet, holding `network` when given. */
const world = (network?: KvmWorld['network']): KvmWorld => ({
  objects: new Map(),
  pods: [],
  certificates: [],
  ledgered: network !== undefined,
  ...(network ? { network } : {}),
  guest: { reachable: false, reason: 'no guest API yet' },
});
const renders = () => createRenderCache({ flannel: sampleInputs.flannel });
const conditionOf = (observed: ReturnType<typeof observation>, type: string) => observed.conditions.find((c) => c.type === type);

describe('observation', () => {
  it('renders nothing for a Cluster being deleted, or whose provider spec no longer parses', () => {
    const c = cluster('gone');
    const found = world({ network: '10.64.0.0/24', vni: 1 });
    expect(observation({ cluster: c, spec: undefined, world: found, renders: renders() })).toEqual({ provider: { world: found }, conditions: [] });
    const deleting = { ...c, metadata: { ...c.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' } };
    expect(observation({ cluster: deleting, spec: kvmSpecOf(c), world: found, renders: renders() })).toEqual({ provider: { world: found }, conditions: [] });
  });

  it('has no rendering nor plan before the network is known, and says it is being allocated', () => {
    const c = cluster('new');
    const observed = observation({ cluster: c, spec: kvmSpecOf(c), world: world(), renders: renders() });
    expect(observed.provider.rendered).toBeUndefined();
    expect(observed.provider.plan).toBeUndefined();
    expect(conditionOf(observed, 'NetworkReady')).toMatchObject({ status: 'False', message: 'allocating the flannel network' });
    expect(conditionOf(observed, 'ControlPlaneReady')).toMatchObject({ status: 'False', reason: 'Provisioning' });
  });

  it('renders the Cluster with its network and plans everything onto an empty host', () => {
    const c = cluster('held');
    const observed = observation({ cluster: c, spec: kvmSpecOf(c), world: world({ network: '10.64.0.0/24', vni: 1 }), renders: renders() });
    expect(observed.provider.rendered?.nodes.map((n) => n.name)).toEqual(['held-master-0', 'held-pool-0']);
    expect(observed.provider.plan?.applies.length).toBeGreaterThan(0);
    expect(observed.network).toEqual({ flannel: { network: '10.64.0.0/24', vni: 1 }, podCIDR: '10.2.0.0/16' });
    expect(conditionOf(observed, 'InfrastructureReady')).toMatchObject({ status: 'False', message: "writing the cluster's host objects" });
  });

  it('reports a Cluster that cannot be rendered as an invalid spec, before and after its network is known', () => {
    // a value the schema refuses: rendering refuses it on its own too
    const valid = cluster('unsafe');
    const c = { ...valid, spec: { ...valid.spec, workers: valid.spec.workers.map((pool) => ({ ...pool, labels: { 'example.com/role': 'a\nb' } })) } };
    for (const found of [world(), world({ network: '10.64.0.0/24', vni: 1 })]) {
      const observed = observation({ cluster: c, spec: kvmSpecOf(c), world: found, renders: renders() });
      expect(observed.provider.unrenderable).toMatchObject({ kind: 'Unrenderable' });
      expect(observed.provider.plan).toBeUndefined();
      expect(conditionOf(observed, 'InfrastructureReady')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    }
  });
});

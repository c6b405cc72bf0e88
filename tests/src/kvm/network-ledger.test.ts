/** The KVM network ledger against the fake API server, through the real client. */
import { createNetworkLedger, NETWORK_LEDGER_NAME } from '@kubeception/driver-kvm';
import { clusterId } from '@kubeception/sdk';
import { ConfigMapResource, createKubeClient, NamespaceResource } from '@kubeception/sdk/kube';
import { startFakeKube, type FakeKube } from '@kubeception/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let fake: FakeKube;
beforeEach(async () => {
  fake = await startFakeKube();
  await client()
    .resource(NamespaceResource)
    .create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeception' } });
});
afterEach(() => fake.stop());

const client = () => createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0 });
const ledgerConfigMap = async () => (await client().resource(ConfigMapResource).get(NETWORK_LEDGER_NAME, { namespace: 'kubeception' }))._unsafeUnwrap();
/** Writes the ledger's ConfigMap with `data`, as an operator (or someone else) left it. */
const storeLedger = async (data: Record<string, string>) =>
  (
    await client()
      .resource(ConfigMapResource)
      .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: NETWORK_LEDGER_NAME, namespace: 'kubeception' }, data })
  )._unsafeUnwrap();

describe('createNetworkLedger', () => {
  it('records allocations in its ConfigMap and writes nothing when they are already there', async () => {
    const ledger = createNetworkLedger(client(), { namespace: 'kubeception' });
    expect((await ledger.allocate('team-a/demo', { subnetLen: 30 }))._unsafeUnwrap()).toEqual({ owner: 'team-a/demo', network: '10.64.0.0/24', vni: 1 });
    expect((await ledger.allocate('team-b/prod', { subnetLen: 30, vni: 42 }))._unsafeUnwrap()).toEqual({
      owner: 'team-b/prod',
      network: '10.64.1.0/24',
      vni: 42,
    });
    const stored = await ledgerConfigMap();
    // keyed by cluster ID (namespace and name), naming the Cluster in the value
    expect(stored.data).toEqual({
      [clusterId({ namespace: 'team-a', name: 'demo' })]: '{"network":"10.64.0.0/24","vni":1,"cluster":"team-a/demo"}',
      [clusterId({ namespace: 'team-b', name: 'prod' })]: '{"network":"10.64.1.0/24","vni":42,"cluster":"team-b/prod"}',
    });
    expect((await ledger.allocate('team-a/demo', { subnetLen: 30 }))._unsafeUnwrap().network).toBe('10.64.0.0/24');
    expect((await ledgerConfigMap()).metadata.resourceVersion).toBe(stored.metadata.resourceVersion);
    expect((await ledger.list())._unsafeUnwrap().map((entry) => entry.owner)).toEqual(['team-a/demo', 'team-b/prod']);
  });

  it('keeps two Clusters of one name in two namespaces apart, and reads entries written before cluster IDs', async () => {
    await storeLedger({ 'default.demo': '{"network":"10.64.0.0/24","vni":1}' });
    const ledger = createNetworkLedger(client(), { namespace: 'kubeception' });
    expect((await ledger.allocate('default/demo', { subnetLen: 30 }))._unsafeUnwrap()).toEqual({ owner: 'default/demo', network: '10.64.0.0/24', vni: 1 });
    expect((await ledger.allocate('other/demo', { subnetLen: 30 }))._unsafeUnwrap()).toEqual({ owner: 'other/demo', network: '10.64.1.0/24', vni: 2 });
    // the legacy entry is rewritten under its ID with the next write
    expect(Object.keys((await ledgerConfigMap()).data ?? {}).sort()).toEqual(
      [clusterId({ namespace: 'default', name: 'demo' }), clusterId({ namespace: 'other', name: 'demo' })].sort(),
    );
    expect((await ledger.release('other/demo')).isOk()).toBe(true);
    expect((await ledger.list())._unsafeUnwrap()).toEqual([{ owner: 'default/demo', network: '10.64.0.0/24', vni: 1 }]);
  });

  it("refuses an entry stored under another cluster's ID", async () => {
    const forged = JSON.stringify({ network: '10.64.0.0/24', vni: 1, cluster: 'default/victim' });
    await storeLedger({ [clusterId({ namespace: 'evil', name: 'x' })]: forged });
    expect((await createNetworkLedger(client(), { namespace: 'kubeception' }).allocate('ns/b', { subnetLen: 30 }))._unsafeUnwrapErr()).toMatchObject({
      kind: 'CorruptLedger',
    });
  });

  it('never hands out one network twice to operators racing on the same ledger', async () => {
    const owners = Array.from({ length: 24 }, (_, i) => `ns${i % 4}/cluster-${i}`);
    const results = await Promise.all(
      owners.map((owner) => createNetworkLedger(client(), { namespace: 'kubeception', maxAttempts: 50 }).allocate(owner, { subnetLen: 30 })),
    );
    const allocations = results.map((result) => result._unsafeUnwrap());
    expect(new Set(allocations.map((entry) => entry.network)).size).toBe(owners.length);
    expect(new Set(allocations.map((entry) => entry.vni)).size).toBe(owners.length);
    const stored = (await createNetworkLedger(client(), { namespace: 'kubeception' }).list())._unsafeUnwrap();
    expect(stored.map((entry) => entry.owner).sort()).toEqual([...owners].sort());
  });

  it('decides the requests waiting together in one round: one read and one write for many clusters', async () => {
    const ledger = createNetworkLedger(client(), { namespace: 'kubeception' });
    await ledger.allocate('ns/first', { subnetLen: 30 });
    fake.requests.clear();
    const owners = Array.from({ length: 50 }, (_, i) => `ns/c${i}`);
    const results = await Promise.all([
      ...owners.map((owner) => ledger.allocate(owner, { subnetLen: 30 })),
      ledger.allocate('ns/bad', { subnetLen: 30, network: '10.64.0.0/24' }),
      ledger.release('ns/first'),
    ]);
    const allocations = results.slice(0, owners.length).map((result) => result._unsafeUnwrap() as { network: string; vni: number });
    expect(new Set(allocations.map((entry) => entry.network)).size).toBe(owners.length);
    expect(new Set(allocations.map((entry) => entry.vni)).size).toBe(owners.length);
    // a refusal fails only its own request; a release in the same round is written with the rest
    expect(results[owners.length]?._unsafeUnwrapErr()).toMatchObject({ kind: 'NetworkTaken', owner: 'ns/first' });
    expect(results[owners.length + 1]?.isOk()).toBe(true);
    const writes = fake.requests.filter({ resource: 'configmaps' }).filter((r) => r.verb === 'update');
    expect(writes.length).toBeLessThanOrEqual(2); // the first request's round, then everyone who queued behind it
    const stored = (await ledger.list())._unsafeUnwrap().map((entry) => entry.owner);
    expect(stored.sort()).toEqual([...owners].sort());
  });

  it('releases an entry once and reuses it; releasing an unknown owner writes nothing', async () => {
    const ledger = createNetworkLedger(client(), { namespace: 'kubeception' });
    await ledger.allocate('ns/a', { subnetLen: 30 });
    await ledger.allocate('ns/b', { subnetLen: 30 });
    expect((await ledger.release('ns/a')).isOk()).toBe(true);
    const version = (await ledgerConfigMap()).metadata.resourceVersion;
    expect((await ledger.release('ns/a')).isOk()).toBe(true);
    expect((await ledgerConfigMap()).metadata.resourceVersion).toBe(version);
    expect((await ledger.allocate('ns/c', { subnetLen: 30 }))._unsafeUnwrap()).toEqual({ owner: 'ns/c', network: '10.64.0.0/24', vni: 1 });
  });

  it('passes allocation refusals through and leaves the ledger as it was', async () => {
    const ledger = createNetworkLedger(client(), { namespace: 'kubeception' });
    await ledger.allocate('ns/a', { subnetLen: 30 });
    const version = (await ledgerConfigMap()).metadata.resourceVersion;
    expect((await ledger.allocate('ns/b', { subnetLen: 30, network: '10.64.0.0/16' }))._unsafeUnwrapErr()).toMatchObject({
      kind: 'NetworkTaken',
      owner: 'ns/a',
    });
    expect((await ledgerConfigMap()).metadata.resourceVersion).toBe(version);
  });

  it('re-reads and decides again after a conflict, and gives up as Contended after maxAttempts', async () => {
    const ledger = createNetworkLedger(client(), { namespace: 'kubeception', maxAttempts: 3 });
    await ledger.allocate('ns/a', { subnetLen: 30 });
    fake.faults.fail({ verb: 'update', resource: 'configmaps', status: 409, times: 2 });
    expect((await ledger.allocate('ns/b', { subnetLen: 30 }))._unsafeUnwrap().network).toBe('10.64.1.0/24');
    fake.faults.fail({ verb: 'update', resource: 'configmaps', status: 409, times: 3 });
    expect((await ledger.allocate('ns/c', { subnetLen: 30 }))._unsafeUnwrapErr()).toMatchObject({ kind: 'Contended', attempts: 3 });
    expect((await ledger.list())._unsafeUnwrap().map((entry) => entry.owner)).toEqual(['ns/a', 'ns/b']);
  });

  it('refuses to decide over an entry it cannot read', async () => {
    await storeLedger({ 'ns.a': 'not json' });
    const error = (await createNetworkLedger(client(), { namespace: 'kubeception' }).allocate('ns/b', { subnetLen: 30 }))._unsafeUnwrapErr();
    expect(error).toMatchObject({ kind: 'CorruptLedger', key: 'ns.a' });
  });

  it('reports the API server as a Kube error', async () => {
    const ledger = createNetworkLedger(createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0, retry: { maxAttempts: 1 } }), { namespace: 'kubeception' });
    await fake.stop();
    expect((await ledger.list())._unsafeUnwrapErr().kind).toBe('Kube');
    fake = await startFakeKube();
  });
});

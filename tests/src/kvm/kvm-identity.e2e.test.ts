/**
 * Cluster identity on a shared host: a Cluster's name is unique only in its namespace, so two
 * Clusters `demo` (in `default` and `other`) must get two host namespaces, two networks, two
 * flannel configs, two ledger entries and two guests, and deleting one must leave the other as it
 * was. A host namespace the driver did not create for the Cluster is never adopted, written into
 * or deleted.
 */
import { flannelEtcdPrefix, KvmAnnotation, type FlannelNetworkConfig } from '@kubeception/driver-kvm';
import type { Cluster, Persisted } from '@kubeception/sdk';
import { ConfigMapResource, DeploymentResource, NamespaceResource, NodeResource, type Deployment } from '@kubeception/sdk/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostNamespace, kvmClusterInput, OPERATOR_NAMESPACE, startKvmWorld, type KvmWorld } from './kvm-world.js';

let world: KvmWorld;
beforeAll(async () => {
  world = await startKvmWorld({ nodes: 4 });
  (await world.kube.resource(NamespaceResource).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } }))._unsafeUnwrap();
});
afterAll(() => world.stop());

const DEFAULT_HOST = hostNamespace('demo', 'default');
const OTHER_HOST = hostNamespace('demo', 'other');
const get = async (namespace: string, name = 'demo'): Promise<Persisted<Cluster>> => (await world.clusters().get(name, { namespace }))._unsafeUnwrap();
const ready = async (namespace: string) => {
  const cluster = await get(namespace);
  return cluster.status?.phase === 'Ready' && cluster.status.observedGeneration === cluster.metadata.generation;
};
const deployments = async (namespace: string) =>
  (await world.kube.resource(DeploymentResource).list({ namespace }))
    ._unsafeUnwrap()
    .items.map((d: Deployment) => `${d.metadata?.name}@${d.metadata?.uid}/${d.metadata?.resourceVersion}`)
    .sort();
const ledger = async () =>
  (await world.kube.resource(ConfigMapResource).get('kubeception-kvm-networks', { namespace: OPERATOR_NAMESPACE }))._unsafeUnwrap().data ?? {};
const flannelConfig = async (host: string): Promise<FlannelNetworkConfig | undefined> => (await world.store.getConfig(flannelEtcdPrefix(host)))._unsafeUnwrap();
const guestNodes = async (host: string) =>
  ((await world.vms.guest(host)?.localClient().resource(NodeResource).list())?._unsafeUnwrap().items ?? []).map((n) => n.metadata?.name).sort();

describe('two Clusters named demo in two namespaces', () => {
  it('both become Ready, each in its own host namespace, network, flannel config, ledger entry and guest', async () => {
    expect(DEFAULT_HOST).not.toBe(OTHER_HOST);
    expect(DEFAULT_HOST).toMatch(/^demo-[a-z2-7]{10}$/);
    (await world.clusters().create(kvmClusterInput('demo')))._unsafeUnwrap();
    (await world.clusters().create(kvmClusterInput('demo', { namespace: 'other' })))._unsafeUnwrap();
    await expect.poll(async () => (await ready('default')) && (await ready('other')), { timeout: 60_000, interval: 100 }).toBe(true);

    const [mine, theirs] = [await get('default'), await get('other')];
    expect(mine.status?.network?.flannel).toBeDefined();
    expect(theirs.status?.network?.flannel).toBeDefined();
    expect(mine.status?.network?.flannel?.network).not.toBe(theirs.status?.network?.flannel?.network);
    expect(mine.status?.network?.flannel?.vni).not.toBe(theirs.status?.network?.flannel?.vni);

    // one host namespace each, annotated with its Cluster
    for (const [host, owner] of [
      [DEFAULT_HOST, 'default/demo'],
      [OTHER_HOST, 'other/demo'],
    ] as const) {
      const namespace = (await world.kube.resource(NamespaceResource).get(host))._unsafeUnwrap();
      expect(namespace.metadata.annotations?.[KvmAnnotation.Cluster]).toBe(owner);
      expect(await deployments(host)).toHaveLength(2);
    }
    expect((await world.kube.resource(NamespaceResource).get('demo')).isErr()).toBe(true); // never the bare name

    // the ledger and the flannel store: one entry each, keyed by ID
    expect(Object.keys(await ledger()).sort()).toEqual([DEFAULT_HOST, OTHER_HOST].sort());
    expect(JSON.parse((await ledger())[OTHER_HOST] ?? '{}')).toMatchObject({ cluster: 'other/demo', ...theirs.status?.network?.flannel });
    expect((await flannelConfig(DEFAULT_HOST))?.Network).toBe(mine.status?.network?.flannel?.network);
    expect((await flannelConfig(OTHER_HOST))?.Network).toBe(theirs.status?.network?.flannel?.network);

    // two guests, each with its own nodes
    expect(world.vms.clusters().sort()).toEqual([DEFAULT_HOST, OTHER_HOST].sort());
    expect(await guestNodes(DEFAULT_HOST)).toEqual(['demo-master-0', 'demo-pool-0']);
    expect(await guestNodes(OTHER_HOST)).toEqual(['demo-master-0', 'demo-pool-0']);

    // nothing on the hosts is shared: bridges, taps and flannel run directories differ
    const hostFacts = async (host: string) => {
      const items = (await world.kube.resource(DeploymentResource).list({ namespace: host }))._unsafeUnwrap().items;
      const spec = items[0]?.spec?.template.spec;
      const env = Object.fromEntries((spec?.containers[0]?.env ?? []).map((e) => [e.name, e.value]));
      return { bridge: env.BRIDGE, tap: env.TAP, run: spec?.volumes?.find((v) => v.name === 'flannel-run')?.hostPath?.path };
    };
    const [a, b] = [await hostFacts(DEFAULT_HOST), await hostFacts(OTHER_HOST)];
    expect(a.bridge).not.toBe(b.bridge);
    expect(a.tap).not.toBe(b.tap);
    expect(a.run).toBe(`/run/flannel/${DEFAULT_HOST}`);
    expect(b.run).toBe(`/run/flannel/${OTHER_HOST}`);
  }, 90_000);

  it('deleting one leaves the other untouched', async () => {
    await world.vms.settle();
    const before = {
      deployments: await deployments(DEFAULT_HOST),
      flannel: await flannelConfig(DEFAULT_HOST),
      entry: (await ledger())[DEFAULT_HOST],
      nodes: await guestNodes(DEFAULT_HOST),
    };
    (await world.clusters().delete('demo', { namespace: 'other' }))._unsafeUnwrap();
    await expect.poll(async () => (await world.clusters().get('demo', { namespace: 'other' })).isErr(), { timeout: 60_000, interval: 100 }).toBe(true);

    expect((await world.kube.resource(NamespaceResource).get(OTHER_HOST)).isErr()).toBe(true);
    expect(Object.keys(await ledger())).toEqual([DEFAULT_HOST]);
    expect(await flannelConfig(OTHER_HOST)).toBeUndefined();
    // the other one: the same objects at the same versions, the same network, still Ready
    expect(await deployments(DEFAULT_HOST)).toEqual(before.deployments);
    expect(await flannelConfig(DEFAULT_HOST)).toEqual(before.flannel);
    expect((await ledger())[DEFAULT_HOST]).toBe(before.entry);
    expect(await guestNodes(DEFAULT_HOST)).toEqual(before.nodes);
    expect((await world.kube.resource(NamespaceResource).get(DEFAULT_HOST)).isOk()).toBe(true);
    expect(await ready('default')).toBe(true);
  }, 90_000);
});

describe('a host namespace that is not the Cluster’s', () => {
  it.each([
    ['an unlabelled namespace of the same name', 'squat', {}, {}],
    [
      'a managed namespace claimed for another Cluster',
      'forged',
      { 'app.kubernetes.io/managed-by': 'kvm-operator', 'kubeception.io/cluster': 'forged' },
      { [KvmAnnotation.Cluster]: 'someone/else' },
    ],
  ])(
    'is refused as NamespaceTaken and left as it was: %s',
    async (_what, name, labels, annotations) => {
      const host = hostNamespace(name);
      const namespaces = world.kube.resource(NamespaceResource);
      const created = (await namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: host, labels, annotations } }))._unsafeUnwrap();
      (await world.clusters().create(kvmClusterInput(name)))._unsafeUnwrap();
      await expect
        .poll(async () => (await get('default', name)).status?.conditions?.find((c) => c.type === 'Ready'), { timeout: 20_000, interval: 100 })
        .toMatchObject({ status: 'False', reason: 'NamespaceTaken', message: expect.stringContaining(host) });
      const after = (await namespaces.get(host))._unsafeUnwrap();
      expect(after.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
      expect(await deployments(host)).toEqual([]);
      expect(await flannelConfig(host)).toBeUndefined();

      // deleting the Cluster deletes nothing of that namespace
      (await world.clusters().delete(name, { namespace: 'default' }))._unsafeUnwrap();
      await expect.poll(async () => (await world.clusters().get(name, { namespace: 'default' })).isErr(), { timeout: 30_000, interval: 100 }).toBe(true);
      const left = (await namespaces.get(host))._unsafeUnwrap();
      expect(left.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
      expect(left.metadata.deletionTimestamp).toBeUndefined();
      expect(Object.keys(await ledger())).not.toContain(host);
    },
    60_000,
  );
});

/**
 * The KVM driver against a simulated host (the fake API server with its scheduler, kubelet and
 * workload controllers), its caches fed by real informers: refusals that must hold without
 * touching anything, and a deletion that finds everything from the Cluster's ID alone.
 */
import type { Cluster, Persisted } from '@kubeception/sdk';
import type { DriverContext, DriverWatch } from '@kubeception/sdk/cluster';
import { ConfigMapResource, createKubeClient, DaemonSetResource, DeploymentResource, NamespaceResource, type KubeClient } from '@kubeception/sdk/kube';
import { InformerCache } from '@kubeception/sdk/runtime';
import { startSimulatedHost, type SimulatedHost } from '@kubeception/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryNetworkStore, type MemoryNetworkStore } from '../network/memory-store.js';
import { ledgerKey, NETWORK_LEDGER_NAME } from '../network/ledger.js';
import { kvmClusterIdentity } from '../render/cluster.js';
import { flannelEtcdPrefix } from '../render/flannel.js';
import { kvmSpecOf, persistedCluster } from '../render/test-fixtures.js';
import { createKvmDriver } from './driver.js';
import { MANAGED, selectionOf } from './host.js';

const OPERATOR = 'kubeception-system';
const AGENT = 'kvm-driver-test';

let host: SimulatedHost;
let kube: KubeClient;
let store: MemoryNetworkStore;
let context: DriverContext;
let driver: ReturnType<typeof createKvmDriver>;
const stop = new AbortController();

/** A validated, persisted KVM Cluster `namespace/name` of one master on the VM hosts (as the controller hands it to the driver). */
const cluster = (namespace: string, name: string) =>
  persistedCluster(namespace, name, { kvm: { nodeSelector: { 'kubeception.io/vm-host': 'true' } }, workers: 0 });
const withFlannel = (c: Persisted<Cluster>, flannel: object): Persisted<Cluster> => ({
  ...c,
  spec: { ...c.spec, network: { ...c.spec.network, flannel: { ...c.spec.network.flannel, ...flannel } } },
});
const deleting = (c: Persisted<Cluster>): Persisted<Cluster> => ({ ...c, metadata: { ...c.metadata, deletionTimestamp: new Date().toISOString() } });
const idOf = (c: Persisted<Cluster>) => kvmClusterIdentity(c).id;

/** The name a request read one object by: a GET's, or a LIST's `metadata.name` field selector. */
const readOf = (r: { verb: string; name?: string | undefined; url: string }) =>
  r.verb === 'get' ? r.name : r.verb === 'list' ? /[?&]fieldSelector=metadata\.name%3D([^&]+)/.exec(r.url)?.[1] : undefined;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Runs `pass` until `done` holds (the caches catch up with the writes between passes). */
async function until<T>(pass: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await pass();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(100);
  }
}
const namespaceWatch = () => driver.watches?.find((w) => w.resource === NamespaceResource) as DriverWatch;
const cachedNamespace = (id: string) => context.cache(NamespaceResource).get(id);
const ledgerData = () => context.cache(ConfigMapResource, { namespace: OPERATOR }).get(`${OPERATOR}/${NETWORK_LEDGER_NAME}`)?.data ?? {};
/** Writes by the driver since `mark` (the request log's length). */
const writesSince = (mark: number) =>
  host.kube.requests
    .all()
    .slice(mark)
    .filter((r) => r.userAgent.startsWith(AGENT) && !['get', 'list', 'watch', 'discovery'].includes(r.verb));

/** One pass as the Cluster controller makes it: preflight, observe, apply. */
const applyPass = (c: Persisted<Cluster>) =>
  (driver.preflight?.(c, kvmSpecOf(c), context) ?? driver.observe(c, kvmSpecOf(c), context).map(() => undefined))
    .andThen(() => driver.observe(c, kvmSpecOf(c), context))
    .andThen((observed) => driver.apply(c, kvmSpecOf(c), observed, context));

beforeAll(async () => {
  host = await startSimulatedHost({
    nodes: [1, 2].map((i) => ({ name: `host-${i}`, labels: { 'kubeception.io/vm-host': 'true' } })),
    kubelet: { stopDelayMs: 100 },
  });
  kube = createKubeClient({ kubeConfig: host.kubeConfig, qps: 0, userAgent: AGENT });
  (await kube.resource(NamespaceResource).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: OPERATOR } }))._unsafeUnwrap();
  store = createMemoryNetworkStore();
  driver = createKvmDriver({ kube, networkStore: store, flannel: { etcdEndpoints: ['http://flannel-etcd:2379'] }, ledgerNamespace: OPERATOR, recheckMs: 100 });
  const informers = new InformerCache(kube, stop.signal);
  context = { cache: (descriptor, selection) => informers.get(descriptor, selection).store, log: pino({ level: 'silent' }), signal: stop.signal };
  // the caches the driver reads, started (and listed) before the first pass
  for (const w of driver.watches ?? []) informers.get(w.resource, w.selection);
  await Promise.all(informers.all().map((i) => i.synced()));
}, 30_000);

afterAll(async () => {
  stop.abort();
  await host?.stop();
});

describe('a running Cluster', () => {
  const chg = cluster('team-a', 'chg');
  let allocated: { network?: string | undefined; vni?: number | undefined } | undefined;

  beforeAll(async () => {
    const vm = (): unknown => context.cache(DaemonSetResource, MANAGED).get(`${idOf(chg)}/flannel`);
    await until(
      async () => (await applyPass(chg))._unsafeUnwrap(),
      () => vm() !== undefined && Object.keys(ledgerData()).length > 0,
    );
    allocated = (await driver.observe(chg, kvmSpecOf(chg), context))._unsafeUnwrap().network?.flannel;
  }, 30_000);

  it('has its network, flannel config and VMs', async () => {
    expect(allocated?.network).toMatch(/^10\.64\./);
    expect((await store.getConfig(flannelEtcdPrefix(idOf(chg))))._unsafeUnwrap()?.Network).toBe(allocated?.network);
  });

  it.each([
    ['network', { network: '10.99.0.0/24' }, 'network'],
    ['VNI', { vni: 3999 }, 'vni'],
  ])('refuses its flannel %s changed after allocation, terminally, and writes nothing', async (_what, flannel, field) => {
    const changed = withFlannel(chg, flannel);
    const mark = host.kube.requests.all().length;
    const refused = (await driver.preflight?.(changed, kvmSpecOf(changed), context))?._unsafeUnwrapErr();
    expect(refused).toMatchObject({
      reason: 'AllocationImmutable',
      terminal: true,
      message: expect.stringContaining(`spec.network.flannel cannot change once allocated (from ${field} `),
    });
    const observed = (await driver.observe(changed, kvmSpecOf(changed), context))._unsafeUnwrap();
    expect((await driver.apply(changed, kvmSpecOf(changed), observed, context))._unsafeUnwrapErr().reason).toBe('AllocationImmutable');
    expect(writesSince(mark)).toEqual([]);
    expect(ledgerData()[ledgerKey('team-a/chg')]).toContain(allocated?.network);
  });

  it('goes on with its flannel set to exactly what it holds', async () => {
    const same = withFlannel(chg, { ...allocated });
    expect((await driver.preflight?.(same, kvmSpecOf(same), context))?.isOk()).toBe(true);
  });

  it('reads each VM Deployment whole once after a restart (its cache keeps no spec), writes nothing, and reverts an edit of its spec', async () => {
    const pass = (d: ReturnType<typeof createKvmDriver>) =>
      d.observe(chg, kvmSpecOf(chg), context).andThen((observed) => d.apply(chg, kvmSpecOf(chg), observed, context));
    const since = (mark: number, verb: 'read' | 'patch') =>
      host.kube.requests
        .all()
        .slice(mark)
        .filter((r) => r.userAgent.startsWith(AGENT) && r.resource === 'deployments')
        .flatMap((r) => (verb === 'patch' ? (r.verb === 'patch' ? [r] : []) : readOf(r) !== undefined ? [{ ...r, name: readOf(r) }] : []));
    // settled: a pass writes nothing
    await until(
      async () => {
        const mark = host.kube.requests.all().length;
        (await pass(driver))._unsafeUnwrap();
        return writesSince(mark).length;
      },
      (writes) => writes === 0,
    );
    const vms = context.cache(DeploymentResource, selectionOf(DeploymentResource)).byNamespace(idOf(chg));
    expect(vms.length).toBeGreaterThan(0);
    expect(vms.every((d) => (d as { spec?: { template?: { spec?: unknown } } }).spec?.template?.spec === undefined)).toBe(true);

    const restarted = createKvmDriver({
      kube,
      networkStore: store,
      flannel: { etcdEndpoints: ['http://flannel-etcd:2379'] },
      ledgerNamespace: OPERATOR,
      recheckMs: 100,
    });
    let mark = host.kube.requests.all().length;
    (await pass(restarted))._unsafeUnwrap();
    expect(
      since(mark, 'read')
        .map((r) => r.name)
        .sort(),
    ).toEqual(vms.map((d) => d.metadata.name).sort());
    expect(writesSince(mark)).toEqual([]);
    mark = host.kube.requests.all().length;
    (await pass(restarted))._unsafeUnwrap();
    expect(since(mark, 'read')).toEqual([]);
    expect(writesSince(mark)).toEqual([]);

    // an edit of the spec moves the generation: the Deployment is read whole and written back
    const vm = vms[0]!;
    const deployments = kube.resource(DeploymentResource);
    const limits = '/spec/template/spec/containers/0/resources/limits/memory';
    const memory = (await deployments.get(vm.metadata.name, { namespace: vm.metadata.namespace! }))._unsafeUnwrap().spec?.template.spec?.containers[0]
      ?.resources?.limits?.memory;
    const edited = (
      await deployments.patch(vm.metadata.name, { type: 'json', ops: [{ op: 'replace', path: limits, value: '64Gi' }] }, { namespace: vm.metadata.namespace! })
    )._unsafeUnwrap();
    await until(
      async () => context.cache(DeploymentResource, selectionOf(DeploymentResource)).get(`${vm.metadata.namespace}/${vm.metadata.name}`),
      (cached) => cached?.metadata.generation === edited.metadata.generation,
    );
    mark = host.kube.requests.all().length;
    (await pass(restarted))._unsafeUnwrap();
    expect(since(mark, 'read').map((r) => r.name)).toEqual([vm.metadata.name]);
    expect(since(mark, 'patch').map((r) => r.name)).toEqual([vm.metadata.name]);
    const restored = (await deployments.get(vm.metadata.name, { namespace: vm.metadata.namespace! }))._unsafeUnwrap();
    expect(restored.spec?.template.spec?.containers[0]?.resources?.limits?.memory).toBe(memory);
  });

  it('renders nothing while deleting: a size no VM renders with keeps no Cluster', async () => {
    const huge = { ...chg, spec: { ...chg.spec, masters: { ...chg.spec.masters, memory: '1e30' } } } as Persisted<Cluster>;
    const running = (await driver.observe(huge, kvmSpecOf(huge), context))._unsafeUnwrap();
    expect(running.provider.unrenderable?.message).toContain('spec.masters.memory: 1e30 is too large');
    const gone = (await driver.observe(deleting(huge), kvmSpecOf(huge), context))._unsafeUnwrap();
    expect(gone.provider).toEqual({ world: gone.provider.world });
  });

  it('is deleted whole from its ID when its provider spec no longer parses', async () => {
    const doomed = deleting(chg);
    const id = idOf(chg);
    let bridgeCleanup: unknown;
    const last = await until(
      async () => {
        const observed = (await driver.observe(doomed, undefined, context))._unsafeUnwrap();
        bridgeCleanup ??= observed.provider.world.objects.get('DaemonSet/bridge-cleanup');
        return (await driver.cleanup(doomed, undefined, observed, context))._unsafeUnwrap();
      },
      (progress) => progress.type === 'done',
      40_000,
    );
    expect(last).toEqual({ type: 'done' });
    expect((await kube.resource(NamespaceResource).get(id)).isErr()).toBe(true);
    expect(ledgerData()[ledgerKey('team-a/chg')]).toBeUndefined();
    expect((await store.getConfig(flannelEtcdPrefix(id)))._unsafeUnwrap()).toBeUndefined();
    // without the spec's nodeSelector the hosts' bridges are removed on every host
    expect(bridgeCleanup).toMatchObject({ spec: { template: { spec: expect.not.objectContaining({ nodeSelector: expect.anything() }) } } });
  }, 60_000);
});

describe('a Cluster refused NamespaceTaken', () => {
  const next = cluster('team-b', 'next');
  const id = idOf(next);

  it('is queued by its squatting namespace, and goes on once it is gone', async () => {
    (await kube.resource(NamespaceResource).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: id } }))._unsafeUnwrap();
    await until(
      async () => cachedNamespace(id),
      (ns) => ns !== undefined,
    );
    expect((await driver.preflight?.(next, kvmSpecOf(next), context))?._unsafeUnwrapErr()).toMatchObject({ reason: 'NamespaceTaken', terminal: true });

    const squat = cachedNamespace(id);
    if (squat === undefined) throw new Error('the squatting namespace is not cached');
    expect(namespaceWatch().clusters(squat, false)).toEqual([{ name: 'next', namespace: 'team-b' }]);
    expect(namespaceWatch().clusters({ ...squat, metadata: { ...squat.metadata, name: 'unrelated' } }, true)).toEqual([]);

    (await kube.resource(NamespaceResource).delete(id))._unsafeUnwrap();
    await until(
      async () => cachedNamespace(id),
      (ns) => ns === undefined,
    );
    // the controller maps the namespace's last state, deleted, to the Cluster, which passes now
    expect(namespaceWatch().clusters(squat, true)).toEqual([{ name: 'next', namespace: 'team-b' }]);
    expect((await driver.preflight?.(next, kvmSpecOf(next), context))?.isOk()).toBe(true);
    expect(namespaceWatch().clusters(squat, true)).toEqual([]);
  }, 30_000);
});

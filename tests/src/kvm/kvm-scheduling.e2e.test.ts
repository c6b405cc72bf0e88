/**
 * Host-level facts of KVM clusters: more VMs than host nodes leave one Pending with the
 * scheduler's reason in WorkersReady; and 100 Clusters created at once, with two operator
 * replicas racing, get 100 distinct, non-overlapping networks and VNIs.
 */
import { cidrsOverlap, parseCidr, type Cidr } from '@kubeception/sdk';
import { afterEach, expect, it } from 'vitest';
import { kvmClusterInput, startKvmWorld, type KvmWorld } from './kvm-world.js';

let world: KvmWorld | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

it('leaves the VM that does not fit Pending and says why in WorkersReady', async () => {
  world = await startKvmWorld({ nodes: 3 });
  (await world.clusters().create(kvmClusterInput('crowded', { workers: 3 })))._unsafeUnwrap(); // 4 VMs, 3 hosts, one VM per host
  const workersReady = async () =>
    (await world!.clusters().get('crowded', { namespace: 'default' }))._unsafeUnwrap().status?.conditions?.find((c) => c.type === 'WorkersReady');
  await expect.poll(workersReady, { timeout: 20_000 }).toMatchObject({
    status: 'False',
    reason: 'Unschedulable',
    message: expect.stringMatching(/^VM crowded-pool-\d cannot be placed: 0\/3 nodes are available: .*3 node\(s\) didn't match pod anti-affinity rules/),
  });
  const controlPlaneReady = async () =>
    (await world!.clusters().get('crowded', { namespace: 'default' }))._unsafeUnwrap().status?.conditions?.find((c) => c.type === 'ControlPlaneReady')?.status;
  await expect.poll(controlPlaneReady, { timeout: 20_000 }).toBe('True');
  expect((await world.clusters().get('crowded', { namespace: 'default' }))._unsafeUnwrap().status?.phase).toBe('Provisioning');
  expect(await workersReady()).toMatchObject({ status: 'False', reason: 'Unschedulable' });
}, 40_000);

it('gives 100 Clusters created at once by two racing operators 100 distinct, non-overlapping networks and VNIs', async () => {
  world = await startKvmWorld({ nodes: 1, replicas: 2, concurrency: 16, pki: 'authority-only' });
  const w = world;
  const names = Array.from({ length: 100 }, (_, i) => `net-${i}`);
  await Promise.all(names.map(async (name) => (await w.clusters().create(kvmClusterInput(name, { workers: 0 })))._unsafeUnwrap()));
  const networks = async () => {
    const list = (await w.clusters().list({ namespace: 'default' }))._unsafeUnwrap().items;
    return list.flatMap((c) =>
      c.status?.network?.flannel?.network !== undefined
        ? [{ name: c.metadata.name, network: c.status.network.flannel.network, vni: c.status.network.flannel.vni }]
        : [],
    );
  };
  await expect.poll(async () => (await networks()).length, { timeout: 60_000, interval: 250 }).toBe(100);
  const all = await networks();
  expect(new Set(all.map((n) => n.vni)).size).toBe(100);
  const cidrs = all.map((n) => parseCidr(n.network) as Cidr);
  expect(cidrs.filter((c) => typeof c === 'string')).toEqual([]);
  for (let i = 0; i < cidrs.length; i++)
    for (let j = i + 1; j < cidrs.length; j++) expect(cidrsOverlap(cidrs[i]!, cidrs[j]!), `${all[i]!.name} and ${all[j]!.name}`).toBe(false);
  // the operators really raced: some ledger writes lost on the resourceVersion and were decided again
  const ledgerWrites = w.host.kube.requests
    .all()
    .filter((r) => r.resource === 'configmaps' && r.name === 'kubeception-kvm-networks' && (r.verb === 'update' || r.verb === 'create'));
  console.log(`ledger writes: ${ledgerWrites.filter((r) => r.code < 300).length} won, ${ledgerWrites.filter((r) => r.code === 409).length} lost a race`);
  expect(ledgerWrites.filter((r) => r.code === 409).length).toBeGreaterThan(0);
}, 120_000);

/**
 * A KVM guest cluster whose API server serves HTTPS with the cluster's own `api` certificate and
 * authenticates clients by the cluster CA's certificates, reached by the driver's production
 * connector (`adminCertificateConnector`): the guest's Nodes, the drains and the Node deletions
 * all go over TLS as the admin certificate's user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostNamespace, kvmClusterInput, startKvmWorld, type KvmWorld } from './kvm-world.js';

let world: KvmWorld;
beforeAll(async () => {
  world = await startKvmWorld({ nodes: 3, vms: { guestTls: true } });
});
afterAll(() => world.stop());

const ready = async (workers: number) => {
  const cluster = (await world.clusters().get('secure', { namespace: 'default' }))._unsafeUnwrap();
  return (
    cluster.status?.phase === 'Ready' &&
    cluster.status.observedGeneration === cluster.metadata.generation &&
    (cluster.status.nodes ?? []).length === workers + 1
  );
};

describe('a KVM guest cluster with an HTTPS API that authenticates by certificate', () => {
  it('goes Ready with its guest read over TLS as the admin certificate’s user', async () => {
    (await world.clusters().create(kvmClusterInput('secure', { workers: 2 })))._unsafeUnwrap();
    await expect.poll(() => ready(2), { timeout: 30_000, interval: 50 }).toBe(true);
    const guest = world.vms.guest(hostNamespace('secure'))!;
    expect(guest.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const nodeReads = guest.requests.filter({ resource: 'nodes' });
    expect(nodeReads.length).toBeGreaterThan(0);
    expect(new Set(nodeReads.map((r) => `${r.user} ${r.code}`))).toEqual(new Set(['admin 200']));
  }, 40_000);

  it('drains and removes a worker through the guest API as the admin', async () => {
    const guest = world.vms.guest(hostNamespace('secure'))!;
    guest.requests.clear();
    (
      await world
        .clusters()
        .patch(
          'secure',
          { type: 'merge', body: { spec: { workers: [{ name: 'pool', replicas: 1, cpus: 1, memory: '1Gi', disk: '10Gi' }] } } },
          { namespace: 'default' },
        )
    )._unsafeUnwrap();
    await expect.poll(() => ready(1), { timeout: 30_000, interval: 50 }).toBe(true);
    // cordon (a Node patch), evictions, and the removed VM's Node deleted: each as the admin
    const writes = guest.requests.all().filter((r) => ['patch', 'create', 'delete'].includes(r.verb));
    expect(writes.map((r) => `${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ''}`)).toEqual(
      expect.arrayContaining(['patch nodes', 'create pods/eviction', 'delete nodes']),
    );
    expect(new Set(writes.map((r) => r.user))).toEqual(new Set(['admin']));
    expect(guest.requests.count({ code: 401 })).toBe(0);
  }, 40_000);
});

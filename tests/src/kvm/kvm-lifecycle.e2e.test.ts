/**
 * A KVM guest cluster's life on the simulated host: Pending → Provisioning → Ready with every
 * child, a steady state of zero writes, manual edits reverted, scaling with drains, a rolling
 * version change one node at a time, and a deletion that leaves nothing behind. The guest's API
 * serves HTTPS with the cluster's own certificate and takes only the cluster CA's client
 * certificates; the driver reaches it with its production connector.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { flannelEtcdPrefix } from '@kubeception/driver-kvm';
import type { Cluster, Persisted } from '@kubeception/sdk';
import {
  ConfigMapResource,
  DeploymentResource,
  EndpointSliceResource,
  NamespaceResource,
  NodeResource,
  PodResource,
  SecretResource,
  ServiceResource,
  type Deployment,
} from '@kubeception/sdk/kube';
import { findProgram } from '@kubeception/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostNamespace, kvmClusterInput, OPERATOR_NAMESPACE, startKvmWorld, type KvmWorld } from './kvm-world.js';

const run = promisify(execFile);
/** The host namespace of Cluster default/alpha: its cluster ID, where its VMs run and how the VM simulator knows it. */
const HOST = hostNamespace('alpha');
let world: KvmWorld;
const phases: string[] = [];
/** Observed statuses in which a role's nodes were said to be Ready while not one of them existed. */
const readyWithoutNodes: string[] = [];
const stopWatch = new AbortController();

beforeAll(async () => {
  world = await startKvmWorld({ nodes: 7, vms: { guestTls: true } });
  void (async () => {
    for await (const event of world.clusters().watch({ namespace: 'default', signal: stopWatch.signal })) {
      const status = (event as { object?: Persisted<Cluster> }).object?.status;
      const phase = status?.phase;
      if (phase !== undefined && phases.at(-1) !== phase) phases.push(phase);
      for (const [type, role] of [
        ['ControlPlaneReady', 'master'],
        ['WorkersReady', 'worker'],
      ] as const) {
        const said = status?.conditions?.find((c) => c.type === type)?.status === 'True';
        if (said && !(status?.nodes ?? []).some((n) => n.role === role)) readyWithoutNodes.push(`${type} in phase ${phase}`);
      }
    }
  })().catch(() => undefined);
});
afterAll(async () => {
  stopWatch.abort();
  await world.stop();
});

const get = async () => (await world.clusters().get('alpha', { namespace: 'default' }))._unsafeUnwrap();
const ready = async () => {
  const cluster = await get();
  return cluster.status?.phase === 'Ready' && cluster.status.observedGeneration === cluster.metadata.generation;
};
const waitReady = (timeout = 30_000) => expect.poll(ready, { timeout, interval: 50 }).toBe(true);
const list = async <T>(resource: Parameters<typeof world.kube.resource>[0], namespace = HOST) =>
  (await world.kube.resource(resource).list({ namespace }))._unsafeUnwrap().items as unknown as T[];
const names = (items: readonly { metadata?: { name?: string } }[]) => items.map((i) => i.metadata?.name ?? '').sort();
const writes = () => ['create', 'update', 'patch', 'delete'].reduce((sum, verb) => sum + world.host.kube.requests.count({ verb }), 0);
const patchCluster = async (body: object) => (await world.clusters().patch('alpha', { type: 'merge', body }, { namespace: 'default' }))._unsafeUnwrap();

describe('a KVM guest cluster on the simulated host', () => {
  it('goes Pending → Provisioning → Ready with every host object, certificates mounted and guest nodes Ready', async () => {
    (await world.clusters().create(kvmClusterInput('alpha', { workers: 3, version: '1.32.5' })))._unsafeUnwrap();
    await waitReady();
    expect(phases.slice(0, 3)).toEqual(['Pending', 'Provisioning', 'Ready']);
    expect(readyWithoutNodes).toEqual([]);
    const cluster = await get();
    expect(cluster.status?.conditions?.filter((c) => c.status !== 'True').map((c) => c.type)).toEqual([]);
    expect(cluster.status?.network?.flannel).toEqual({ network: '10.64.0.0/24', vni: 1 });
    expect(cluster.status?.endpoint).toEqual({ host: 'api.alpha.k8s.example.com', port: 443 });
    expect(cluster.status?.nodes?.map((n) => [n.name, n.ready])).toEqual([
      ['alpha-master-0', true],
      ['alpha-pool-0', true],
      ['alpha-pool-1', true],
      ['alpha-pool-2', true],
    ]);

    expect(names(await list<Deployment>(DeploymentResource))).toEqual(['alpha-master-0', 'alpha-pool-0', 'alpha-pool-1', 'alpha-pool-2']);
    expect(names(await list(ServiceResource))).toEqual(['master', 'worker']);
    const slices = await list<{ metadata: { name: string }; endpoints: { addresses: string[] }[] }>(EndpointSliceResource);
    expect(slices.find((s) => s.metadata.name === 'worker')?.endpoints.map((e) => e.addresses[0])).toEqual(
      ['alpha-pool-0', 'alpha-pool-1', 'alpha-pool-2'].map((n) => world.vms.addressOf(HOST, n)),
    );
    expect(names(await list(ConfigMapResource)).filter((n) => n.endsWith('-boot'))).toHaveLength(4);
    // every certificate a VM pod mounts exists in the pod's namespace, and no ConfigMap holds a key
    const secrets = names(await list(SecretResource));
    const pods = await list<{ spec: { volumes: { projected?: { sources: { secret?: { name: string } }[] } }[] } }>(PodResource);
    const mounted = new Set(pods.flatMap((p) => p.spec.volumes.flatMap((v) => v.projected?.sources.map((s) => s.secret?.name ?? '') ?? [])));
    expect(mounted.size).toBeGreaterThan(0);
    for (const secret of mounted) expect(secrets).toContain(secret);
    expect(secrets).toContain('flannel-etcd-client'); // the flannel store's client certificate, copied for the flannel DaemonSet
    const configMaps = await list<{ data?: Record<string, string> }>(ConfigMapResource);
    expect(JSON.stringify(configMaps)).not.toMatch(/PRIVATE KEY/);
    // the flannel config, the ledger entry and the guest's own nodes
    expect((await world.store.getConfig(flannelEtcdPrefix(HOST)))._unsafeUnwrap()).toEqual({
      Network: '10.64.0.0/24',
      SubnetLen: 30,
      Backend: { Type: 'vxlan', VNI: 1 },
    });
    const ledger = (await world.kube.resource(ConfigMapResource).get('kubeception-kvm-networks', { namespace: OPERATOR_NAMESPACE }))._unsafeUnwrap();
    expect(ledger.data).toEqual({ [HOST]: '{"network":"10.64.0.0/24","vni":1,"cluster":"default/alpha"}' });
    expect(world.vms.history().filter((e) => e.cluster === HOST && e.type === 'node-ready')).toHaveLength(4);
  }, 60_000);

  it('is shown by kubectl get kc', async () => {
    const kubectl = findProgram('kubectl');
    if (kubectl === undefined) return console.warn('kubectl not found: skipped');
    const dir = mkdtempSync(join(tmpdir(), 'kvm-kubectl-'));
    writeFileSync(join(dir, 'config'), world.host.kubeconfigYaml);
    const { stdout } = await run(kubectl, ['--kubeconfig', join(dir, 'config'), 'get', 'kc', '-n', 'default']);
    expect(stdout).toMatch(/^NAME\s+/);
    expect(stdout).toMatch(/alpha\s+kvm\s+1\.32\.5\s+Ready/);
  });

  it('makes 0 writes in a steady state, even on a resync, and reads the guest’s Nodes from its watch', async () => {
    await world.vms.settle();
    world.host.kube.requests.clear();
    const guest = world.vms.guest(HOST);
    guest?.requests.clear();
    for (const controller of world.clusterControllers) controller.resync();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(writes()).toBe(0);
    // the passes of the resync read the guest's Nodes from the watch the driver keeps on them
    expect(guest?.requests.count({ verb: 'list', resource: 'nodes' })).toBe(0);
  });

  it('reverts manual edits: a Deployment’s memory, a deleted Service', async () => {
    const deployments = world.kube.resource(DeploymentResource);
    const before = (await deployments.get('alpha-pool-1', { namespace: HOST }))._unsafeUnwrap();
    const memory = before.spec?.template.spec?.containers[0]?.resources?.limits?.memory;
    (
      await deployments.patch(
        'alpha-pool-1',
        { type: 'json', ops: [{ op: 'replace', path: '/spec/template/spec/containers/0/resources/limits/memory', value: '64Gi' }] },
        { namespace: HOST },
      )
    )._unsafeUnwrap();
    (await world.kube.resource(ServiceResource).delete('worker', { namespace: HOST }))._unsafeUnwrap();
    await expect
      .poll(
        async () => (await deployments.get('alpha-pool-1', { namespace: HOST }))._unsafeUnwrap().spec?.template.spec?.containers[0]?.resources?.limits?.memory,
        { timeout: 10_000 },
      )
      .toBe(memory);
    await expect.poll(async () => names(await list(ServiceResource)), { timeout: 10_000 }).toEqual(['master', 'worker']);
    await waitReady();
  }, 30_000);

  it('re-derives a lost network ledger from the Cluster statuses', async () => {
    (await world.kube.resource(ConfigMapResource).delete('kubeception-kvm-networks', { namespace: OPERATOR_NAMESPACE }))._unsafeUnwrap();
    const ledger = async () =>
      (await world.kube.resource(ConfigMapResource).get('kubeception-kvm-networks', { namespace: OPERATOR_NAMESPACE })).map((c) => c.data).unwrapOr(undefined);
    await expect.poll(ledger, { timeout: 10_000 }).toEqual({ [HOST]: '{"network":"10.64.0.0/24","vni":1,"cluster":"default/alpha"}' });
    expect((await get()).status?.network?.flannel).toEqual({ network: '10.64.0.0/24', vni: 1 });
    await waitReady();
  }, 30_000);

  it('follows a re-issued admin certificate: the VMs get it, the guest Node watch restarts with it and the old one closes', async () => {
    await world.vms.settle();
    const guest = world.vms.guest(HOST)!;
    const secrets = world.kube.resource(SecretResource);
    const adminCert = async () => (await secrets.get('alpha-admin', { namespace: 'default' })).map((s) => s.data?.['tls.crt']).unwrapOr(undefined);
    const old = await adminCert();
    const copy = (await list<{ metadata: { name: string }; data?: Record<string, string> }>(SecretResource)).find((s) => s.data?.['tls.crt'] === old)?.metadata
      .name;
    expect(copy).toBeDefined();
    const open = guest.openWatches();
    guest.requests.clear();
    // a lost Secret is re-issued: a new certificate (cert-manager does the same)
    (await secrets.delete('alpha-admin', { namespace: 'default' }))._unsafeUnwrap();
    await expect
      .poll(
        async () => {
          const now = await adminCert();
          return now !== undefined && now !== old;
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    const renewed = await adminCert();
    // the copy the VMs mount follows
    await expect.poll(async () => (await secrets.get(copy!, { namespace: HOST }))._unsafeUnwrap().data?.['tls.crt'], { timeout: 10_000 }).toBe(renewed);
    // the driver watches the guest's Nodes anew with the new identity, and closes the old watch
    await expect.poll(() => guest.requests.count({ verb: 'watch', resource: 'nodes' }), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => guest.openWatches(), { timeout: 10_000 }).toBe(open);
    await waitReady();
    expect(guest.requests.count({ verb: 'watch', resource: 'nodes' })).toBe(1);
  }, 30_000);

  it('scales workers 3 → 5 → 2, draining each node before its VM goes, highest index first', async () => {
    await patchCluster({ spec: { workers: [{ name: 'pool', replicas: 5, cpus: 1, memory: '1Gi', disk: '10Gi' }] } });
    await waitReady();
    expect((await get()).status?.nodes?.map((n) => n.name)).toEqual([
      'alpha-master-0',
      'alpha-pool-0',
      'alpha-pool-1',
      'alpha-pool-2',
      'alpha-pool-3',
      'alpha-pool-4',
    ]);
    const mark = world.vms.history().length;
    await patchCluster({ spec: { workers: [{ name: 'pool', replicas: 2, cpus: 1, memory: '1Gi', disk: '10Gi' }] } });
    await waitReady();
    expect(names(await list(DeploymentResource))).toEqual(['alpha-master-0', 'alpha-pool-0', 'alpha-pool-1']);
    const events = world.vms
      .history()
      .slice(mark)
      .filter((e) => e.cluster === HOST);
    const stopped = events.filter((e) => e.type === 'vm-stopped').map((e) => e.node);
    expect(stopped).toEqual(['alpha-pool-4', 'alpha-pool-3', 'alpha-pool-2']);
    for (const node of stopped) {
      const at = (type: string) => events.findIndex((e) => e.node === node && e.type === type);
      expect(at('node-cordoned'), `${node} cordoned before its VM stopped`).toBeGreaterThanOrEqual(0);
      expect(at('node-cordoned')).toBeLessThan(at('vm-stopped'));
      expect(at('pods-drained')).toBeLessThan(at('vm-stopped'));
    }
    // removed nodes are gone from the guest too
    expect(await listGuestNodes()).toEqual(['alpha-master-0', 'alpha-pool-0', 'alpha-pool-1']);
  }, 90_000);

  it('changes the version one node at a time, masters first, each Ready in the guest before the next', async () => {
    const mark = world.vms.history().length;
    await patchCluster({ spec: { kubernetes: { version: '1.33.1' } } });
    await expect.poll(async () => (await ready()) && (await get()).status?.nodes?.length === 3, { timeout: 60_000, interval: 50 }).toBe(true);
    const events = world.vms
      .history()
      .slice(mark)
      .filter((e) => e.cluster === HOST);
    // at every observed moment, at most one node is being replaced (its VM stopped and not Ready again at the new version)
    const replacing = new Set<string>();
    let most = 0;
    for (const e of events) {
      if (e.type === 'vm-stopped' || e.type === 'node-not-ready') replacing.add(e.node);
      if (e.type === 'node-ready' && e.version === '1.33.1') replacing.delete(e.node);
      most = Math.max(most, replacing.size);
    }
    expect(most).toBe(1);
    expect(events.filter((e) => e.type === 'node-ready' && e.version === '1.33.1').map((e) => e.node)).toEqual([
      'alpha-master-0',
      'alpha-pool-0',
      'alpha-pool-1',
    ]);
    expect((await get()).status?.versions?.[0]).toBe('1.33.1');
  }, 90_000);

  it('deletes every host object, the network allocation, the flannel config and the Vault mount', async () => {
    (await world.clusters().delete('alpha', { namespace: 'default' }))._unsafeUnwrap();
    await expect.poll(async () => (await world.clusters().get('alpha', { namespace: 'default' })).isErr(), { timeout: 60_000, interval: 100 }).toBe(true);
    expect((await world.kube.resource(NamespaceResource).get(HOST)).isErr()).toBe(true);
    const ledger = (await world.kube.resource(ConfigMapResource).get('kubeception-kvm-networks', { namespace: OPERATOR_NAMESPACE }))._unsafeUnwrap();
    expect(ledger.data ?? {}).toEqual({});
    expect((await world.store.listConfigs())._unsafeUnwrap().size).toBe(0);
    expect(world.vault.state.mounts()).toEqual([]);
    // the certificates' Secrets go with their Certificates, the guest kubeconfig Secret with the Cluster (garbage collection)
    const leftovers = async () =>
      (await world.kube.resource(SecretResource).list({ namespace: 'default' }))
        ._unsafeUnwrap()
        .items.filter((s) => s.metadata?.labels?.['kubeception.io/cluster'] === 'alpha')
        .map((s) => s.metadata?.name);
    await expect.poll(leftovers, { timeout: 10_000 }).toEqual([]);
  }, 90_000);
});

/** The guest's Nodes, read in-process (its API server takes only the cluster's certificates). */
async function listGuestNodes(): Promise<string[]> {
  return names((await world.vms.guest(HOST)!.localClient().resource(NodeResource).list())._unsafeUnwrap().items);
}

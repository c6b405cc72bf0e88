/**
 * Scenario 4: the Cluster controller on the KVM driver (with the PKI controllers in its manager),
 * crashed after each of its Kubernetes and Vault writes on the simulated host: a Cluster → Ready →
 * scaled (a second worker) → its Kubernetes version changed (1.32.5 → 1.33.1) → deleted. Exactly
 * the desired host objects and one network allocation at each step; nothing left after.
 * The flannel store is the world's (an etcd outside the operator, in memory): its writes are not
 * crash points.
 */
import { createMemoryNetworkStore, kvmOperatorControllers, type NetworkStore } from '@kubeception/driver-kvm';
import { ClusterResource } from '@kubeception/sdk';
import { ConfigMapResource, createKubeClient, DeploymentResource, NamespaceResource, ServiceResource, type KubeClient } from '@kubeception/sdk/kube';
import { clusterPki } from '@kubeception/sdk/cluster';
import { createManager } from '@kubeception/sdk/runtime';
import { certOperatorControllers, createVaultPki } from '@kubeception/pki-vault';
import { exploreCrashPoints, type CrashScenario, type OperatorFactory, type ProbeResult } from '@kubeception/testing';
import vault from 'node-vault';
import { pino } from 'pino';
import { it } from 'vitest';
import { hostNamespace, KVM_WORLD_FLANNEL, kvmClusterInput, OPERATOR_NAMESPACE, startKvmFakes, type KvmFakes } from '../kvm/kvm-world.js';
import { crashPointLimit, expectAllConverged, pkiLeft } from './kube-world.js';

interface KvmCrashWorld extends KvmFakes {
  readonly kube: KubeClient;
  /** The flannel store: outside the operator, it outlives a crash. */
  readonly store: NetworkStore;
}

const HOST = hostNamespace('alpha');
const names = (items: readonly { metadata: { name: string } }[]) => items.map((o) => o.metadata.name).sort();

async function setup(): Promise<KvmCrashWorld> {
  const fakes = await startKvmFakes({ nodes: 3 }); // a VM per host node (anti-affinity): the master and two workers
  return { ...fakes, kube: createKubeClient({ kubeConfig: fakes.host.kubeConfig, qps: 0 }), store: createMemoryNetworkStore() };
}

/** The network ledger's allocations. */
async function ledger(world: KvmCrashWorld): Promise<Readonly<Record<string, string>>> {
  return (await world.kube.resource(ConfigMapResource).get('kubeception-kvm-networks', { namespace: OPERATOR_NAMESPACE })).match(
    (cm) => cm.data ?? {},
    () => ({}),
  );
}

/** Ready at `version` (its spec's generation), with the host objects of 1 master and `workers` workers, one network allocation and one Vault mount. */
async function readyWrong(world: KvmCrashWorld, workers: number, version: string): Promise<ProbeResult> {
  const cluster = (await world.kube.resource(ClusterResource).get('alpha', { namespace: 'default' }))._unsafeUnwrap();
  const status = cluster.status;
  if (status?.phase !== 'Ready' || status.observedGeneration !== cluster.metadata.generation) return `phase ${status?.phase}`;
  if (status.versions?.[0] !== version) return `Ready at ${status.versions?.[0]}`;
  const deployments = names((await world.kube.resource(DeploymentResource).list({ namespace: HOST }))._unsafeUnwrap().items);
  const services = names((await world.kube.resource(ServiceResource).list({ namespace: HOST }))._unsafeUnwrap().items);
  const found = JSON.stringify({ deployments, services, networks: Object.keys(await ledger(world)).length, mounts: world.vault.state.mounts().length });
  const pool = Array.from({ length: workers }, (_, i) => `alpha-pool-${i}`);
  const want = JSON.stringify({ deployments: ['alpha-master-0', ...pool], services: ['master', 'worker'], networks: 1, mounts: 1 });
  return found === want ? undefined : `Ready with ${found}`;
}

/** Merge-patches the Cluster's spec. */
async function patchSpec(world: KvmCrashWorld, spec: Record<string, unknown>): Promise<void> {
  (await world.kube.resource(ClusterResource).patch('alpha', { type: 'merge', body: { spec } }, { namespace: 'default' }))._unsafeUnwrap();
}

/** What is left of the Cluster: its host namespace, network, Vault mount, PKI objects and Secrets. */
async function leftovers(world: KvmCrashWorld): Promise<ProbeResult> {
  const left = [
    ...((await world.kube.resource(ClusterResource).get('alpha', { namespace: 'default' })).isOk() ? ['Cluster alpha'] : []),
    ...((await world.kube.resource(NamespaceResource).get(HOST)).isOk() ? [`Namespace ${HOST}`] : []),
    ...Object.keys(await ledger(world)).map((k) => `network ${k}`),
    ...(await pkiLeft(world)),
  ];
  return left.length === 0 ? undefined : `left: ${left.join(', ')}`;
}

const scenario: CrashScenario<KvmCrashWorld> = {
  name: 'kvm-cluster',
  setup,
  fakes: (world) => ({ kube: world.host.kube, vault: world.vault }),
  async drive(world, converge) {
    (await world.kube.resource(ClusterResource).create(kvmClusterInput('alpha', { version: '1.32.5' })))._unsafeUnwrap();
    await converge('Ready with exactly the desired host objects, one network, one mount', () => readyWrong(world, 1, '1.32.5'));
    const { spec } = (await world.kube.resource(ClusterResource).get('alpha', { namespace: 'default' }))._unsafeUnwrap();
    await patchSpec(world, { workers: spec.workers.map((w) => ({ ...w, replicas: 2 })) });
    await converge('scaled to a second worker', () => readyWrong(world, 2, '1.32.5'));
    await patchSpec(world, { kubernetes: { ...spec.kubernetes, version: '1.33.1' } });
    await converge('every node at the new version', () => readyWrong(world, 2, '1.33.1'));
    (await world.kube.resource(ClusterResource).delete('alpha', { namespace: 'default' }))._unsafeUnwrap();
    await converge('nothing left after deletion', () => leftovers(world));
  },
  teardown: (world) => world.stop(),
};

/** A fresh kvm-operator (and PKI controllers): new clients, caches and queues; the world's flannel store. */
const operator: OperatorFactory<KvmCrashWorld> = (world, { userAgent }) => {
  const kube = createKubeClient({ kubeConfig: world.host.kubeConfig, qps: 0, retry: { maxAttempts: 1 }, userAgent });
  const pki = createVaultPki({ client: vault({ endpoint: world.vault.url, token: world.vault.rootToken, noCustomHTTPVerbs: true }) });
  const [clusters] = kvmOperatorControllers({
    kube,
    networkStore: world.store,
    flannel: KVM_WORLD_FLANNEL,
    ledgerNamespace: OPERATOR_NAMESPACE,
    guest: world.vms.connector(),
    drainTimeoutMs: 5_000,
    recheckMs: 50,
    pki: clusterPki,
    concurrency: 8,
  });
  const manager = createManager({
    kube,
    controllers: [clusters, ...certOperatorControllers({ pki })],
    shutdownTimeoutMs: 500,
    logger: pino({ level: 'silent' }),
  });
  void manager.start();
  return manager;
};

const LIMIT = crashPointLimit(100);

it('explores the crash points of the kvm-operator: all converge', { timeout: 600_000 }, async () => {
  const report = await exploreCrashPoints({ scenario, operator, convergeMs: 20_000, ...(LIMIT === undefined ? {} : { limit: LIMIT }) });
  expectAllConverged(report, 50, LIMIT);
});

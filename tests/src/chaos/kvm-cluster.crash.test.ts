/**
 * Scenario 4: the Cluster controller on the KVM driver (with the PKI controllers in its manager),
 * crashed after each of its Kubernetes and Vault writes on the simulated host: a Cluster → Ready →
 * deleted. Exactly the desired host objects and one network allocation; nothing left after.
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
  const fakes = await startKvmFakes({ nodes: 2 });
  return { ...fakes, kube: createKubeClient({ kubeConfig: fakes.host.kubeConfig, qps: 0 }), store: createMemoryNetworkStore() };
}

/** The network ledger's allocations. */
async function ledger(world: KvmCrashWorld): Promise<Readonly<Record<string, string>>> {
  return (await world.kube.resource(ConfigMapResource).get('kubeception-kvm-networks', { namespace: OPERATOR_NAMESPACE })).match(
    (cm) => cm.data ?? {},
    () => ({}),
  );
}

/** Ready, with the host objects of 1 master and 1 worker, one network allocation and one Vault mount. */
async function readyWrong(world: KvmCrashWorld): Promise<ProbeResult> {
  const cluster = (await world.kube.resource(ClusterResource).get('alpha', { namespace: 'default' }))._unsafeUnwrap();
  if (cluster.status?.phase !== 'Ready' || cluster.status.observedGeneration !== cluster.metadata.generation) return `phase ${cluster.status?.phase}`;
  const deployments = names((await world.kube.resource(DeploymentResource).list({ namespace: HOST }))._unsafeUnwrap().items);
  const services = names((await world.kube.resource(ServiceResource).list({ namespace: HOST }))._unsafeUnwrap().items);
  const found = JSON.stringify({ deployments, services, networks: Object.keys(await ledger(world)).length, mounts: world.vault.state.mounts().length });
  const want = JSON.stringify({ deployments: ['alpha-master-0', 'alpha-pool-0'], services: ['master', 'worker'], networks: 1, mounts: 1 });
  return found === want ? undefined : `Ready with ${found}`;
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
    (await world.kube.resource(ClusterResource).create(kvmClusterInput('alpha')))._unsafeUnwrap();
    await converge('Ready with exactly the desired host objects, one network, one mount', () => readyWrong(world));
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

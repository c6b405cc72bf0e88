/**
 * The KVM world of the hostile suite (internal): the simulated host, fake Vault and the VM
 * simulator with the real Cluster (KVM driver), CertificateAuthority and Certificate controllers,
 * a victim `victim/demo` Ready on them, and a fixture tenant `mallory` with a CA of its own
 * (for a paused Cluster `own`) that cases issue Certificates from.
 */
import { flannelEtcdPrefix, KvmAnnotation, NETWORK_LEDGER_NAME, parseLedgerEntry } from '@kubeception/driver-kvm';
import { ClusterResource, clusterId, type KubeObject } from '@kubeception/sdk';
import {
  ConfigMapResource,
  DaemonSetResource,
  DeploymentResource,
  NamespaceResource,
  SecretResource,
  ServiceResource,
  type KubeClient,
} from '@kubeception/sdk/kube';
import { OPERATOR_NAMESPACE, startKvmWorld, type KvmWorld } from '../kvm/kvm-world.js';
import { certificateAuthority, kvmCluster } from './hostile-objects.js';
import { clusterReady, ensureNamespace, pkiSnapshot, VICTIM, type HostileWorld } from './hostile-world.js';
import { fail, none, Tenant, until, value, type LooseObject } from './hostile-support.js';

/** The fixture tenant: a namespace with a paused Cluster `own` and a Ready CertificateAuthority `own` of its own. */
export const FIXTURE = { namespace: 'mallory', cluster: 'own' } as const;

const rv = (o: KubeObject) => `${o.metadata?.name}@${o.metadata?.resourceVersion}`;

async function ledgerData(admin: KubeClient): Promise<Record<string, string>> {
  return (await admin.resource(ConfigMapResource).get(NETWORK_LEDGER_NAME, { namespace: OPERATOR_NAMESPACE })).map((cm) => cm.data ?? {}).unwrapOr({});
}

/** What the victim has on the host besides its PKI: its host namespace and the objects in it, its ledger entry and flannel config. */
async function hostSnapshot(world: KvmWorld, id: string): Promise<Record<string, unknown>> {
  const namespace = await world.kube.resource(NamespaceResource).get(id).match(value, none);
  const list = async (
    descriptor: typeof DeploymentResource | typeof ConfigMapResource | typeof SecretResource | typeof ServiceResource | typeof DaemonSetResource,
  ) =>
    ((await world.kube.resource(descriptor as typeof DeploymentResource).list({ namespace: id })).unwrapOr({ items: [] }).items as KubeObject[]).map(rv).sort();
  return {
    hostNamespace: namespace ? `${rv(namespace)} ${JSON.stringify(namespace.metadata.annotations)}` : 'absent',
    deployments: await list(DeploymentResource),
    configMaps: await list(ConfigMapResource),
    hostSecrets: await list(SecretResource),
    services: await list(ServiceResource),
    daemonSets: await list(DaemonSetResource),
    ledger: (await ledgerData(world.kube))[id] ?? 'absent',
    flannel: JSON.stringify((await world.store.getConfig(flannelEtcdPrefix(id)).match(value, fail)) ?? 'absent'),
    guest: world.vms.clusters().includes(id),
  };
}

/** Starts the KVM world and brings the victim to Ready and the fixture tenant's CA to Ready. */
export async function startKvmHostileWorld(): Promise<HostileWorld & { readonly kvm: KvmWorld }> {
  const world = await startKvmWorld({ nodes: 4, hostCpu: '64', hostMemory: '256Gi' });
  const admin = world.kube;
  const id = clusterId(VICTIM);
  await ensureNamespace(admin, VICTIM.namespace);
  await admin
    .resource(ClusterResource)
    .create({ ...kvmCluster(VICTIM.name), metadata: { name: VICTIM.name, namespace: VICTIM.namespace } } as never)
    .match(value, fail);
  const mallory = await createFixtureTenant(world);
  await clusterReady(admin, VICTIM.namespace, VICTIM.name, 30_000);
  await fixtureAuthorityReady(mallory);
  await world.vms.settle();

  const victim = await admin.resource(ClusterResource).get(VICTIM.name, { namespace: VICTIM.namespace }).match(value, fail);
  const flannel = victim.status?.network?.flannel;
  return {
    name: 'kvm',
    kvm: world,
    kubeConfig: world.host.kubeConfig,
    admin,
    vault: world.vault,
    requests: world.host.kube.requests,
    victim: { ...VICTIM, id, ...(flannel?.network ? { network: flannel.network } : {}), ...(flannel?.vni ? { vni: flannel.vni } : {}) },
    snapshot: async () => ({ ...(await pkiSnapshot(admin, world.vault)), ...(await hostSnapshot(world, id)) }),
    leftoversOutside: (clusters) => leftoversOnHost(world, clusters),
    stop: () => world.stop(),
  };
}

/** The fixture tenant: its own CA, for a Cluster of its own the operators leave alone (paused). */
async function createFixtureTenant(world: KvmWorld): Promise<Tenant> {
  await ensureNamespace(world.kube, FIXTURE.namespace);
  const mallory = new Tenant(FIXTURE.namespace, world.host.kubeConfig);
  await mallory.create(kvmCluster(FIXTURE.cluster, (s) => (s.paused = true)) as never);
  await mallory.create(certificateAuthority(FIXTURE.cluster, { name: FIXTURE.cluster }) as never);
  return mallory;
}

/** Waits until the fixture tenant's CA is Ready (or throws with its status). */
async function fixtureAuthorityReady(mallory: Tenant): Promise<void> {
  const ready = (o: LooseObject | undefined) => o?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
  const ca = await until(() => mallory.get('CertificateAuthority', FIXTURE.cluster), ready, 20_000);
  if (!ready(ca)) throw new Error(`fixture CA not Ready: ${JSON.stringify(ca?.status)}`);
}

/** What is left on the host of `clusters`: host namespaces (by ID, or claimed for a Cluster of their namespaces), flannel configs, ledger entries. */
async function leftoversOnHost(world: KvmWorld, clusters: readonly { readonly namespace: string; readonly name: string }[]): Promise<string[]> {
  const admin = world.kube;
  const left: string[] = [];
  const ledger = await ledgerData(admin);
  for (const cluster of clusters) {
    const cid = clusterId(cluster);
    const namespace = await admin
      .resource(NamespaceResource)
      .get(cid)
      .match(
        () => true,
        () => false,
      );
    if (namespace) left.push(`host namespace ${cid}`);
    if ((await world.store.getConfig(flannelEtcdPrefix(cid)).match(value, fail)) !== undefined) left.push(`flannel config of ${cid}`);
    for (const [key, entry] of Object.entries(ledger))
      if (parseLedgerEntry(key, entry)?.owner === `${cluster.namespace}/${cluster.name}`) left.push(`ledger entry ${key}`);
  }
  // host namespaces claimed for any Cluster of the case's namespace
  const owners = clusters.map((c) => c.namespace);
  for (const ns of (await admin.resource(NamespaceResource).list().match(value, fail)).items) {
    const owner = ns.metadata?.annotations?.[KvmAnnotation.Cluster];
    if (owner !== undefined && owners.some((o) => owner.startsWith(`${o}/`))) left.push(`host namespace ${ns.metadata?.name} of ${owner}`);
  }
  return [...new Set(left)];
}

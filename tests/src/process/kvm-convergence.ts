/**
 * Whether KVM Clusters have converged, judged from outside the kvm-operator: the host API server
 * (Clusters, PKI objects, host namespaces with their VM Deployments and Services, the network
 * ledger, the guest kubeconfig Secrets), the flannel etcd and Vault's mounts. A Cluster that must
 * exist is Ready at its generation with its host namespace, one Deployment per node and its two
 * Services, one network (in the ledger and in etcd, apart from every other Cluster's), its mount
 * and its kubeconfig Secret; a deleted one left nothing of these.
 */
import { flannelEtcdPrefix, KvmAnnotation, NETWORK_LEDGER_NAME, type NetworkStore } from '@kubeception/driver-kvm';
import { clusterId, type Cluster, type KubeObject, type Persisted } from '@kubeception/sdk';
import { ConfigMapResource, DeploymentResource, NamespaceResource, ServiceResource, type KubeClient } from '@kubeception/sdk/kube';
import { clusterLeftovers, clusterMount, clusterProblems, clusterSnapshot, type ClusterSnapshot } from './cluster-convergence.js';
import { keyProblems, listAll, sorted } from './convergence.js';
import type { ExpectedObjects } from './sigkill-scenario.js';

/** How the test reaches what it checks. */
export interface KvmOutside {
  /** A client of the host API server. */
  readonly kube: KubeClient;
  /** The flannel store, on the etcd the operator writes. */
  readonly store: NetworkStore;
  /** Vault's mounts, read with a token that may. */
  readonly vaultMounts: () => Promise<readonly string[]>;
  /** The operator's namespace: its network ledger. */
  readonly ledgerNamespace: string;
}

/** What the host, etcd and Vault hold, read once. */
interface KvmSnapshot extends ClusterSnapshot {
  /** Host namespaces (annotated with their Cluster), by name. */
  readonly hostNamespaces: ReadonlyMap<string, Persisted<KubeObject>>;
  /** `<namespace>/<name>` of every Deployment and Service of the host namespaces. */
  readonly hostObjects: readonly string[];
  readonly ledger: Readonly<Record<string, string>>;
  /** Every key of the flannel store under `/kubeception/`. */
  readonly etcdKeys: readonly string[];
}

const fail = (what: string) => (error: { readonly message: string }) => {
  throw new Error(`${what}: ${error.message}`);
};

/** Reads everything once. */
async function snapshot(outside: KvmOutside, namespace: string): Promise<KvmSnapshot> {
  const { kube, store } = outside;
  const [clusters, namespaces, deployments, services, ledger, etcdKeys] = await Promise.all([
    clusterSnapshot(kube, namespace, outside.vaultMounts),
    listAll(kube, NamespaceResource),
    listAll(kube, DeploymentResource),
    listAll(kube, ServiceResource),
    kube
      .resource(ConfigMapResource)
      .get(NETWORK_LEDGER_NAME, { namespace: outside.ledgerNamespace })
      .match(
        (map) => map.data ?? {},
        (error) => (error.kind === 'NotFound' ? {} : fail('the network ledger')(error)),
      ),
    store.raw.keys('/kubeception/').match((keys) => keys, fail('the flannel store')),
  ]);
  const hostNamespaces = namespaces.filter((n) => n.metadata.annotations?.[KvmAnnotation.Cluster] !== undefined);
  const hosts = new Set(hostNamespaces.map((n) => n.metadata.name));
  return {
    ...clusters,
    hostNamespaces: new Map(hostNamespaces.map((n) => [n.metadata.name, n])),
    hostObjects: [...deployments, ...services]
      .filter((o) => hosts.has(o.metadata.namespace ?? ''))
      .map((o) => `${o.metadata.namespace}/${o.kind}/${o.metadata.name}`),
    ledger,
    etcdKeys,
  };
}

/** The node names of `cluster`'s spec: `<name>-master-<i>`, `<name>-<pool>-<i>`. */
function specNodes(cluster: Persisted<Cluster>): string[] {
  const name = cluster.metadata.name;
  const masters = Array.from({ length: cluster.spec.masters.replicas }, (_, i) => `${name}-master-${i}`);
  return [...masters, ...cluster.spec.workers.flatMap((pool) => Array.from({ length: pool.replicas }, (_, i) => `${name}-${pool.name}-${i}`))];
}

/** The problems of a Cluster that must exist. */
function aliveProblems(name: string, namespace: string, s: KvmSnapshot): string[] {
  const cluster = s.clusters.get(name);
  if (!cluster) return [`${name}: missing`];
  const id = clusterId(cluster.metadata);
  const nodes = specNodes(cluster);
  const flannel = cluster.status?.network?.flannel;
  const entry = s.ledger[id] === undefined ? undefined : (JSON.parse(s.ledger[id]) as { network?: string; vni?: number });
  const annotation = s.hostNamespaces.get(id)?.metadata.annotations?.[KvmAnnotation.Cluster];
  return [
    ...clusterProblems(cluster, nodes, s),
    ...(annotation === `${namespace}/${name}` ? [] : [`${name}: host namespace ${id} ${annotation === undefined ? 'missing' : `of ${annotation}`}`]),
    ...keyProblems(
      `${name} host objects`,
      s.hostObjects.filter((o) => o.startsWith(`${id}/`)),
      [...nodes.map((n) => `${id}/Deployment/${n}`), `${id}/Service/master`, `${id}/Service/worker`],
    ),
    ...(entry?.network === flannel?.network && entry?.vni === flannel?.vni ? [] : [`${name}: ledger ${s.ledger[id]} for network ${JSON.stringify(flannel)}`]),
    ...(s.etcdKeys.includes(`${flannelEtcdPrefix(id)}/config`) ? [] : [`${name}: no flannel config in etcd`]),
    ...(s.secrets.some((secret) => secret.metadata.name === `${name}-kubeconfig`) ? [] : [`${name}: no Secret ${name}-kubeconfig`]),
  ];
}

/** The problems of a deleted Cluster: anything left. */
function goneProblems(name: string, namespace: string, s: KvmSnapshot): string[] {
  const id = clusterId({ namespace, name });
  return [
    ...clusterLeftovers(name, namespace, s),
    ...(s.hostNamespaces.has(id) ? [`${name}: left host namespace ${id}`] : []),
    ...(s.ledger[id] === undefined ? [] : [`${name}: left ledger entry ${s.ledger[id]}`]),
    ...s.etcdKeys.filter((key) => key.startsWith(`${flannelEtcdPrefix(id)}/`)).map((key) => `${name}: left etcd key ${key}`),
    ...s.secrets.filter((secret) => secret.metadata.name === `${name}-kubeconfig`).map(() => `${name}: left Secret ${name}-kubeconfig`),
  ];
}

/** Everything that keeps the KVM Clusters of `namespace` from being as `expected`; empty once converged. */
export async function kvmProblems(outside: KvmOutside, namespace: string, expected: ExpectedObjects): Promise<string[]> {
  const s = await snapshot(outside, namespace);
  const ids = expected.alive.map((name) => clusterId({ namespace, name }));
  const networks = [...s.clusters.values()].flatMap((c) => (c.status?.network?.flannel ? [`${c.status.network.flannel.network}`] : []));
  return [
    ...expected.alive.flatMap((name) => aliveProblems(name, namespace, s)),
    ...expected.gone.flatMap((name) => goneProblems(name, namespace, s)),
    ...sorted(s.clusters.keys())
      .filter((name) => !expected.alive.includes(name) && !expected.gone.includes(name))
      .map((name) => `${name}: a Cluster the test did not make`),
    // one of each per Cluster, and none other
    ...keyProblems('host namespaces', [...s.hostNamespaces.keys()], ids),
    ...keyProblems('ledger entries', Object.keys(s.ledger), ids),
    ...keyProblems(
      'flannel configs',
      s.etcdKeys.filter((key) => key.endsWith('/config')),
      ids.map((id) => `${flannelEtcdPrefix(id)}/config`),
    ),
    ...keyProblems(
      'Vault mounts',
      s.mounts.filter((m) => m.startsWith('pki-')),
      ids.map(clusterMount),
    ),
    ...keyProblems('networks', networks, sorted(new Set(networks))),
    ...s.orphans,
  ];
}

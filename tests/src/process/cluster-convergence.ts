/**
 * What the convergence checks of Clusters share, whatever their provider: the Clusters of a
 * namespace with their PKI objects, Secrets and Vault mounts, read once from outside; a Cluster
 * that must exist is Ready at its generation with the nodes its spec names, its CertificateAuthority
 * and Certificates once each and its mount; a deleted one left no labelled object and no mount.
 * The provider's checks (EC2 resources, host namespaces, the flannel store) come on top.
 */
import { CertificateAuthorityResource, CertificateResource, ClusterResource, clusterId, type Cluster, type KubeObject, type Persisted } from '@kubeception/sdk';
import { clusterPki } from '@kubeception/sdk/cluster';
import { SecretResource, type KubeClient } from '@kubeception/sdk/kube';
import { keyProblems, listAll, orphans, sorted } from './convergence.js';

/** Label of everything the Cluster controller and the PKI controllers make for a Cluster. */
export const CLUSTER_LABEL = 'kubeception.io/cluster';

/** What the host holds of the Clusters of a namespace, and Vault's mounts, read once. */
export interface ClusterSnapshot {
  readonly clusters: ReadonlyMap<string, Persisted<Cluster>>;
  /** The Clusters, CertificateAuthorities, Certificates and Secrets labelled with a Cluster. */
  readonly labelled: readonly Persisted<KubeObject>[];
  /** The namespace's Secrets. */
  readonly secrets: readonly Persisted<KubeObject>[];
  /** Objects whose owner is gone (the garbage collector's to delete). */
  readonly orphans: readonly string[];
  readonly mounts: readonly string[];
}

/** Reads the Clusters of `namespace`, their PKI objects and Secrets, and `vaultMounts`. */
export async function clusterSnapshot(kube: KubeClient, namespace: string, vaultMounts: () => Promise<readonly string[]>): Promise<ClusterSnapshot> {
  const [clusters, authorities, certificates, secrets, mounts] = await Promise.all([
    listAll<Cluster>(kube, ClusterResource, namespace),
    listAll(kube, CertificateAuthorityResource, namespace),
    listAll(kube, CertificateResource, namespace),
    listAll(kube, SecretResource, namespace),
    vaultMounts(),
  ]);
  const objects: Persisted<KubeObject>[] = [...clusters, ...authorities, ...certificates, ...secrets];
  return {
    clusters: new Map(clusters.map((c) => [c.metadata.name, c])),
    labelled: objects.filter((o) => o.metadata.labels?.[CLUSTER_LABEL] !== undefined),
    secrets,
    orphans: orphans(objects),
    mounts,
  };
}

/** The Vault mount of a Cluster, with Vault's trailing slash. */
export const clusterMount = (id: string) => `pki-${id}/`;

/** The problems of `cluster` (which must exist) that do not depend on its provider; `nodes` are the node names its spec asks for. */
export function clusterProblems(cluster: Persisted<Cluster>, nodes: readonly string[], s: ClusterSnapshot): string[] {
  const name = cluster.metadata.name;
  const ready = cluster.status?.conditions?.find((c) => c.type === 'Ready');
  const pki = clusterPki(cluster);
  const pkiNames = [`CertificateAuthority/${pki.authority.metadata.name}`, ...pki.certificates.map((c) => `Certificate/${c.metadata.name}`)];
  const pkiObjects = s.labelled
    .filter((o) => o.metadata.labels?.[CLUSTER_LABEL] === name && (o.kind === 'CertificateAuthority' || o.kind === 'Certificate'))
    .map((o) => `${o.kind}/${o.metadata.name}`);
  const status = sorted((cluster.status?.nodes ?? []).map((n) => n.name));
  const mount = clusterMount(clusterId(cluster.metadata));
  return [
    ...(ready?.status === 'True' && ready.observedGeneration === cluster.metadata.generation
      ? []
      : [`${name}: not Ready at generation ${cluster.metadata.generation} (${cluster.status?.phase}, Ready ${ready?.status}: ${ready?.message ?? ''})`]),
    ...(JSON.stringify(status) === JSON.stringify(sorted(nodes)) ? [] : [`${name}: status.nodes ${status.join(',')}`]),
    ...keyProblems(`${name} PKI`, pkiObjects, pkiNames),
    ...(s.mounts.includes(mount) ? [] : [`${name}: no Vault mount ${mount}`]),
  ];
}

/** What a deleted Cluster `namespace/name` left that does not depend on its provider: itself, labelled objects, its mount. */
export function clusterLeftovers(name: string, namespace: string, s: ClusterSnapshot): string[] {
  const mount = clusterMount(clusterId({ namespace, name }));
  return [
    ...(s.clusters.has(name) ? [`${name}: still there (${s.clusters.get(name)?.status?.phase})`] : []),
    ...s.labelled.filter((o) => o.metadata.labels?.[CLUSTER_LABEL] === name).map((o) => `${name}: left ${o.kind}/${o.metadata.name}`),
    ...(s.mounts.includes(mount) ? [`${name}: left Vault mount ${mount}`] : []),
  ];
}

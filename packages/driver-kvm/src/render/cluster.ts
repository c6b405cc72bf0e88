/** The Cluster as the renderers see it: validated, defaults applied, the KVM sub-spec typed, its host-unique ID derived. */
import { clusterId, type Cluster, type ClusterSpec } from '@kubeception/sdk';
import type { KvmSpec } from '../provider-spec.js';

/** Namespace assumed for a Cluster object without one (as `kubectl` does). */
export const DEFAULT_CLUSTER_NAMESPACE = 'default';

/**
 * What names a Cluster's things on the host: its coordinates and host-unique ID, no spec.
 * Everything the driver creates is found, and deleted, from this alone (a Cluster whose
 * `spec.provider.kvm` no longer parses is still cleaned up). Build one with {@link kvmClusterIdentity}.
 */
export interface KvmClusterIdentity {
  /** The Cluster's name, namespace and uid. */
  readonly metadata: { readonly name: string; readonly namespace?: string | undefined; readonly uid?: string | undefined };
  /**
   * The Cluster's host-unique ID (`clusterId` of the SDK: `<name>-<hash of namespace/name>`):
   * everything the driver names outside the Cluster's own namespace is named from it (the host
   * namespace, the flannel store prefix, host paths, bridge and tap devices, the ledger entry),
   * never from the name alone, which is unique only within its namespace.
   */
  readonly id: string;
}

/**
 * A validated Cluster whose `spec.provider.kvm` is parsed by {@link kvmSpecSchema} (defaults
 * applied). Build one with {@link kvmCluster}.
 */
export interface KvmCluster extends KvmClusterIdentity {
  /** The Cluster's spec, with the parsed `kvm` provider spec. */
  readonly spec: Omit<ClusterSpec, 'provider'> & { readonly provider: { readonly kvm: KvmSpec } };
}

/**
 * Narrows a validated Cluster to a {@link KvmCluster}, with the parsed KVM sub-spec passed
 * separately (as the Cluster controller hands it to a driver).
 *
 * Throws when the Cluster has no name: validation guarantees one, so that is a programmer error.
 *
 * @example
 * ```ts
 * const cluster = createClusterModel({ providers: [provider] }).validate(obj)._unsafeUnwrap();
 * const kvm = kvmCluster(cluster, cluster.spec.provider.kvm!);
 * kvm.id; // 'demo-' + 10 base32 characters: the host namespace
 * ```
 */
export function kvmCluster(cluster: Pick<Cluster<object>, 'metadata' | 'spec'>, kvm: KvmSpec): KvmCluster {
  return { ...kvmClusterIdentity(cluster), spec: { ...cluster.spec, provider: { kvm } } };
}

/**
 * The {@link KvmClusterIdentity} of a Cluster: from its metadata alone, whatever its spec holds.
 *
 * Throws when the Cluster has no name: the API server guarantees one, so that is a programmer error.
 */
export function kvmClusterIdentity(cluster: Pick<Cluster<object>, 'metadata'>): KvmClusterIdentity {
  const { name, namespace, uid } = cluster.metadata;
  if (name === undefined || name === '') throw new Error('kvmCluster: the Cluster has no metadata.name (validate it first)');
  return {
    metadata: { name, ...(namespace === undefined ? {} : { namespace }), ...(uid === undefined ? {} : { uid }) },
    id: clusterId({ namespace: namespace ?? DEFAULT_CLUSTER_NAMESPACE, name }),
  };
}

/** `<namespace>/<name>` of the Cluster: how the host namespace's annotation and the network ledger name it. */
export const clusterOwner = (cluster: KvmClusterIdentity) => `${cluster.metadata.namespace ?? DEFAULT_CLUSTER_NAMESPACE}/${cluster.metadata.name}`;

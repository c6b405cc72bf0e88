/** The Cluster as the renderers see it: validated, defaults applied, the KVM sub-spec typed. */
import type { Cluster, ClusterSpec } from '@kubeception/sdk';
import type { KvmSpec } from '../provider-spec.js';

/**
 * A validated Cluster whose `spec.provider.kvm` is parsed by {@link kvmSpecSchema} (defaults
 * applied). Build one with {@link kvmCluster}.
 */
export interface KvmCluster {
  readonly metadata: { readonly name: string; readonly namespace?: string | undefined };
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
 * ```
 */
export function kvmCluster(cluster: Pick<Cluster<object>, 'metadata' | 'spec'>, kvm: KvmSpec): KvmCluster {
  const { name, namespace } = cluster.metadata;
  if (name === undefined || name === '') throw new Error('kvmCluster: the Cluster has no metadata.name (validate it first)');
  return { metadata: { name, ...(namespace === undefined ? {} : { namespace }) }, spec: { ...cluster.spec, provider: { kvm } } };
}

/**
 * The KVM driver's watches of the host (internal): which Cluster a change of a host object
 * concerns. Its own objects name their Cluster by label; a host Namespace in the way of a Cluster
 * refused `NamespaceTaken` leads to it through the refused Clusters; the Clusters' certificate
 * Secrets (and their copies) name it by label; a lost ledger leads to every Cluster it listed.
 */
import { Label, type KubeObject } from '@kubeception/sdk';
import type { DriverWatch } from '@kubeception/sdk/cluster';
import { ConfigMapResource, NamespaceResource, PodResource, SecretResource } from '@kubeception/sdk/kube';
import { parseLedgerEntry } from '../network/ledger.js';
import { KvmLabel } from '../render/names.js';
import { CURRENT_HOST_API_VERSIONS, type HostApiVersions } from '../render/host-api-versions.js';
import { CERTIFICATE_SECRETS, clusterOfHostObject, hostKinds, selectionOf, VM_PODS } from './host.js';
import type { RefusedClusters } from './refused-clusters.js';

/** What the watches are made from. */
export interface HostWatchOptions {
  /** Namespace of the network ledger (the operator's). */
  readonly ledgerNamespace: string;
  /** Name of the ledger ConfigMap. */
  readonly ledgerName: string;
  /** The flannel store's client TLS Secret in `ledgerNamespace`, when there is one: its copies follow it. */
  readonly flannelTlsSecret?: string | undefined;
  /** The Clusters refused because their host namespace is taken. */
  readonly refused: RefusedClusters;
  /** The versions the host serves PodDisruptionBudgets and EndpointSlices at. @default {@link CURRENT_HOST_API_VERSIONS} */
  readonly hostApiVersions?: HostApiVersions;
}

/** A typed watch, as the driver's list of watches holds it. */
const watch = <U extends KubeObject>(w: DriverWatch<U>) => w as unknown as DriverWatch;

/** The driver's watches: its kinds of host objects, VM pods, certificate Secrets, the ledger, and the flannel TLS Secret. */
export function hostWatches(options: HostWatchOptions): DriverWatch[] {
  const { ledgerNamespace, ledgerName, refused } = options;
  return [
    ...hostKinds(options.hostApiVersions ?? CURRENT_HOST_API_VERSIONS).map((resource) => {
      const selection = selectionOf(resource);
      const clusters: DriverWatch['clusters'] =
        resource === NamespaceResource ? (ns, deleted) => [...clusterOfHostObject(ns), ...refused.concerned(ns.metadata.name, deleted)] : clusterOfHostObject;
      return watch({ resource, ...(selection ? { selection } : {}), clusters });
    }),
    watch({ resource: PodResource, selection: VM_PODS, clusters: clusterOfHostObject }),
    // the Clusters' certificate Secrets, in their Clusters' namespaces (their copies in the host
    // namespaces are the driver's own Secrets, above; copies written before they were labelled
    // apart name their Cluster's namespace)
    watch({
      resource: SecretResource,
      selection: CERTIFICATE_SECRETS,
      clusters: (s) => [{ name: s.metadata.labels?.[Label.Cluster] ?? '', namespace: s.metadata.labels?.[KvmLabel.ClusterNamespace] ?? s.metadata.namespace }],
    }),
    // a lost ledger: every Cluster it listed re-derives its entry from its status
    watch({
      resource: ConfigMapResource,
      selection: { namespace: ledgerNamespace },
      clusters: (cm, deleted) => (deleted && cm.metadata.name === ledgerName ? ledgerOwners(cm.data) : []),
    }),
    ...(options.flannelTlsSecret ? [watch({ resource: SecretResource, selection: { namespace: ledgerNamespace }, clusters: () => [] })] : []),
  ];
}

/** The Clusters a ledger's data lists. */
export function ledgerOwners(data: Record<string, string> | undefined): { name: string; namespace: string }[] {
  return Object.entries(data ?? {}).flatMap(([key, value]) => {
    const owner = parseLedgerEntry(key, value)?.owner;
    const slash = owner?.indexOf('/') ?? -1;
    return owner !== undefined && slash > 0 ? [{ namespace: owner.slice(0, slash), name: owner.slice(slash + 1) }] : [];
  });
}

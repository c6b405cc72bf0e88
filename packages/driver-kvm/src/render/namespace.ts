/** The cluster's host namespace and the NetworkPolicy isolating it. */
import { clusterOwner, type KvmCluster } from './cluster.js';
import { clusterLabels, KvmAnnotation, ObjectName, objectMeta } from './names.js';
import type { Namespace, NetworkPolicy } from './objects.js';

/** Label every namespace carries with its own name (set by the API server since Kubernetes 1.22). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * Host namespace `<cluster-id>`: cluster-scoped, so it cannot be owned by the (namespaced) Cluster;
 * it carries the {@link KvmAnnotation.Cluster} annotation naming its Cluster instead (and
 * {@link KvmAnnotation.ClusterUid}, when the Cluster's uid is known), which the driver checks
 * before it writes into the namespace or deletes it.
 * The VM pods are privileged, so the namespace is labelled for the `privileged` Pod Security level.
 */
export function renderNamespace(cluster: KvmCluster): Namespace {
  const { uid } = cluster.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: cluster.id,
      labels: { ...clusterLabels(cluster), 'pod-security.kubernetes.io/enforce': 'privileged' },
      annotations: { [KvmAnnotation.Cluster]: clusterOwner(cluster), ...(uid === undefined ? {} : { [KvmAnnotation.ClusterUid]: uid }) },
    },
  };
}

/**
 * NetworkPolicy `isolate`: pods of host namespace `<cluster-id>` accept traffic only from the same
 * namespace and from the host ingress controller's namespace.
 *
 * Caveat: the VM and flannel pods use the host network, which NetworkPolicies do not govern;
 * the VMs themselves are isolated by their own bridge and VXLAN (VNI). This policy covers every
 * other pod that lands in the namespace.
 */
export function renderNetworkPolicy(cluster: KvmCluster, ingressNamespace: string): NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(cluster, ObjectName.NetworkPolicy),
    spec: {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: {} }, { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ingressNamespace } } }] }],
    },
  };
}

/** The cluster's host namespace and the NetworkPolicy isolating it. */
import type { KvmCluster } from './cluster.js';
import { clusterLabels, KvmAnnotation, ObjectName, objectMeta } from './names.js';
import type { Namespace, NetworkPolicy } from './objects.js';

/** Label every namespace carries with its own name (set by the API server since Kubernetes 1.22). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * Namespace `<cluster>`: cluster-scoped, so it cannot be owned by the (namespaced) Cluster;
 * it carries the {@link KvmAnnotation.Cluster} annotation naming its Cluster instead.
 * The VM pods are privileged, so the namespace is labelled for the `privileged` Pod Security level.
 */
export function renderNamespace(cluster: KvmCluster): Namespace {
  const { name, namespace } = cluster.metadata;
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: { ...clusterLabels(name), 'pod-security.kubernetes.io/enforce': 'privileged' },
      ...(namespace === undefined ? {} : { annotations: { [KvmAnnotation.Cluster]: `${namespace}/${name}` } }),
    },
  };
}

/**
 * NetworkPolicy `isolate`: pods of namespace `<cluster>` accept traffic only from the same
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
    metadata: objectMeta(cluster.metadata.name, ObjectName.NetworkPolicy),
    spec: {
      podSelector: {},
      policyTypes: ['Ingress'],
      // client-node's model spells `from` as `_from`; the API (and our JSON) uses `from`.
      ingress: [{ from: [{ podSelector: {} }, { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ingressNamespace } } }] } as never],
    },
  };
}

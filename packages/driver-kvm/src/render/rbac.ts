/**
 * The VM pods' identity: ServiceAccount, Role and RoleBinding `vm`.
 *
 * A VM pod needs nothing from the host API beyond reading its own boot ConfigMap (which the
 * kubelet already mounts; the grant lets the launcher re-read it). It cannot read Secrets
 * (certificates arrive as volumes), list pods, or write anything. The Role is limited by
 * `resourceNames` to the cluster's boot ConfigMaps: one ServiceAccount serves all VM pods, so
 * "its own" is enforced per cluster, not per node.
 */
import type { KvmCluster } from './cluster.js';
import { bootConfigMapName } from './boot-config.js';
import { ObjectName, objectMeta } from './names.js';
import type { VmNode } from './nodes.js';
import type { Role, RoleBinding, ServiceAccount } from './objects.js';

/** ServiceAccount `vm` of the VM pods. */
export function renderServiceAccount(cluster: KvmCluster): ServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: objectMeta(cluster.metadata.name, ObjectName.ServiceAccount) };
}

/** Role `vm`: `get` on the cluster's boot ConfigMaps, by name, and nothing else. */
export function renderRole(cluster: KvmCluster, nodes: readonly VmNode[]): Role {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: objectMeta(cluster.metadata.name, ObjectName.Role),
    rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: nodes.map((n) => bootConfigMapName(n.name)) }],
  };
}

/** RoleBinding `vm`: Role `vm` to ServiceAccount `vm`. */
export function renderRoleBinding(cluster: KvmCluster): RoleBinding {
  const name = cluster.metadata.name;
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: objectMeta(name, ObjectName.RoleBinding),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: ObjectName.Role },
    subjects: [{ kind: 'ServiceAccount', name: ObjectName.ServiceAccount, namespace: name }],
  };
}

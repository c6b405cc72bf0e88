/**
 * The VM pods' identity: ServiceAccount, Role and RoleBinding `vm`.
 *
 * A VM pod needs little from the host API: reading its boot ConfigMap (which the kubelet
 * already mounts; the grant lets the launcher re-read it), and annotating its own pod with the
 * VM's address (`kvm.kubeception.io/vm-ip`). It cannot read Secrets (certificates arrive as
 * volumes), list anything, or write anything else. ConfigMaps are limited by `resourceNames`;
 * pods cannot be (their names are generated), so the launcher may `get`/`patch` the pods of its
 * own namespace, which holds only this cluster's VMs. One ServiceAccount serves all VM pods, so
 * "its own" is enforced per cluster, not per node.
 */
import type { KvmCluster } from './cluster.js';
import { bootConfigMapName } from './boot-config.js';
import { ObjectName, objectMeta } from './names.js';
import type { VmNode } from './nodes.js';
import type { Role, RoleBinding, ServiceAccount } from './objects.js';

/** ServiceAccount `vm` of the VM pods. */
export function renderServiceAccount(cluster: KvmCluster): ServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: objectMeta(cluster, ObjectName.ServiceAccount) };
}

/** Role `vm`: `get` on the cluster's boot ConfigMaps, by name; `get` and `patch` on the namespace's pods (the VM address annotation). */
export function renderRole(cluster: KvmCluster, nodes: readonly VmNode[]): Role {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: objectMeta(cluster, ObjectName.Role),
    rules: [
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get'], resourceNames: nodes.map((n) => bootConfigMapName(n.name)) },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'patch'] },
    ],
  };
}

/** RoleBinding `vm`: Role `vm` to ServiceAccount `vm`. */
export function renderRoleBinding(cluster: KvmCluster): RoleBinding {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: objectMeta(cluster, ObjectName.RoleBinding),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: ObjectName.Role },
    subjects: [{ kind: 'ServiceAccount', name: ObjectName.ServiceAccount, namespace: cluster.id }],
  };
}

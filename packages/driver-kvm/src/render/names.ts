/**
 * Names and labels of host objects. Everything a cluster owns on the host is found from the
 * Cluster alone: host namespace `<cluster-id>` (the Cluster's host-unique ID, see
 * {@link KvmClusterIdentity.id}), deterministic object names in it, and the labels below. What lives
 * outside that namespace (host paths, network devices, flannel keys) is named from the ID too.
 */
import { createHash } from 'node:crypto';
import { Label, type NodeRole } from '@kubeception/sdk';
import { DEFAULT_CLUSTER_NAMESPACE, type KvmClusterIdentity } from './cluster.js';

/** Value of `app.kubernetes.io/managed-by` on every rendered object. */
export const MANAGED_BY = 'kvm-operator';

/** Labels the KVM driver adds beyond the SDK's {@link Label} vocabulary. */
export const KvmLabel = {
  /** Name of the guest node a VM pod (or its boot ConfigMap, etcd claim) belongs to. */
  Node: Label.Node,
  /** What a pod is: `vm` or `flannel`. */
  Component: 'app.kubernetes.io/component',
  /**
   * The namespace of the Cluster a host object belongs to (`kubeception.io/cluster` names it
   * within that namespace): a change of the object queues that one Cluster, not every Cluster
   * of the same name.
   */
  ClusterNamespace: 'kvm.kubeception.io/cluster-namespace',
  /**
   * On the copies of a Cluster's certificate Secrets in its host namespace, in place of
   * `kubeception.io/cluster`: that label on a Secret marks a Certificate's own Secret, which the
   * Certificate controller and the driver cache whole; a copy is cached only with the driver's
   * other objects (its data as digests).
   */
  ClusterName: 'kvm.kubeception.io/cluster-name',
} as const;
export type KvmLabel = (typeof KvmLabel)[keyof typeof KvmLabel];

/** Values of {@link KvmLabel.Component}. */
export const KvmComponent = { Vm: 'vm', Flannel: 'flannel' } as const;
export type KvmComponent = (typeof KvmComponent)[keyof typeof KvmComponent];

/** Annotations the KVM driver writes. */
export const KvmAnnotation = {
  /**
   * On the Namespace: `<namespace>/<name>` of the Cluster it belongs to. The driver adopts a host
   * namespace only when this names its Cluster (and {@link KvmAnnotation.ClusterUid}, when
   * recorded, its uid); any other namespace of that name is not its own to write or delete.
   */
  Cluster: 'kvm.kubeception.io/cluster',
  /** On the Namespace: the uid of the Cluster that created it (a Cluster deleted and created again under the same name has another). */
  ClusterUid: 'kvm.kubeception.io/cluster-uid',
  /**
   * On a VM pod: the guest's IPv4 address, written by the launcher (through the pod's service
   * account) once the guest has taken its address. The driver builds the EndpointSlices from it.
   */
  VmIp: 'kvm.kubeception.io/vm-ip',
  /**
   * On a VM pod template: a hash of the node's boot config. A changed boot config (e.g. a new
   * Kubernetes version) changes the template, so the Deployment replaces the VM.
   */
  BootConfigHash: 'kvm.kubeception.io/boot-config-hash',
  /** On a VM pod template: the Kubernetes version the VM boots (also in its boot config). */
  KubernetesVersion: 'kvm.kubeception.io/kubernetes-version',
} as const;
export type KvmAnnotation = (typeof KvmAnnotation)[keyof typeof KvmAnnotation];

/** Names of the per-cluster singleton objects inside host namespace `<cluster-id>`. */
export const ObjectName = {
  ServiceAccount: 'vm',
  Role: 'vm',
  RoleBinding: 'vm',
  NetworkPolicy: 'isolate',
  FlannelDaemonSet: 'flannel',
  MasterService: 'master',
  WorkerService: 'worker',
  ApiIngress: 'api',
} as const;
export type ObjectName = (typeof ObjectName)[keyof typeof ObjectName];

/** The Cluster's coordinates as labels: `kubeception.io/cluster` (its name) and {@link KvmLabel.ClusterNamespace}. */
export function clusterSelector(cluster: KvmClusterIdentity): Record<string, string> {
  return { [Label.Cluster]: cluster.metadata.name, [KvmLabel.ClusterNamespace]: cluster.metadata.namespace ?? DEFAULT_CLUSTER_NAMESPACE };
}

/** The Cluster's coordinates and `app.kubernetes.io/managed-by`: on every object. */
export function clusterLabels(cluster: KvmClusterIdentity): Record<string, string> {
  return { ...clusterSelector(cluster), [Label.ManagedBy]: MANAGED_BY };
}

/** Labels of the copies of the Cluster's certificate Secrets: {@link KvmLabel.ClusterName} in place of `kubeception.io/cluster` (see there). */
export function copyLabels(cluster: KvmClusterIdentity): Record<string, string> {
  const { [Label.Cluster]: name, ...rest } = clusterLabels(cluster);
  return { ...rest, [KvmLabel.ClusterName]: name ?? '' };
}

/** Labels of a node's objects: the cluster labels plus role, pool (workers) and node. */
export function nodeLabels(
  cluster: KvmClusterIdentity,
  node: { readonly name: string; readonly role: NodeRole; readonly pool?: string | undefined },
): Record<string, string> {
  return { ...clusterLabels(cluster), [Label.Role]: node.role, ...(node.pool === undefined ? {} : { [Label.Pool]: node.pool }), [KvmLabel.Node]: node.name };
}

/** Owner-less metadata of an object in host namespace `<cluster-id>`. */
export function objectMeta(cluster: KvmClusterIdentity, name: string, labels: Record<string, string> = clusterLabels(cluster)) {
  return { name, namespace: cluster.id, labels };
}

/** Host directory where this cluster's flanneld writes `subnet.env` (read by the launchers): `/run/flannel/<cluster-id>`. */
export const flannelRunHostDir = (clusterId: string) => `/run/flannel/${clusterId}`;

/** Linux interface names are at most 15 bytes (IFNAMSIZ − 1). */
export const MAX_INTERFACE_NAME = 15;

/**
 * The host bridge joining a cluster's VMs to its flannel network: `br-<cluster-id>`, or, when that
 * exceeds Linux's 15 characters (almost always: an ID is at least 12 long), `br-` plus a
 * hash of the ID. Host devices are shared by every Cluster of the host: never named from the
 * Cluster's name alone.
 */
export function bridgeName(clusterId: string): string {
  return interfaceName('br', clusterId);
}

/** The VM's tap device on the host: `tap-<cluster-id>` (hashed like {@link bridgeName}); unique per host thanks to the anti-affinity. */
export function tapName(clusterId: string): string {
  return interfaceName('tap', clusterId);
}

function interfaceName(prefix: string, clusterId: string): string {
  const full = `${prefix}-${clusterId}`;
  return full.length <= MAX_INTERFACE_NAME ? full : `${prefix}-${hex(clusterId).slice(0, MAX_INTERFACE_NAME - prefix.length - 1)}`;
}

/** A stable, locally administered MAC address for a node of a cluster (QEMU's `52:54:00` prefix), from the cluster ID and node name. */
export function macAddress(clusterId: string, node: string): string {
  const bytes = hex(`${clusterId}/${node}`).slice(0, 6).match(/../g) ?? [];
  return ['52', '54', '00', ...bytes].join(':');
}

function hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

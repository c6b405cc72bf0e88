/**
 * Names and labels of host objects. Everything a cluster owns on the host is found from the
 * cluster's name alone: namespace `<cluster>`, deterministic object names, and the labels below.
 */
import { createHash } from 'node:crypto';
import { Label, type NodeRole } from '@kubeception/sdk';

/** Value of `app.kubernetes.io/managed-by` on every rendered object. */
export const MANAGED_BY = 'kvm-operator';

/** Labels the KVM driver adds beyond the SDK's {@link Label} vocabulary. */
export const KvmLabel = {
  /** Name of the guest node a VM pod (or its boot ConfigMap, etcd claim) belongs to. */
  Node: Label.Node,
  /** What a pod is: `vm` or `flannel`. */
  Component: 'app.kubernetes.io/component',
} as const;
export type KvmLabel = (typeof KvmLabel)[keyof typeof KvmLabel];

/** Values of {@link KvmLabel.Component}. */
export const KvmComponent = { Vm: 'vm', Flannel: 'flannel' } as const;
export type KvmComponent = (typeof KvmComponent)[keyof typeof KvmComponent];

/** Annotations the KVM driver writes. */
export const KvmAnnotation = {
  /**
   * On the Namespace: `<namespace>/<name>` of the Cluster it belongs to. Two Clusters with the
   * same name in different namespaces would map to the same host namespace; the driver must
   * refuse to adopt a namespace whose annotation names another Cluster.
   */
  Cluster: 'kvm.kubeception.io/cluster',
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

/** Names of the per-cluster singleton objects inside namespace `<cluster>`. */
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

/** `kubeception.io/cluster` and `app.kubernetes.io/managed-by`: on every object. */
export function clusterLabels(cluster: string): Record<string, string> {
  return { [Label.Cluster]: cluster, [Label.ManagedBy]: MANAGED_BY };
}

/** Labels of a node's objects: the cluster labels plus role, pool (workers) and node. */
export function nodeLabels(cluster: string, node: { readonly name: string; readonly role: NodeRole; readonly pool?: string | undefined }): Record<string, string> {
  return { ...clusterLabels(cluster), [Label.Role]: node.role, ...(node.pool === undefined ? {} : { [Label.Pool]: node.pool }), [KvmLabel.Node]: node.name };
}

/** Owner-less metadata of an object in namespace `<cluster>`. */
export function objectMeta(cluster: string, name: string, labels: Record<string, string> = clusterLabels(cluster)) {
  return { name, namespace: cluster, labels };
}

/** Host directory where this cluster's flanneld writes `subnet.env` (read by the launchers). */
export const flannelRunHostDir = (cluster: string) => `/run/flannel/${cluster}`;

/** Linux interface names are at most 15 bytes (IFNAMSIZ − 1). */
export const MAX_INTERFACE_NAME = 15;

/**
 * The host bridge joining a cluster's VMs to its flannel network: `br-<cluster>`, or, when that
 * exceeds {@link MAX_INTERFACE_NAME}, `br-` plus a hash of the name (cluster names may be 40 long).
 */
export function bridgeName(cluster: string): string {
  return interfaceName('br', cluster);
}

/** The VM's tap device on the host: `tap-<cluster>` (hashed like {@link bridgeName}); unique per host thanks to the anti-affinity. */
export function tapName(cluster: string): string {
  return interfaceName('tap', cluster);
}

function interfaceName(prefix: string, cluster: string): string {
  const full = `${prefix}-${cluster}`;
  return full.length <= MAX_INTERFACE_NAME ? full : `${prefix}-${hex(cluster).slice(0, MAX_INTERFACE_NAME - prefix.length - 1)}`;
}

/** A stable, locally administered MAC address for a node (QEMU's `52:54:00` prefix). */
export function macAddress(node: string): string {
  const bytes = hex(node).slice(0, 6).match(/../g) ?? [];
  return ['52', '54', '00', ...bytes].join(':');
}

function hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

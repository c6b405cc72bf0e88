/**
 * The words the VM simulator reads and writes: the KVM driver's labels and annotations on VM
 * pods (mirrored from `@kubeception/driver-kvm`'s `KvmLabel` / `KvmAnnotation`, which this
 * package does not depend on at run time; a test checks they agree), the guest Node wording of
 * kube's node lifecycle controller, and the history's event types.
 */
import { Label } from '@kubeception/sdk';

/** Labels and annotations of the driver's VM pods that the simulator reads or writes. */
export const VmPodKey = {
  /** `kubeception.io/cluster`: the guest cluster. */
  Cluster: Label.Cluster,
  /** `kubeception.io/node`: the guest node (and Deployment) name. */
  Node: Label.Node,
  /** `kubeception.io/role`: `master` or `worker`. */
  Role: Label.Role,
  /** `kubeception.io/pool`: the worker pool. */
  Pool: Label.Pool,
  /** `app.kubernetes.io/component`: `vm` on VM pods (`KvmLabel.Component`). */
  Component: 'app.kubernetes.io/component',
  /** The annotation the launcher writes once the guest has its address (`KvmAnnotation.VmIp`). */
  VmIp: 'kvm.kubeception.io/vm-ip',
  /** The template annotation with the Kubernetes version the VM boots (`KvmAnnotation.KubernetesVersion`). */
  KubernetesVersion: 'kvm.kubeception.io/kubernetes-version',
} as const;
export type VmPodKey = (typeof VmPodKey)[keyof typeof VmPodKey];

/** The label selector of VM pods: `app.kubernetes.io/component=vm`. */
export const VM_POD_SELECTOR = `${VmPodKey.Component}=vm`;

/** Label of the workload pods the simulator puts on guest workers: the guest node they run on. */
export const WORKLOAD_NODE_LABEL = 'simulation.kubeception.io/workload-node';

/** What the simulator records in its history. */
export const VmEventType = {
  /** A VM pod is running (phase Running, bound, not terminating, every container running). */
  VmStarted: 'vm-started',
  /** That VM pod stopped running: deleted, terminating, failed or crash-looping. */
  VmStopped: 'vm-stopped',
  /** The guest Node's Ready condition turned True. */
  NodeReady: 'node-ready',
  /** The guest Node's Ready condition went from True to Unknown (its VM stopped). */
  NodeNotReady: 'node-not-ready',
  /** `spec.unschedulable` turned true on the guest Node. */
  NodeCordoned: 'node-cordoned',
  /** `spec.unschedulable` turned false again. */
  NodeUncordoned: 'node-uncordoned',
  /** The last of the node's workload pods was deleted from the guest. */
  PodsDrained: 'pods-drained',
} as const;
export type VmEventType = (typeof VmEventType)[keyof typeof VmEventType];

/** One entry of the simulator's history. */
export interface VmEvent {
  /** When it was observed, in `host.clock` milliseconds. */
  readonly at: number;
  /** The guest cluster (the VM pod's `kubeception.io/cluster` label). */
  readonly cluster: string;
  /** The guest node name. */
  readonly node: string;
  /** What happened. */
  readonly type: VmEventType;
  /** The Kubernetes version of the VM (`vm-started`, `vm-stopped`, `node-ready`). */
  readonly version?: string;
  /** `namespace/name` of the VM pod (`vm-started`, `vm-stopped`). */
  readonly pod?: string;
}

/** Reason of a Ready condition the node lifecycle controller set to Unknown. */
export const NODE_STATUS_UNKNOWN = 'NodeStatusUnknown';
/** Message of such a condition, as kube-controller-manager writes it. */
export const NODE_STATUS_UNKNOWN_MESSAGE = 'Kubelet stopped posting node status.';

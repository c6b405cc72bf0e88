/** Reading VM pods and writing guest Nodes and workload pods (internal, pure). */
import { NodeRole } from '@kubeception/sdk';
import type { Node, Pod } from '@kubeception/sdk/kube';
import { nodeConditions } from '../simulated-host/node-object.js';
import { NODE_STATUS_UNKNOWN, NODE_STATUS_UNKNOWN_MESSAGE, VmPodKey, WORKLOAD_NODE_LABEL } from './vm-vocabulary.js';

/** Who a VM pod is, from its namespace, labels and annotations. */
export interface VmIdentity {
  /**
   * The guest cluster: the VM pod's host namespace (`<cluster-id>`), the one name of a guest
   * cluster that is unique on the host (two Clusters `demo` in two namespaces are two guests).
   */
  readonly cluster: string;
  /** The Cluster's name (`kubeception.io/cluster`). */
  readonly clusterName: string;
  /** The guest node name. */
  readonly node: string;
  readonly role: NodeRole;
  readonly pool?: string;
  /** Without the `v`, e.g. `1.33.1`; `0.0.0` when the pod does not say. */
  readonly version: string;
}

/** The identity of a driver VM pod, or undefined when it lacks a namespace, the cluster or the node label. */
export function vmIdentity(pod: Pod): VmIdentity | undefined {
  const labels = pod.metadata?.labels ?? {};
  const cluster = pod.metadata?.namespace;
  const clusterName = labels[VmPodKey.Cluster];
  const node = labels[VmPodKey.Node];
  if (!cluster || !clusterName || !node) return undefined;
  const pool = labels[VmPodKey.Pool];
  const role = labels[VmPodKey.Role] === NodeRole.Master ? NodeRole.Master : NodeRole.Worker;
  const version = (pod.metadata?.annotations?.[VmPodKey.KubernetesVersion] ?? '0.0.0').replace(/^v/, '');
  return { cluster, clusterName, node, role, ...(pool ? { pool } : {}), version };
}

/**
 * Whether the VM of a pod is running: phase Running, bound to a host node, not terminating, and
 * every container running (a crash-looping launcher has no VM). Pod readiness does not matter.
 */
export function isVmUp(pod: Pod): boolean {
  if (pod.status?.phase !== 'Running' || !pod.spec?.nodeName || pod.metadata?.deletionTimestamp) return false;
  return (pod.status.containerStatuses ?? []).every((c) => c.state?.running !== undefined);
}

/** What the guest Node of a VM says about it. */
export interface GuestNodeFacts {
  readonly identity: VmIdentity;
  readonly ip: string;
}

type NodeStatus = NonNullable<Node['status']>;
type Condition = NonNullable<NodeStatus['conditions']>[number];

/** Labels a kubelet (and kubeadm, for masters) puts on the guest Node. */
export function guestNodeLabels({ identity }: GuestNodeFacts): Record<string, string> {
  return {
    'kubernetes.io/hostname': identity.node,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    ...(identity.role === NodeRole.Master ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
    ...(identity.pool !== undefined ? { [VmPodKey.Pool]: identity.pool } : {}),
  };
}

/** The status a guest kubelet posts: Ready True or False, addresses, node info. */
export function guestNodeStatus(facts: GuestNodeFacts, ready: boolean, at: string): NodeStatus {
  const { identity, ip } = facts;
  const capacity = { cpu: '2', memory: '4Gi', pods: '110', 'ephemeral-storage': '20Gi' };
  return {
    capacity,
    allocatable: capacity,
    conditions: nodeConditions(ready, at),
    addresses: [
      { type: 'InternalIP', address: ip },
      { type: 'Hostname', address: identity.node },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      architecture: 'amd64',
      operatingSystem: 'linux',
      osImage: 'Kubeception simulated VM',
      kernelVersion: '6.1.0-sim',
      kubeletVersion: `v${identity.version}`,
      kubeProxyVersion: `v${identity.version}`,
      containerRuntimeVersion: 'containerd://1.7.0-sim',
      machineID: identity.node,
      systemUUID: identity.node,
      bootID: identity.node,
    },
  } as NodeStatus;
}

/** A new guest Node as its kubelet registers it (status included: Nodes keep status on create). */
export function guestNode(facts: GuestNodeFacts, ready: boolean, at: string): Node & { metadata: { name: string } } {
  const master = facts.identity.role === NodeRole.Master;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: facts.identity.node, labels: guestNodeLabels(facts) },
    spec: master ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {},
    status: guestNodeStatus(facts, ready, at),
  };
}

/** Every condition Unknown, as the node lifecycle controller marks a node whose kubelet went silent. */
export function unknownConditions(previous: Node | undefined, at: string): Condition[] {
  const before = previous?.status?.conditions ?? [];
  const types = before.length > 0 ? before.map((c) => c.type) : ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'];
  return types.map((type) => {
    const old = before.find((c) => c.type === type);
    const unchanged = old?.status === 'Unknown';
    return {
      type,
      status: 'Unknown',
      reason: NODE_STATUS_UNKNOWN,
      message: NODE_STATUS_UNKNOWN_MESSAGE,
      lastHeartbeatTime: old?.lastHeartbeatTime ?? at,
      lastTransitionTime: unchanged ? (old?.lastTransitionTime ?? at) : at,
    } as unknown as Condition;
  });
}

/** The status of the Ready condition of a Node, if it has one. */
export const readyStatus = (node: Node | undefined): string | undefined => node?.status?.conditions?.find((c) => c.type === 'Ready')?.status;

/** Workload pod `index` of a guest node, bound to it, in namespace `default`. */
export function workloadPod(node: string, index: number): Pod & { metadata: { name: string } } {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${node}-workload-${index}`, namespace: 'default', labels: { app: 'workload', [WORKLOAD_NODE_LABEL]: node } },
    spec: { nodeName: node, terminationGracePeriodSeconds: 30, containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }] },
  };
}

/** The status of a running workload pod. */
export function workloadPodStatus(hostIP: string, at: string): NonNullable<Pod['status']> {
  const condition = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: at });
  return {
    phase: 'Running',
    hostIP,
    startTime: at,
    conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map(condition),
    containerStatuses: [
      { name: 'app', image: 'registry.k8s.io/pause:3.10', imageID: '', ready: true, started: true, restartCount: 0, state: { running: { startedAt: at } } },
    ],
  } as unknown as NonNullable<Pod['status']>;
}

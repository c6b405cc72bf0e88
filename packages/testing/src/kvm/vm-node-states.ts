/**
 * The VM simulator's table of guest node states (internal), keyed `<cluster>/<node>`, and the
 * events that change it: the host's VM pods and namespaces, the guests' Nodes and workload pods.
 */
import type { Namespace, Node, Pod } from '@kubeception/sdk/kube';
import type { Informer, InformerEvent } from '@kubeception/sdk/runtime';
import type { GuestRegistry } from './guest-cluster.js';
import { newNodeState, nodeKey, type NodeState } from './vm-node-sync.js';
import { vmIdentity } from './vm-objects.js';
import { VmEventType, WORKLOAD_NODE_LABEL, type VmEvent } from './vm-vocabulary.js';

/** Records an event in the simulator's history. */
export type Recorder = (event: Omit<VmEvent, 'at'>) => void;

/** The state of every guest node seen, by key and by cluster. */
export class NodeStates {
  private readonly states = new Map<string, NodeState>();
  private readonly byCluster = new Map<string, Set<string>>();

  /** The state of a node by its key, if it has one. */
  get(key: string): NodeState | undefined {
    return this.states.get(key);
  }

  /** The state of a node, made empty on first sight. */
  stateOf(cluster: string, node: string): NodeState {
    const key = nodeKey(cluster, node);
    let state = this.states.get(key);
    if (state === undefined) {
      this.states.set(key, (state = newNodeState(cluster, node)));
      let keys = this.byCluster.get(cluster);
      if (keys === undefined) this.byCluster.set(cluster, (keys = new Set()));
      keys.add(key);
    }
    return state;
  }

  /** Forgets every node of a cluster. */
  retireCluster(cluster: string): void {
    for (const key of this.byCluster.get(cluster) ?? []) this.states.delete(key);
    this.byCluster.delete(cluster);
  }
}

/**
 * Follows the host: a VM pod event files the pod under its node's state (starting the cluster's
 * guest) and wakes the node; a namespace's deletion retires its clusters' guests and states.
 */
export function watchHost(pods: Informer<Pod>, namespaces: Informer<Namespace>, states: NodeStates, guests: GuestRegistry, wake: (key: string) => void): void {
  // The two watches are independent: a pod event may arrive after its namespace's deletion.
  const namespaceGoneAt = new Map<string, number>();
  pods.subscribe((e) => {
    if (e.type === 'Synced') return;
    const identity = vmIdentity(e.object);
    if (identity === undefined) return;
    const { namespace, name, resourceVersion } = e.object.metadata;
    const key = nodeKey(identity.cluster, identity.node);
    if (e.type === 'Deleted') states.get(key)?.pods.delete(`${namespace}/${name}`);
    else if (Number(resourceVersion) > (namespaceGoneAt.get(namespace) ?? 0)) {
      states.stateOf(identity.cluster, identity.node).pods.add(`${namespace}/${name}`);
      guests.touch(identity.cluster, namespace);
    }
    wake(key);
  });
  namespaces.subscribe((e) => {
    if (e.type !== 'Deleted') return;
    namespaceGoneAt.set(e.object.metadata.name, Number(e.object.metadata.resourceVersion));
    for (const cluster of guests.retireNamespace(e.object.metadata.name)) states.retireCluster(cluster);
  });
}

/** A guest Node event: a deleted Node of ours is not re-registered by the same VM; cordons and uncordons are recorded. */
export function guestNodeChanged(states: NodeStates, record: Recorder, cluster: string, e: InformerEvent<Node>): void {
  if (e.type === 'Synced') return;
  const node = e.object.metadata.name;
  const state = states.get(nodeKey(cluster, node));
  if (e.type === 'Deleted') {
    if (state === undefined) return;
    if (state.vm) state.deletedFor = state.vm.uid;
    state.reported = undefined;
    state.written = undefined;
    return;
  }
  const cordoned = e.object.spec?.unschedulable === true;
  if (cordoned !== (e.previous?.spec?.unschedulable === true))
    record({ cluster, node, type: cordoned ? VmEventType.NodeCordoned : VmEventType.NodeUncordoned });
}

/** A guest pod event: the deletion of a node's last workload pod records it drained. */
export function guestPodChanged(states: NodeStates, record: Recorder, cluster: string, e: InformerEvent<Pod>): void {
  if (e.type !== 'Deleted') return;
  const node = e.object.metadata.labels?.[WORKLOAD_NODE_LABEL];
  const state = node === undefined ? undefined : states.get(nodeKey(cluster, node));
  if (state?.workloads === undefined || !state.workloads.delete(e.object.metadata.name)) return;
  if (state.workloads.size === 0 && !state.drained) {
    state.drained = true;
    record({ cluster, node: state.node, type: VmEventType.PodsDrained });
  }
}

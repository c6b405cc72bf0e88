/**
 * Watches of the guest clusters' Nodes: one informer per guest cluster, reached through its admin
 * client, so that a pass reads the guest's Nodes from a cache and a change of them queues the
 * Cluster (the driver's `events`), instead of listing them on every pass and polling while a
 * node boots (internal).
 *
 * The cache keeps of each Node only what {@link toGuestNode} reads ({@link GUEST_NODE_VIEW}): a
 * real Node carries its images, addresses, capacity and annotations, kilobytes each, for every
 * node of every guest. A change that leaves that view as it was (a heartbeat) queues nothing.
 */
import type { KubeObject, Persisted } from '@kubeception/sdk';
import type { KubeClient, Node } from '@kubeception/sdk/kube';
import { NodeResource } from '@kubeception/sdk/kube';
import { startInformer, type CacheTransform, type Informer, type InformerEvent, type WatcherState } from '@kubeception/sdk/runtime';
import { toGuestNode, type GuestView } from './guest.js';

/** What the guest Node cache keeps of a Node: its name and version of the object, whether it is unschedulable, its Ready condition and kubelet version. */
export const GUEST_NODE_VIEW: CacheTransform = {
  name: 'guest-node-view',
  apply: <T extends KubeObject>(object: Persisted<T>): Persisted<T> => {
    const node = object as unknown as Persisted<Node>;
    const { name, uid, resourceVersion } = node.metadata;
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    const kubeletVersion = node.status?.nodeInfo?.kubeletVersion;
    const view = {
      apiVersion: node.apiVersion,
      kind: node.kind,
      metadata: { name, uid, resourceVersion },
      ...(node.spec?.unschedulable === undefined ? {} : { spec: { unschedulable: node.spec.unschedulable } }),
      status: {
        ...(ready ? { conditions: [{ type: ready.type, status: ready.status }] } : {}),
        ...(kubeletVersion === undefined ? {} : { nodeInfo: { kubeletVersion } }),
      },
    };
    return view as unknown as Persisted<T>;
  },
};

/** Whether a Node's change leaves what the driver reads of it as it was. */
const sameView = (a: Node, b: Node) => JSON.stringify(toGuestNode(a)) === JSON.stringify(toGuestNode(b));

/** Whether an event changes what a pass reads: a Node added or gone, or its view changed. */
const isNews = (event: InformerEvent<Node>) =>
  event.type !== 'Synced' && !(event.type === 'Applied' && event.previous !== undefined && sameView(event.previous, event.object));

/** A Cluster, as the driver's `events` name it. */
export interface ClusterRef {
  readonly name: string;
  readonly namespace: string;
}

export interface GuestWatches {
  /** Starts delivering changes to `notify` (the driver's `events`); watches stop when `signal` aborts. */
  start(notify: (cluster: ClusterRef) => void, signal: AbortSignal): void;
  /**
   * The guest Nodes of a Cluster from its watch, which is started on first use and restarted when
   * `identity` (the admin certificate) changes. `undefined` before `start`: no one would hear the
   * watch, so the caller lists the Nodes itself.
   */
  nodes(cluster: ClusterRef, client: KubeClient, identity: string): GuestView | undefined;
  /** Stops a Cluster's watch (it is being deleted). */
  stop(cluster: ClusterRef): void;
}

interface Running {
  readonly identity: string;
  readonly informer: Informer<Node>;
  readonly abort: AbortController;
  state(): WatcherState | undefined;
}

export function createGuestWatches(): GuestWatches {
  const running = new Map<string, Running>();
  let notify: ((cluster: ClusterRef) => void) | undefined;
  let stopped: AbortSignal | undefined;
  const keyOf = (cluster: ClusterRef) => `${cluster.namespace}/${cluster.name}`;

  const stop = (cluster: ClusterRef) => {
    const key = keyOf(cluster);
    running.get(key)?.abort.abort();
    running.delete(key);
  };

  const begin = (cluster: ClusterRef, client: KubeClient, identity: string): Running => {
    // aborted by `stop`, or with every other watch when the controller stops (see `start`)
    const abort = new AbortController();
    const tell = () => notify?.(cluster);
    // the watcher reports its first state while the informer starts: the state lives apart
    const status: { state: WatcherState | undefined } = { state: undefined };
    const informer = startInformer(client, NodeResource, {
      transform: GUEST_NODE_VIEW,
      signal: abort.signal,
      // a state change (synced, failing, back) changes what the Cluster reports
      onState: (state) => {
        const was = status.state;
        status.state = state;
        if (was?.synced !== state.synced || (was?.phase === 'backing-off') !== (state.phase === 'backing-off')) tell();
      },
    });
    informer.subscribe((event) => {
      if (isNews(event)) tell();
    });
    return { identity, abort, informer, state: () => status.state };
  };

  return {
    start: (listener, signal) => {
      notify = listener;
      stopped = signal;
      signal.addEventListener(
        'abort',
        () => {
          for (const entry of running.values()) entry.abort.abort();
          running.clear();
        },
        { once: true },
      );
    },
    nodes: (cluster, client, identity) => {
      if (notify === undefined || stopped?.aborted) return undefined;
      const key = keyOf(cluster);
      let entry = running.get(key);
      if (entry?.identity !== identity) {
        stop(cluster);
        entry = begin(cluster, client, identity);
        running.set(key, entry);
      }
      const state = entry.state();
      if (state?.synced !== true || state.phase === 'backing-off') {
        const cause = state?.lastError ? `guest API: ${state.lastError.message}` : 'guest API: connecting';
        return { reachable: false, reason: cause };
      }
      return { reachable: true, watched: true, nodes: new Map(entry.informer.store.list().map((node) => [node.metadata.name, toGuestNode(node)])) };
    },
    stop,
  };
}

/**
 * Watches of the guest clusters' Nodes: one informer per guest cluster, reached through its admin
 * client, so that a pass reads the guest's Nodes from a cache and a change of them queues the
 * Cluster (the driver's `events`), instead of listing them on every pass and polling while a
 * node boots (internal).
 */
import type { KubeClient, Node } from '@kubeception/sdk/kube';
import { NodeResource } from '@kubeception/sdk/kube';
import { startInformer, type Informer, type WatcherState } from '@kubeception/sdk/runtime';
import { toGuestNode, type GuestView } from './guest.js';

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
      signal: abort.signal,
      // a state change (synced, failing, back) changes what the Cluster reports
      onState: (state) => {
        const was = status.state;
        status.state = state;
        if (was?.synced !== state.synced || (was?.phase === 'backing-off') !== (state.phase === 'backing-off')) tell();
      },
    });
    informer.subscribe((event) => {
      if (event.type !== 'Synced') tell();
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

/**
 * What the simulated components share (internal): one typed client, one informer (watcher +
 * cache from the SDK runtime) per kind, the clock, and an index of pods by node.
 */
import {
  DaemonSetResource,
  DeploymentResource,
  EndpointsResource,
  JobResource,
  NodeResource,
  PodResource,
  ReplicaSetResource,
  ServiceResource,
  type KubeClient,
  type KubeError,
} from '@kubeception/sdk/kube';
import { InformerCache } from '@kubeception/sdk/runtime';
import type { Clock } from './clock.js';
import type { Outcome } from './loop.js';
import { podKey, type StoredPod } from './objects.js';

/** The informers of the simulation. */
export function startInformers(kube: KubeClient, signal: AbortSignal) {
  const cache = new InformerCache(kube, signal);
  return {
    pods: cache.get(PodResource),
    nodes: cache.get(NodeResource),
    deployments: cache.get(DeploymentResource),
    replicasets: cache.get(ReplicaSetResource),
    daemonsets: cache.get(DaemonSetResource),
    jobs: cache.get(JobResource),
    services: cache.get(ServiceResource),
    endpoints: cache.get(EndpointsResource),
    all: () => cache.all(),
  };
}

/** The informers, by kind. */
export type Informers = ReturnType<typeof startInformers>;

/** Pods by `spec.nodeName`, kept current from the pod informer. */
export class PodsByNode {
  private readonly byNode = new Map<string, Map<string, StoredPod>>();
  private readonly nodeOf = new Map<string, string>();

  constructor(pods: Informers['pods']) {
    pods.subscribe((e) => {
      if (e.type === 'Synced') return;
      const pod: StoredPod = e.object;
      const key = podKey(pod);
      const before = this.nodeOf.get(key);
      const after = e.type === 'Deleted' ? undefined : pod.spec?.nodeName || undefined;
      if (before !== undefined && before !== after) this.byNode.get(before)?.delete(key);
      if (after === undefined) this.nodeOf.delete(key);
      else {
        this.nodeOf.set(key, after);
        let pods = this.byNode.get(after);
        if (pods === undefined) this.byNode.set(after, (pods = new Map()));
        pods.set(key, pod);
      }
    });
  }

  /** The pods bound to `node`. */
  on(node: string): StoredPod[] {
    return [...(this.byNode.get(node)?.values() ?? [])];
  }

  /** Names of nodes that have pods. */
  nodes(): string[] {
    return [...this.byNode.keys()].filter((n) => (this.byNode.get(n)?.size ?? 0) > 0);
  }
}

/** What every simulated component gets. */
export interface SimContext {
  readonly kube: KubeClient;
  readonly clock: Clock;
  readonly informers: Informers;
  readonly podsByNode: PodsByNode;
  /** Unexpected failures (logged by the host's `onError`). */
  readonly onError: (component: string, key: string, error: unknown) => void;
}

/** Handlers for `.match` of a write: success and NotFound are done; anything else is retried. */
export function outcomeOf(ctx: SimContext, component: string, key: string): [() => Outcome, (error: KubeError) => Outcome] {
  return [
    () => 'done',
    (error) => {
      if (error.kind === 'NotFound') return 'done';
      if (error.kind !== 'Conflict' && error.kind !== 'AlreadyExists') ctx.onError(component, key, error);
      return 'retry';
    },
  ];
}

/** The numeric resourceVersion of an object (the fake's are integers). */
export const rv = (obj: { metadata?: { resourceVersion?: string } } | undefined): number => Number(obj?.metadata?.resourceVersion ?? 0);

/**
 * The node lifecycle controller and pod garbage collector, reduced (internal):
 * - pods on a node with a NoExecute taint they do not tolerate are evicted (deleted) once their
 *   toleration runs out, counted from the taint's `timeAdded`; pods without a toleration for
 *   `node.kubernetes.io/not-ready` / `unreachable` get `evictionTimeoutMs` (the 300 s that the
 *   DefaultTolerationSeconds admission plugin would give them);
 * - pods bound to a node that no longer exists are force-deleted after `orphanTimeoutMs`.
 */
import { PodResource } from '@kubeception/sdk/kube';
import { outcomeOf, type SimContext } from './context.js';
import { Loop, worstOf, type Outcome } from './loop.js';
import { tolerationFor, type StoredNode, type StoredPod, type Taint } from './objects.js';

/** Options of node lifecycle. Times are in the clock's milliseconds. */
export interface NodeLifecycleOptions {
  /** Eviction from a NotReady node, for pods without their own toleration. @default 300_000 */
  readonly evictionTimeoutMs?: number;
  /** Force deletion of pods bound to a removed node. @default 40_000 (PodGC's quarantine) */
  readonly orphanTimeoutMs?: number;
}

const DEFAULT_TOLERATED = new Set(['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']);

/** What a node's reconcile works with. */
interface Lifecycle {
  readonly ctx: SimContext;
  readonly loop: Loop;
  /** When each removed node was removed (clock ms). */
  readonly removedAt: Map<string, number>;
  readonly evictionMs: number;
  readonly orphanMs: number;
}

/** Starts node lifecycle; `nodeRemoved` records when a node was removed (in clock time). */
export function startNodeLifecycle(ctx: SimContext, options: NodeLifecycleOptions = {}): { loop: Loop; nodeRemoved: (name: string) => void } {
  const { nodes, pods } = ctx.informers;
  const removedAt = new Map<string, number>();
  const loop: Loop = new Loop({ name: 'node-lifecycle', clock: ctx.clock, reconcile: (name) => reconcileNode(lifecycle, name), onError: ctx.onError });
  const lifecycle: Lifecycle = { ctx, loop, removedAt, evictionMs: options.evictionTimeoutMs ?? 300_000, orphanMs: options.orphanTimeoutMs ?? 40_000 };
  nodes.subscribe((e) => {
    if (e.type === 'Synced') return;
    if (e.type === 'Deleted' && !removedAt.has(e.object.metadata.name)) removedAt.set(e.object.metadata.name, ctx.clock.now());
    if (e.type === 'Applied') removedAt.delete(e.object.metadata.name);
    loop.add(e.object.metadata.name);
  });
  pods.subscribe((e) => {
    if (e.type !== 'Synced' && e.type !== 'Deleted' && e.object.spec?.nodeName) loop.add(e.object.spec.nodeName);
  });
  return { loop, nodeRemoved: (name) => removedAt.set(name, ctx.clock.now()) };
}

/** Deletes the node's pods that are due (force-deleting those of a removed node) and wakes up when the next one is. */
async function reconcileNode({ ctx, loop, removedAt, evictionMs, orphanMs }: Lifecycle, name: string): Promise<Outcome> {
  const node = ctx.informers.nodes.store.get(name) as StoredNode | undefined;
  const taints = (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
  // a node that is there without a NoExecute taint evicts nothing: every pod event would
  // otherwise walk all of the node's pods
  if (node !== undefined && taints.length === 0) return 'done';
  const onNode = ctx.podsByNode.on(name).filter((p) => p.metadata.deletionTimestamp === undefined || node === undefined);
  const deletions: Promise<Outcome>[] = [];
  let wake: number | undefined;
  const later = (ms: number) => (wake = wake === undefined ? ms : Math.min(wake, ms));
  if (node === undefined) {
    const left = (removedAt.get(name) ?? ctx.clock.now()) + orphanMs - ctx.clock.now();
    if (!removedAt.has(name)) removedAt.set(name, ctx.clock.now());
    if (left > 0 && onNode.length > 0) later(left);
    else for (const pod of onNode) deletions.push(deletePod(ctx, pod, 0));
  } else {
    for (const pod of onNode) {
      const left = evictIn(pod, taints, ctx.clock.now(), evictionMs);
      if (left === 0) deletions.push(deletePod(ctx, pod, undefined));
      else if (left !== undefined) later(left);
    }
  }
  if (wake !== undefined) loop.addAfter(name, wake);
  return worstOf(await Promise.all(deletions));
}

/**
 * Ms until the pod must go from a node with these NoExecute taints (0: now), or undefined: never.
 * Pods without a toleration of a not-ready / unreachable taint get `defaultMs`.
 */
export function evictIn(pod: StoredPod, taints: readonly Taint[], now: number, defaultMs: number): number | undefined {
  let soonest: number | undefined;
  for (const taint of taints) {
    const toleration = tolerationFor(pod.spec?.tolerations, taint);
    if (toleration && toleration.tolerationSeconds === undefined) continue;
    const allowed = toleration ? (toleration.tolerationSeconds as number) * 1000 : DEFAULT_TOLERATED.has(taint.key) ? defaultMs : 0;
    const since = taint.timeAdded ? Date.parse(taint.timeAdded) : now;
    const left = Math.max(0, since + allowed - now);
    soonest = soonest === undefined ? left : Math.min(soonest, left);
  }
  return soonest;
}

/** Deletes a pod of this uid (`gracePeriodSeconds` 0: at once). */
function deletePod(ctx: SimContext, pod: StoredPod, gracePeriodSeconds: number | undefined): Promise<Outcome> {
  const options = {
    namespace: pod.metadata.namespace,
    preconditions: { uid: pod.metadata.uid },
    ...(gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds }),
  };
  const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
  return ctx.kube
    .resource(PodResource)
    .delete(pod.metadata.name, options)
    .match(...outcomeOf(ctx, 'node-lifecycle', key));
}

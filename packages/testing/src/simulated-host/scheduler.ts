/**
 * The simulated scheduler (internal): one pending pod at a time, filters and scores the nodes,
 * assumes the placement at once (so the next pod sees it) and binds asynchronously by setting
 * `spec.nodeName` and `PodScheduled=True`. Pods that fit nowhere get `PodScheduled=False`,
 * reason `Unschedulable`, and are retried when nodes or pods change.
 */
import { PodResource, type Pod } from '@kubeception/sdk/kube';
import { timestamp } from './clock.js';
import type { SimContext } from './context.js';
import { Loop, type Outcome } from './loop.js';
import { isFinished, isTerminating, podKey, requestsOf, type Resources, type StoredPod } from './objects.js';
import { fitErrorMessage, interPodFor, rejectNode, scoreNode, type InterPod, type NodeView, type Rejection } from './scheduler-filters.js';
import { hasInterPodRules, Placements } from './scheduler-placements.js';

/** Options of the simulated scheduler. */
export interface SchedulerOptions {
  /** Pods whose `spec.schedulerName` is this (or unset) are scheduled. @default 'default-scheduler' */
  readonly schedulerName?: string;
  /** Bindings in flight at once. @default 64 */
  readonly maxBindsInFlight?: number;
}

const NO_RULES: InterPod = { antiBlocked: new Set(), existingBlocked: new Set(), affinity: [] };

/** Starts the scheduler; returns its loop. */
export function startScheduler(ctx: SimContext, options: SchedulerOptions = {}): { loop: Loop; idle: () => boolean } {
  const scheduler = new Scheduler(ctx, options);
  return { loop: scheduler.loop, idle: () => scheduler.idle() };
}

/** The scheduler's state: placements (assumed ones included), pods waiting to be bound or to fit, bindings in flight. */
class Scheduler {
  readonly loop: Loop;
  private readonly placements = new Placements();
  private readonly assumed = new Set<string>();
  private readonly unschedulable = new Set<string>();
  private readonly binds = new Set<Promise<void>>();
  private readonly name: string;
  private readonly maxInFlight: number;

  constructor(
    private readonly ctx: SimContext,
    options: SchedulerOptions,
  ) {
    this.name = options.schedulerName ?? 'default-scheduler';
    this.maxInFlight = options.maxBindsInFlight ?? 64;
    this.loop = new Loop({ name: 'scheduler', clock: ctx.clock, reconcile: (key) => this.schedule(key), onError: ctx.onError });
    ctx.informers.pods.subscribe((e) => {
      if (e.type !== 'Synced') this.observe(e.object, e.type === 'Deleted');
    });
    ctx.informers.nodes.subscribe((e) => {
      if (e.type !== 'Synced') this.retryUnschedulable();
    });
  }

  idle(): boolean {
    return this.loop.idle() && this.binds.size === 0;
  }

  private ours(pod: StoredPod): boolean {
    return (pod.spec?.schedulerName ?? 'default-scheduler') === this.name;
  }

  private retryUnschedulable(): void {
    this.unschedulable.forEach((k) => this.loop.add(k));
  }

  /** Follows a pod event: frees a finished or deleted pod's place, records a bound one, queues a pending one of ours. */
  private observe(pod: StoredPod, deleted: boolean): void {
    const key = podKey(pod);
    const node = pod.spec?.nodeName;
    if (deleted || isFinished(pod)) {
      const freed = node !== undefined && node !== '';
      this.placements.remove(key);
      this.assumed.delete(key);
      if (deleted) this.unschedulable.delete(key);
      if (freed) this.retryUnschedulable();
    } else if (node) {
      this.placements.place(pod, node);
      this.assumed.delete(key);
      this.unschedulable.delete(key);
    } else if (!isTerminating(pod) && this.ours(pod) && !this.assumed.has(key)) this.loop.add(key);
  }

  /** Places one pending pod: the best node that fits, assumed at once and bound asynchronously; or reports why none fits. */
  private async schedule(key: string): Promise<Outcome> {
    const pod = this.ctx.informers.pods.store.get(key);
    if (!pod || pod.spec?.nodeName || isTerminating(pod) || this.assumed.has(key) || !this.ours(pod)) return 'done';
    const views = this.ctx.informers.nodes.store.list().map((node) => this.placements.viewOf(node));
    const inter =
      hasInterPodRules(pod) || this.placements.withRules > 0
        ? interPodFor(pod, this.placements, new Map(views.map((v) => [v.node.metadata.name, v.node.metadata.labels ?? {}])))
        : NO_RULES;
    const { best, rejections } = pickNode(pod, requestsOf(pod), views, inter);
    if (!best) {
      this.unschedulable.add(key);
      return markUnschedulable(this.ctx, pod, fitErrorMessage(views.length, rejections));
    }
    const node = best.node.metadata.name;
    this.unschedulable.delete(key);
    this.assumed.add(key);
    this.placements.place({ ...pod, spec: { ...pod.spec, nodeName: node } } as StoredPod, node);
    const binding = this.bind(pod, node).finally(() => this.binds.delete(binding));
    this.binds.add(binding);
    while (this.binds.size >= this.maxInFlight) await Promise.race(this.binds);
    return 'done';
  }

  /** Binds an assumed pod; if that fails, the assumption is dropped and the pod queued again. */
  private bind(pod: StoredPod, node: string): Promise<void> {
    const key = podKey(pod);
    return writeBinding(this.ctx, pod, node).match(
      () => undefined,
      (error) => {
        if (!this.assumed.has(key)) return;
        this.assumed.delete(key);
        this.placements.remove(key);
        if (error.kind !== 'NotFound') this.ctx.onError('scheduler', key, error);
        this.loop.add(key);
      },
    );
  }
}

/** The node that fits the pod and scores best (fewest siblings, then least load, then name), and why the others do not fit. */
export function pickNode(pod: Pod, request: Resources, views: readonly NodeView[], inter: InterPod): { best?: NodeView; rejections: Rejection[] } {
  const rejections: Rejection[] = [];
  let best: { view: NodeView; score: [number, number, string] } | undefined;
  for (const view of views) {
    const rejection = rejectNode(pod, request, view, inter);
    if (rejection) {
      rejections.push(rejection);
      continue;
    }
    const score = scoreNode(pod, request, view);
    if (!best || scoreBefore(score, best.score)) best = { view, score };
  }
  return best ? { best: best.view, rejections } : { rejections };
}

const scoreBefore = (a: [number, number, string], b: [number, number, string]): boolean =>
  a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])));

/** `PodScheduled=False`, reason `Unschedulable`, with `message` (not written again when it says the same). */
async function markUnschedulable(ctx: SimContext, pod: StoredPod, message: string): Promise<Outcome> {
  const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (current?.status === 'False' && current.message === message) return 'done';
  const condition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: timestamp(ctx.clock) };
  const others = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
  const result = await ctx.kube
    .resource(PodResource)
    .patchStatus(pod.metadata.name, { type: 'merge', body: { status: { conditions: [...others, condition] } } }, { namespace: pod.metadata.namespace });
  return result.isOk() || result.error.kind === 'NotFound' ? 'done' : 'retry';
}

/** Binds the pod: `spec.nodeName`, then `PodScheduled=True`. */
function writeBinding(ctx: SimContext, pod: StoredPod, node: string) {
  const client = ctx.kube.resource(PodResource);
  const ns = { namespace: pod.metadata.namespace };
  const condition = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp(ctx.clock) };
  const others = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
  return client
    .patch(pod.metadata.name, { type: 'merge', body: { spec: { nodeName: node } } }, ns)
    .andThen(() => client.patchStatus(pod.metadata.name, { type: 'merge', body: { status: { conditions: [...others, condition] } } }, ns));
}

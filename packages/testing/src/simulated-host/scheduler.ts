/**
 * The simulated scheduler (internal): one pending pod at a time, filters and scores the nodes,
 * assumes the placement at once (so the next pod sees it) and binds asynchronously by setting
 * `spec.nodeName` and `PodScheduled=True`. Pods that fit nowhere get `PodScheduled=False`,
 * reason `Unschedulable`, and are retried when nodes or pods change.
 */
import { PodResource } from '@kubeception/sdk/kube';
import type { Informer } from '@kubeception/sdk/runtime';
import { timestamp } from './clock.js';
import type { SimContext } from './context.js';
import { Loop, type Outcome } from './loop.js';
import { controllerUid, isFinished, isTerminating, podKey, requestsOf, type Resources, type StoredPod } from './objects.js';
import {
  fitErrorMessage,
  interPodFor,
  rejectNode,
  scoreNode,
  termNamespaces,
  termsOf,
  type InterPod,
  type NodeView,
  type Placed,
  type PlacedPods,
  type Rejection,
} from './scheduler-filters.js';

/** Options of the simulated scheduler. */
export interface SchedulerOptions {
  /** Pods whose `spec.schedulerName` is this (or unset) are scheduled. @default 'default-scheduler' */
  readonly schedulerName?: string;
  /** Bindings in flight at once. @default 64 */
  readonly maxBindsInFlight?: number;
}

const NO_RULES: InterPod = { antiBlocked: new Set(), existingBlocked: new Set(), affinity: [] };
const hasInterPodRules = (pod: StoredPod) => pod.spec?.affinity?.podAffinity !== undefined || pod.spec?.affinity?.podAntiAffinity !== undefined;

/** Placements: per node the requests and controller counts, per namespace the pods, for the rules that look at other pods. */
class Placements implements PlacedPods {
  readonly byNode = new Map<string, { used: Resources; owners: Map<string, number> }>();
  private readonly placed = new Map<string, Placed>();
  private readonly byNamespace = new Map<string, Map<string, Placed>>();
  private readonly antiOver = new Map<string, Map<string, Placed>>();
  withRules = 0;

  place(pod: StoredPod, node: string): void {
    const key = podKey(pod);
    this.remove(key);
    let entry = this.byNode.get(node);
    if (entry === undefined) this.byNode.set(node, (entry = { used: { cpu: 0, memory: 0, pods: 0 }, owners: new Map() }));
    const placed = { pod, node };
    this.placed.set(key, placed);
    this.account(entry, pod, 1);
    for (const namespace of this.indexes(pod)) {
      let index = namespace.map.get(namespace.name);
      if (index === undefined) namespace.map.set(namespace.name, (index = new Map()));
      index.set(key, placed);
    }
    if (hasInterPodRules(pod)) this.withRules++;
  }

  remove(key: string): void {
    const placed = this.placed.get(key);
    const entry = placed === undefined ? undefined : this.byNode.get(placed.node);
    if (!placed || !entry) return;
    this.placed.delete(key);
    this.account(entry, placed.pod, -1);
    for (const namespace of this.indexes(placed.pod)) {
      const index = namespace.map.get(namespace.name);
      index?.delete(key);
      if (index?.size === 0) namespace.map.delete(namespace.name);
    }
    if (hasInterPodRules(placed.pod)) this.withRules--;
  }

  inNamespace(namespace: string): Iterable<Placed> {
    return this.byNamespace.get(namespace)?.values() ?? [];
  }

  withAntiAffinityOver(namespace: string): Iterable<Placed> {
    return this.antiOver.get(namespace)?.values() ?? [];
  }

  /** The indexes a pod is in: its namespace, and each namespace its anti-affinity terms cover. */
  private indexes(pod: StoredPod): { map: Map<string, Map<string, Placed>>; name: string }[] {
    const covered = new Set(termsOf(pod, 'podAntiAffinity').flatMap((term) => termNamespaces(term, pod)));
    return [{ map: this.byNamespace, name: pod.metadata.namespace ?? '' }, ...[...covered].map((name) => ({ map: this.antiOver, name }))];
  }

  private account(entry: { used: Resources; owners: Map<string, number> }, pod: StoredPod, sign: 1 | -1): void {
    const r = requestsOf(pod);
    entry.used.cpu += sign * r.cpu;
    entry.used.memory += sign * r.memory;
    entry.used.pods += sign;
    const owner = controllerUid(pod);
    if (owner === undefined) return;
    const count = (entry.owners.get(owner) ?? 0) + sign;
    if (count === 0) entry.owners.delete(owner);
    else entry.owners.set(owner, count);
  }
}

/** Starts the scheduler; returns its loop. */
export function startScheduler(ctx: SimContext, options: SchedulerOptions = {}): { loop: Loop; idle: () => boolean } {
  const { pods, nodes } = ctx.informers;
  const name = options.schedulerName ?? 'default-scheduler';
  const maxInFlight = options.maxBindsInFlight ?? 64;
  const placements = new Placements();
  const assumed = new Set<string>();
  const unschedulable = new Set<string>();
  const binds = new Set<Promise<void>>();
  const client = ctx.kube.resource(PodResource);
  const ours = (pod: StoredPod) => (pod.spec?.schedulerName ?? 'default-scheduler') === name;
  const retryUnschedulable = () => unschedulable.forEach((k) => loop.add(k));

  const observe = (pod: StoredPod, deleted: boolean) => {
    const key = podKey(pod);
    const node = pod.spec?.nodeName;
    if (deleted || isFinished(pod)) {
      const freed = node !== undefined && node !== '';
      placements.remove(key);
      assumed.delete(key);
      if (deleted) unschedulable.delete(key);
      if (freed) retryUnschedulable();
    } else if (node) {
      placements.place(pod, node);
      assumed.delete(key);
      unschedulable.delete(key);
    } else if (!isTerminating(pod) && ours(pod) && !assumed.has(key)) loop.add(key);
  };
  (pods as unknown as Informer<StoredPod>).subscribe((e) => {
    if (e.type !== 'Synced') observe(e.object as StoredPod, e.type === 'Deleted');
  });
  nodes.subscribe((e) => {
    if (e.type !== 'Synced') retryUnschedulable();
  });

  const views = (): NodeView[] =>
    nodes.store.list().map((node) => {
      const entry = placements.byNode.get(node.metadata.name);
      return { node, used: entry?.used ?? { cpu: 0, memory: 0, pods: 0 }, siblings: (owner: string) => entry?.owners.get(owner) ?? 0 } as NodeView;
    });

  const markUnschedulable = async (pod: StoredPod, message: string): Promise<Outcome> => {
    unschedulable.add(podKey(pod));
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    if (current?.status === 'False' && current.message === message) return 'done';
    const condition = {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message,
      lastProbeTime: null,
      lastTransitionTime: timestamp(ctx.clock),
    };
    const others = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    const write = client.patchStatus(
      pod.metadata.name,
      { type: 'merge', body: { status: { conditions: [...others, condition] } } },
      { namespace: pod.metadata.namespace },
    );
    const result = await write;
    return result.isOk() || result.error.kind === 'NotFound' ? 'done' : 'retry';
  };

  const bind = (pod: StoredPod, node: string): Promise<void> => {
    const key = podKey(pod);
    const ns = { namespace: pod.metadata.namespace };
    const condition = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp(ctx.clock) };
    const others = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    return client
      .patch(pod.metadata.name, { type: 'merge', body: { spec: { nodeName: node } } }, ns)
      .andThen(() => client.patchStatus(pod.metadata.name, { type: 'merge', body: { status: { conditions: [...others, condition] } } }, ns))
      .match(
        () => undefined,
        (error) => {
          if (!assumed.has(key)) return;
          assumed.delete(key);
          placements.remove(key);
          if (error.kind !== 'NotFound') ctx.onError('scheduler', key, error);
          loop.add(key);
        },
      );
  };

  const schedule = async (key: string): Promise<Outcome> => {
    const pod = pods.store.get(key) as StoredPod | undefined;
    if (!pod || pod.spec?.nodeName || isTerminating(pod) || assumed.has(key) || !ours(pod)) return 'done';
    const all = views();
    const request = requestsOf(pod);
    const inter =
      hasInterPodRules(pod) || placements.withRules > 0
        ? interPodFor(pod, placements, new Map(all.map((v) => [v.node.metadata.name, v.node.metadata.labels ?? {}])))
        : NO_RULES;
    const rejections: Rejection[] = [];
    let best: { view: NodeView; score: [number, number, string] } | undefined;
    for (const view of all) {
      const rejection = rejectNode(pod, request, view, inter);
      if (rejection) {
        rejections.push(rejection);
        continue;
      }
      const score = scoreNode(pod, request, view);
      if (
        !best ||
        score[0] < best.score[0] ||
        (score[0] === best.score[0] && (score[1] < best.score[1] || (score[1] === best.score[1] && score[2] < best.score[2])))
      )
        best = { view, score };
    }
    if (!best) return markUnschedulable(pod, fitErrorMessage(all.length, rejections));
    const node = best.view.node.metadata.name;
    unschedulable.delete(key);
    assumed.add(key);
    placements.place({ ...pod, spec: { ...pod.spec, nodeName: node } } as StoredPod, node);
    const binding = bind(pod, node).finally(() => binds.delete(binding));
    binds.add(binding);
    while (binds.size >= maxInFlight) await Promise.race(binds);
    return 'done';
  };

  const loop = new Loop({ name: 'scheduler', clock: ctx.clock, reconcile: schedule, onError: ctx.onError });
  return { loop, idle: () => loop.idle() && binds.size === 0 };
}

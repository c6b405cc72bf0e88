/**
 * The simulated kubelet (internal): one for all simulated nodes. It starts bound pods after a
 * delay (container statuses, pod IP from the node's pod CIDR), reports readiness (False while the
 * node is NotReady), restarts containers whose image changed, finishes pods that do not restart
 * (Jobs), applies the test hooks, and completes graceful deletion after the grace period. The
 * containers themselves are `kubelet-runtime.ts`; this is the loop and its writes.
 */
import { PodResource } from '@kubeception/sdk/kube';
import { jsonEqual } from '@kubeception/sdk/runtime';
import { timestamp } from './clock.js';
import { outcomeOf, rv, type SimContext } from './context.js';
import type { KubeletHooks, PodDirective } from './kubelet-hooks.js';
import { PodRuntime } from './kubelet-runtime.js';
import { Loop, type Outcome } from './loop.js';
import { podKey, type StoredNode, type StoredPod } from './objects.js';
import { podStatus, type PodRecord } from './pod-status.js';

/** Options of the simulated kubelet. Times are in the clock's milliseconds. */
export interface KubeletOptions {
  /** From binding to Running (containers created and started). @default 0 */
  readonly startDelayMs?: number;
  /** How long containers take to stop after SIGTERM; the pod goes after the smaller of this and its grace period. @default Infinity (the whole grace period) */
  readonly stopDelayMs?: number;
  /** How long pods with `restartPolicy` Never or OnFailure run before succeeding (annotation `simulation.kubeception.io/run-seconds` overrides). @default 0 */
  readonly runDurationMs?: number;
  /** Workers. @default 4 */
  readonly concurrency?: number;
}

const NAME = 'kubelet';

/** Starts the kubelet; returns its loop and hooks. */
export function startKubelet(ctx: SimContext, options: KubeletOptions = {}): { loop: Loop; hooks: KubeletHooks } {
  const { pods, nodes } = ctx.informers;
  const runtime = new PodRuntime(ctx.clock, { startDelayMs: options.startDelayMs ?? 0, runDurationMs: options.runDurationMs ?? 0 });
  const loop: Loop = new Loop({
    name: NAME,
    clock: ctx.clock,
    reconcile: (key) => syncPod(ctx, runtime, loop, options, key),
    concurrency: options.concurrency ?? 4,
    onError: ctx.onError,
  });
  pods.subscribe((e) => {
    if (e.type === 'Synced') return;
    const key = podKey(e.object);
    if (e.type === 'Deleted') runtime.forget(key);
    else if (e.object.spec?.nodeName) loop.add(key);
  });
  nodes.subscribe((e) => {
    if (e.type === 'Synced') return;
    for (const pod of ctx.podsByNode.on(e.object.metadata.name)) loop.add(podKey(pod));
  });
  return { loop, hooks: kubeletHooks(runtime, loop) };
}

/** The test hooks: each queues a directive for the pod and wakes it. */
function kubeletHooks(runtime: PodRuntime, loop: Loop): KubeletHooks {
  const direct = (directive: PodDirective) => (namespace: string, name: string) => {
    runtime.direct(`${namespace}/${name}`, directive);
    loop.add(`${namespace}/${name}`);
  };
  return {
    fail: (namespace, name, o = {}) => direct({ kind: 'fail', ...o })(namespace, name),
    complete: (namespace, name, o = {}) => direct({ kind: 'complete', ...o })(namespace, name),
    crashLoop: direct({ kind: 'crash-loop' }),
    unready: direct({ kind: 'unready' }),
    recover: direct({ kind: 'recover' }),
  };
}

/** One pod: finish its deletion, or move its runtime forward and report its status. */
async function syncPod(ctx: SimContext, runtime: PodRuntime, loop: Loop, options: KubeletOptions, key: string): Promise<Outcome> {
  const pod = ctx.informers.pods.store.get(key);
  const node = pod?.spec?.nodeName ? ctx.informers.nodes.store.get(pod.spec.nodeName) : undefined;
  if (!pod || !node) return 'done';
  if (runtime.behind(key, rv(pod))) return 'done'; // our last write is not in the cache yet
  const record = runtime.recordFor(key, pod, node);
  if (pod.metadata.deletionTimestamp !== undefined) return terminate(ctx, loop, options, key, pod, record);
  const wake = runtime.advance(key, pod, node, record);
  if (wake !== undefined) loop.addAfter(key, wake);
  return reportStatus(ctx, runtime, key, pod, node, record);
}

/** Writes the pod's status when it changed (Ready only while the node is Ready too). */
function reportStatus(ctx: SimContext, runtime: PodRuntime, key: string, pod: StoredPod, node: StoredNode, record: PodRecord): Promise<Outcome> {
  const nodeReady = node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  const ready = nodeReady && record.mode === 'running';
  if (record.ready?.value !== ready) record.ready = { value: ready, since: timestamp(ctx.clock) };
  const status = podStatus(pod, record, ready);
  if (jsonEqual(status, pod.status)) return Promise.resolve('done');
  const [, onError] = outcomeOf(ctx, NAME, key);
  return ctx.kube
    .resource(PodResource)
    .patchStatus(pod.metadata.name, { type: 'json', ops: [{ op: 'replace', path: '/status', value: status }] }, { namespace: pod.metadata.namespace })
    .match((stored): Outcome => {
      runtime.wrote(key, rv(stored));
      return 'done';
    }, onError);
}

/** Deletes a terminating pod for good once its containers had their time to stop. */
function terminate(ctx: SimContext, loop: Loop, options: KubeletOptions, key: string, pod: StoredPod, record: PodRecord): Promise<Outcome> {
  const grace = (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  const since = (record.stopRequestedAt ??= ctx.clock.now());
  const wait = since + Math.min(grace, options.stopDelayMs ?? Infinity) - ctx.clock.now();
  if (wait > 0) {
    loop.addAfter(key, wait);
    return Promise.resolve('done');
  }
  return ctx.kube
    .resource(PodResource)
    .delete(pod.metadata.name, { namespace: pod.metadata.namespace, gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } })
    .match(...outcomeOf(ctx, NAME, key));
}

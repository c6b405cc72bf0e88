/**
 * The simulated kubelet (internal): one for all simulated nodes. It starts bound pods after a
 * delay (container statuses, pod IP from the node's pod CIDR), reports readiness (False while the
 * node is NotReady), restarts containers whose image changed, finishes pods that do not restart
 * (Jobs), applies the test hooks, and completes graceful deletion after the grace period.
 */
import { randomBytes } from 'node:crypto';
import { PodResource } from '@kubeception/sdk/kube';
import { timestamp } from './clock.js';
import { outcomeOf, rv, type SimContext } from './context.js';
import type { KubeletHooks, PodDirective } from './kubelet-hooks.js';
import { PodIpPool } from './ip-pool.js';
import { Loop, type Outcome } from './loop.js';
import type { StoredNode, StoredPod } from './objects.js';
import { jsonEqual } from '@kubeception/sdk/runtime';
import { podStatus, type ContainerRecord, type PodRecord } from './pod-status.js';

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

const RUN_SECONDS = 'simulation.kubeception.io/run-seconds';
const newContainerId = () => `containerd://${randomBytes(16).toString('hex')}`;

/** Starts the kubelet; returns its loop and hooks. */
export function startKubelet(ctx: SimContext, options: KubeletOptions = {}): { loop: Loop; hooks: KubeletHooks } {
  const { pods, nodes } = ctx.informers;
  const client = ctx.kube.resource(PodResource);
  const records = new Map<string, PodRecord>();
  const lastWritten = new Map<string, number>();
  const directives = new Map<string, PodDirective>();
  const ips = new PodIpPool();
  const startDelay = options.startDelayMs ?? 0;

  const forget = (key: string) => {
    const record = records.get(key);
    if (record) ips.release(record.podIP);
    records.delete(key);
    lastWritten.delete(key);
    directives.delete(key);
  };
  pods.subscribe((e) => {
    if (e.type === 'Synced') return;
    const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
    if (e.type === 'Deleted') forget(key);
    else if (e.object.spec?.nodeName) loop.add(key);
  });
  nodes.subscribe((e) => {
    if (e.type === 'Synced') return;
    for (const pod of ctx.podsByNode.on(e.object.metadata.name)) loop.add(`${pod.metadata.namespace}/${pod.metadata.name}`);
  });

  const recordFor = (key: string, pod: StoredPod, node: StoredNode): PodRecord => {
    let record = records.get(key);
    if (record && record.uid !== pod.metadata.uid) forget(key);
    record = records.get(key);
    if (record) return record;
    const hostIP = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '';
    const at = timestamp(ctx.clock);
    const containers = new Map<string, ContainerRecord>(
      (pod.spec?.containers ?? []).map((c) => [c.name, { name: c.name, image: c.image ?? '', restartCount: 0, containerID: newContainerId(), startedAt: at }]),
    );
    record = { uid: pod.metadata.uid, node: node.metadata.name, hostIP, mode: 'starting', observedAt: at, containers };
    records.set(key, record);
    return record;
  };

  /** Moves the simulated runtime forward to now; returns ms until it next needs attention. */
  const advance = (key: string, pod: StoredPod, node: StoredNode, record: PodRecord): number | undefined => {
    const now = ctx.clock.now();
    const at = timestamp(ctx.clock);
    if (record.mode === 'starting') {
      const wait = Date.parse(record.observedAt) + startDelay - now;
      if (wait > 0) return wait;
      record.mode = 'running';
      record.startedAt = at;
      record.podIP = pod.spec?.hostNetwork ? record.hostIP : ips.allocate(node.spec?.podCIDR);
      for (const c of record.containers.values()) c.startedAt = at;
    }
    applyDirective(key, record, at);
    if (record.mode === 'failed' || record.mode === 'succeeded') return undefined;
    restartChanged(pod, record, at);
    if (record.mode === 'crash-loop') return crashStep(record, now, at);
    const policy = pod.spec?.restartPolicy ?? 'Always';
    if (policy !== 'Always' && record.startedAt !== undefined) {
      const seconds = Number(pod.metadata.annotations?.[RUN_SECONDS]);
      const due = Date.parse(record.startedAt) + (Number.isFinite(seconds) ? seconds * 1000 : (options.runDurationMs ?? 0)) - now;
      if (due > 0) return due;
      finish(record, 'succeeded', 0, at);
    }
    return undefined;
  };

  const finish = (record: PodRecord, mode: 'failed' | 'succeeded', exitCode: number, at: string, reason?: string) => {
    record.mode = mode;
    record.exitCode = exitCode;
    record.finishedAt = at;
    if (reason !== undefined) record.reason = reason;
    ips.release(record.podIP);
  };

  const applyDirective = (key: string, record: PodRecord, at: string) => {
    const d = directives.get(key);
    if (!d || record.mode === 'failed' || record.mode === 'succeeded') return;
    directives.delete(key);
    if (d.kind === 'fail') finish(record, 'failed', d.exitCode ?? 1, at, d.reason);
    else if (d.kind === 'complete') finish(record, (d.exitCode ?? 0) === 0 ? 'succeeded' : 'failed', d.exitCode ?? 0, at);
    else if (d.kind === 'unready') record.mode = 'unready';
    else if (d.kind === 'recover') {
      record.mode = 'running';
      crashes.delete(record.uid);
    } else if (record.mode !== 'crash-loop') {
      record.mode = 'crash-loop';
      crashes.set(record.uid, { next: Date.parse(at), backoff: 10_000 });
    }
  };

  const crashes = new Map<string, { next: number; backoff: number }>();
  const crashStep = (record: PodRecord, now: number, at: string): number => {
    const crash = crashes.get(record.uid) ?? { next: now, backoff: 10_000 };
    while (crash.next <= now) {
      for (const c of record.containers.values()) {
        c.lastTerminated = { exitCode: 1, reason: 'Error', startedAt: c.startedAt, finishedAt: at, containerID: c.containerID };
        c.restartCount++;
        c.containerID = newContainerId();
        c.startedAt = at;
      }
      crash.next += crash.backoff;
      crash.backoff = Math.min(crash.backoff * 2, 300_000);
    }
    crashes.set(record.uid, crash);
    return crash.next - now;
  };

  const restartChanged = (pod: StoredPod, record: PodRecord, at: string) => {
    for (const spec of pod.spec?.containers ?? []) {
      const c = record.containers.get(spec.name);
      if (!c || c.image === spec.image) continue;
      c.lastTerminated = { exitCode: 0, reason: 'Completed', startedAt: c.startedAt, finishedAt: at, containerID: c.containerID };
      c.image = spec.image ?? '';
      c.restartCount++;
      c.containerID = newContainerId();
      c.startedAt = at;
    }
  };

  const terminate = async (key: string, pod: StoredPod, record: PodRecord): Promise<Outcome> => {
    const grace = (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
    const since = (record.stopRequestedAt ??= ctx.clock.now());
    const wait = since + Math.min(grace, options.stopDelayMs ?? Infinity) - ctx.clock.now();
    if (wait > 0) {
      loop.addAfter(key, wait);
      return 'done';
    }
    return client
      .delete(pod.metadata.name, { namespace: pod.metadata.namespace, gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } })
      .match(...outcomeOf(ctx, 'kubelet', key));
  };

  const sync = async (key: string): Promise<Outcome> => {
    const pod = pods.store.get(key) as StoredPod | undefined;
    const node = pod?.spec?.nodeName ? (nodes.store.get(pod.spec.nodeName) as StoredNode | undefined) : undefined;
    if (!pod || !node) return 'done';
    if (rv(pod) < (lastWritten.get(key) ?? 0)) return 'done'; // our last write is not in the cache yet
    const record = recordFor(key, pod, node);
    if (pod.metadata.deletionTimestamp !== undefined) return terminate(key, pod, record);
    const wake = advance(key, pod, node, record);
    if (wake !== undefined) loop.addAfter(key, wake);
    const nodeReady = node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    const ready = nodeReady && record.mode === 'running';
    if (record.ready?.value !== ready) record.ready = { value: ready, since: timestamp(ctx.clock) };
    const status = podStatus(pod, record, ready);
    if (jsonEqual(status, pod.status)) return 'done';
    const [, onError] = outcomeOf(ctx, 'kubelet', key);
    return client
      .patchStatus(pod.metadata.name, { type: 'json', ops: [{ op: 'replace', path: '/status', value: status }] }, { namespace: pod.metadata.namespace })
      .match((stored): Outcome => {
        lastWritten.set(key, rv(stored));
        return 'done';
      }, onError);
  };

  const loop = new Loop({ name: 'kubelet', clock: ctx.clock, reconcile: sync, concurrency: options.concurrency ?? 4, onError: ctx.onError });
  const direct = (directive: PodDirective) => (namespace: string, name: string) => {
    directives.set(`${namespace}/${name}`, directive);
    loop.add(`${namespace}/${name}`);
  };
  const hooks: KubeletHooks = {
    fail: (namespace, name, o = {}) => direct({ kind: 'fail', ...o })(namespace, name),
    complete: (namespace, name, o = {}) => direct({ kind: 'complete', ...o })(namespace, name),
    crashLoop: direct({ kind: 'crash-loop' }),
    unready: direct({ kind: 'unready' }),
    recover: direct({ kind: 'recover' }),
  };
  return { loop, hooks };
}

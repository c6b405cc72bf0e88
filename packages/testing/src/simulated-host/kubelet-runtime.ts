/**
 * The simulated container runtime behind the kubelet (internal, no I/O): what it knows about each
 * pod (a {@link PodRecord}), moved forward in clock time — containers start after the start delay
 * with an IP from the node's pod CIDR, restart when their image changes, crash-loop with back-off,
 * finish (pods that do not restart run for `runDurationMs`), and follow the test hooks'
 * directives. Keyed `namespace/name`.
 */
import { randomBytes } from 'node:crypto';
import { timestamp, type Clock } from './clock.js';
import { PodIpPool } from './ip-pool.js';
import type { PodDirective } from './kubelet-hooks.js';
import type { StoredNode, StoredPod } from './objects.js';
import type { ContainerRecord, PodRecord } from './pod-status.js';

/** Timing of the runtime, in the clock's milliseconds. */
export interface RuntimeTiming {
  /** From the kubelet seeing a pod bound to containers running. */
  readonly startDelayMs: number;
  /** How long pods with `restartPolicy` Never or OnFailure run (the annotation {@link RUN_SECONDS} overrides). */
  readonly runDurationMs: number;
}

/** Annotation: how many seconds a pod that does not restart runs before it succeeds. */
export const RUN_SECONDS = 'simulation.kubeception.io/run-seconds';
const CRASH_BACKOFF_MS = 10_000;
const MAX_CRASH_BACKOFF_MS = 300_000;
const newContainerId = () => `containerd://${randomBytes(16).toString('hex')}`;

/** The runtime's knowledge of the pods it runs. */
export class PodRuntime {
  private readonly records = new Map<string, PodRecord>();
  private readonly directives = new Map<string, PodDirective>();
  private readonly crashes = new Map<string, { next: number; backoff: number }>();
  /** The resourceVersion of the kubelet's last status write of each pod. */
  private readonly written = new Map<string, number>();
  private readonly ips = new PodIpPool();

  constructor(
    private readonly clock: Clock,
    private readonly timing: RuntimeTiming,
  ) {}

  /** Queues a directive of the test hooks for the pod's next step. */
  direct(key: string, directive: PodDirective): void {
    this.directives.set(key, directive);
  }

  /** Notes the resourceVersion of a status write of the pod. */
  wrote(key: string, resourceVersion: number): void {
    this.written.set(key, resourceVersion);
  }

  /** Whether the cache has not yet caught up with the last status write of the pod. */
  behind(key: string, resourceVersion: number): boolean {
    return resourceVersion < (this.written.get(key) ?? 0);
  }

  /** Forgets a pod (deleted, or replaced by one of the same name) and frees its IP. */
  forget(key: string): void {
    const record = this.records.get(key);
    if (record) this.ips.release(record.podIP);
    this.records.delete(key);
    this.written.delete(key);
    this.directives.delete(key);
  }

  /** The record of a pod on `node`: the one kept, or a new one (the pod starting) if the pod is new here. */
  recordFor(key: string, pod: StoredPod, node: StoredNode): PodRecord {
    const kept = this.records.get(key);
    if (kept?.uid === pod.metadata.uid) return kept;
    if (kept) this.forget(key);
    const hostIP = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '';
    const at = timestamp(this.clock);
    const containers = new Map<string, ContainerRecord>(
      (pod.spec?.containers ?? []).map((c) => [c.name, { name: c.name, image: c.image ?? '', restartCount: 0, containerID: newContainerId(), startedAt: at }]),
    );
    const record: PodRecord = { uid: pod.metadata.uid, node: node.metadata.name, hostIP, mode: 'starting', observedAt: at, containers };
    this.records.set(key, record);
    return record;
  }

  /** Moves the pod's runtime forward to now; returns ms until it next needs attention. */
  advance(key: string, pod: StoredPod, node: StoredNode, record: PodRecord): number | undefined {
    const now = this.clock.now();
    const at = timestamp(this.clock);
    if (record.mode === 'starting') {
      const wait = Date.parse(record.observedAt) + this.timing.startDelayMs - now;
      if (wait > 0) return wait;
      record.mode = 'running';
      record.startedAt = at;
      record.podIP = pod.spec?.hostNetwork ? record.hostIP : this.ips.allocate(node.spec?.podCIDR);
      for (const c of record.containers.values()) c.startedAt = at;
    }
    this.applyDirective(key, record, at);
    if (record.mode === 'failed' || record.mode === 'succeeded') return undefined;
    restartChanged(pod, record, at);
    if (record.mode === 'crash-loop') return this.crashStep(record, now, at);
    return this.runToCompletion(pod, record, now, at);
  }

  /** A pod that does not restart succeeds once it has run its time; returns ms until then. */
  private runToCompletion(pod: StoredPod, record: PodRecord, now: number, at: string): number | undefined {
    const policy = pod.spec?.restartPolicy ?? 'Always';
    if (policy === 'Always' || record.startedAt === undefined) return undefined;
    const seconds = Number(pod.metadata.annotations?.[RUN_SECONDS]);
    const due = Date.parse(record.startedAt) + (Number.isFinite(seconds) ? seconds * 1000 : this.timing.runDurationMs) - now;
    if (due > 0) return due;
    this.finish(record, 'succeeded', 0, at);
    return undefined;
  }

  private finish(record: PodRecord, mode: 'failed' | 'succeeded', exitCode: number, at: string, reason?: string): void {
    record.mode = mode;
    record.exitCode = exitCode;
    record.finishedAt = at;
    if (reason !== undefined) record.reason = reason;
    this.ips.release(record.podIP);
  }

  private applyDirective(key: string, record: PodRecord, at: string): void {
    const d = this.directives.get(key);
    if (!d || record.mode === 'failed' || record.mode === 'succeeded') return;
    this.directives.delete(key);
    if (d.kind === 'fail') this.finish(record, 'failed', d.exitCode ?? 1, at, d.reason);
    else if (d.kind === 'complete') this.finish(record, (d.exitCode ?? 0) === 0 ? 'succeeded' : 'failed', d.exitCode ?? 0, at);
    else if (d.kind === 'unready') record.mode = 'unready';
    else if (d.kind === 'recover') {
      record.mode = 'running';
      this.crashes.delete(record.uid);
    } else if (record.mode !== 'crash-loop') {
      record.mode = 'crash-loop';
      this.crashes.set(record.uid, { next: Date.parse(at), backoff: CRASH_BACKOFF_MS });
    }
  }

  /** Crashes and restarts the containers as often as the back-off allowed until now; returns ms until the next crash. */
  private crashStep(record: PodRecord, now: number, at: string): number {
    const crash = this.crashes.get(record.uid) ?? { next: now, backoff: CRASH_BACKOFF_MS };
    while (crash.next <= now) {
      for (const c of record.containers.values()) {
        c.lastTerminated = { exitCode: 1, reason: 'Error', startedAt: c.startedAt, finishedAt: at, containerID: c.containerID };
        restart(c, at);
      }
      crash.next += crash.backoff;
      crash.backoff = Math.min(crash.backoff * 2, MAX_CRASH_BACKOFF_MS);
    }
    this.crashes.set(record.uid, crash);
    return crash.next - now;
  }
}

/** Restarts the containers whose image changed in the pod spec. */
function restartChanged(pod: StoredPod, record: PodRecord, at: string): void {
  for (const spec of pod.spec?.containers ?? []) {
    const c = record.containers.get(spec.name);
    if (!c || c.image === spec.image) continue;
    c.lastTerminated = { exitCode: 0, reason: 'Completed', startedAt: c.startedAt, finishedAt: at, containerID: c.containerID };
    c.image = spec.image ?? '';
    restart(c, at);
  }
}

function restart(c: ContainerRecord, at: string): void {
  c.restartCount++;
  c.containerID = newContainerId();
  c.startedAt = at;
}

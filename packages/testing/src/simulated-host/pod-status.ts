/** The status a kubelet reports for a pod, from what its simulated runtime holds (internal, pure). */
import type { Pod } from '@kubeception/sdk/kube';

/** What the simulated container runtime knows about one container. */
export interface ContainerRecord {
  readonly name: string;
  image: string;
  restartCount: number;
  containerID: string;
  startedAt: string;
  lastTerminated?: { exitCode: number; reason: string; startedAt: string; finishedAt: string; containerID: string };
}

/** How a pod is doing, as set by the kubelet and its hooks. */
export type PodMode = 'starting' | 'running' | 'unready' | 'crash-loop' | 'failed' | 'succeeded';

/** What the simulated runtime knows about one pod. */
export interface PodRecord {
  readonly uid: string;
  readonly node: string;
  readonly hostIP: string;
  podIP?: string;
  mode: PodMode;
  /** RFC 3339: when the kubelet first saw the pod bound here. */
  readonly observedAt: string;
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  reason?: string;
  readonly containers: Map<string, ContainerRecord>;
  /** Clock ms when the kubelet started stopping the pod (graceful deletion). */
  stopRequestedAt?: number;
  /** Ready as last reported, and since when. */
  ready?: { value: boolean; since: string };
}

type Status = NonNullable<Pod['status']>;
type Condition = NonNullable<Status['conditions']>[number];

// `lastProbeTime: null` is what a kubelet writes; client-node's model (so the JSON type) has no null
const cond = (type: string, ok: boolean, since: string, reason?: string): Condition =>
  ({ type, status: ok ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: since, ...(reason && !ok ? { reason } : {}) }) as unknown as Condition;

function containerStatus(c: ContainerRecord, record: PodRecord, ready: boolean): NonNullable<Status['containerStatuses']>[number] {
  const base = { name: c.name, image: c.image, imageID: `sim.kubeception.io/${c.image}`, containerID: c.containerID, restartCount: c.restartCount };
  const last = c.lastTerminated ? { lastState: { terminated: c.lastTerminated } } : { lastState: {} };
  if (record.mode === 'starting')
    return { ...base, containerID: undefined, ready: false, started: false, state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} };
  if (record.mode === 'failed' || record.mode === 'succeeded') {
    const exitCode = record.exitCode ?? (record.mode === 'failed' ? 1 : 0);
    const terminated = {
      exitCode,
      reason: record.reason ?? (exitCode === 0 ? 'Completed' : 'Error'),
      startedAt: c.startedAt,
      finishedAt: record.finishedAt ?? c.startedAt,
      containerID: c.containerID,
    };
    return { ...base, ready: false, started: false, state: { terminated }, ...last };
  }
  if (record.mode === 'crash-loop') {
    const message = `back-off restarting failed container ${c.name} in pod (simulated crash loop)`;
    return { ...base, ready: false, started: false, state: { waiting: { reason: 'CrashLoopBackOff', message } }, ...last };
  }
  return { ...base, ready, started: true, state: { running: { startedAt: c.startedAt } }, ...last };
}

function qosClass(pod: Pod): string {
  const containers = pod.spec?.containers ?? [];
  const any = containers.some((c) => Object.keys(c.resources?.requests ?? {}).length > 0 || Object.keys(c.resources?.limits ?? {}).length > 0);
  if (!any) return 'BestEffort';
  const guaranteed = containers.every((c) =>
    ['cpu', 'memory'].every(
      (r) => c.resources?.limits?.[r] !== undefined && (c.resources?.requests?.[r] ?? c.resources?.limits?.[r]) === c.resources?.limits?.[r],
    ),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** The pod's status as this kubelet reports it; `ready` must already account for the node's health. */
export function podStatus(pod: Pod, record: PodRecord, ready: boolean): Status {
  const since = record.ready?.since ?? record.observedAt;
  const started = record.mode !== 'starting';
  const finished = record.mode === 'failed' || record.mode === 'succeeded';
  const phase = record.mode === 'starting' ? 'Pending' : record.mode === 'failed' ? 'Failed' : record.mode === 'succeeded' ? 'Succeeded' : 'Running';
  const notReadyReason = finished ? (record.mode === 'failed' ? 'PodFailed' : 'PodCompleted') : 'ContainersNotReady';
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'True')?.lastTransitionTime ?? record.observedAt;
  const status: Status = {
    phase,
    conditions: [
      cond('PodReadyToStartContainers', started && !finished, record.startedAt ?? record.observedAt),
      cond('Initialized', true, record.observedAt),
      cond('Ready', ready, since, notReadyReason),
      cond('ContainersReady', ready, since, notReadyReason),
      cond('PodScheduled', true, scheduled as string),
    ],
    hostIP: record.hostIP,
    hostIPs: [{ ip: record.hostIP }],
    startTime: record.observedAt,
    qosClass: qosClass(pod),
    containerStatuses: [...record.containers.values()].map((c) => containerStatus(c, record, ready)),
  };
  if (record.podIP !== undefined && started) Object.assign(status, { podIP: record.podIP, podIPs: [{ ip: record.podIP }] });
  const inits = pod.spec?.initContainers ?? [];
  if (inits.length > 0) {
    status.initContainerStatuses = inits.map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: `sim.kubeception.io/${c.image ?? ''}`,
      ready: true,
      restartCount: 0,
      started: false,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: record.observedAt, finishedAt: record.observedAt } },
    }));
  }
  return status;
}

/** Deterministic JSON (sorted keys), to compare statuses. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Deployment status and rollout arithmetic (internal, pure). */
import type { Deployment, ReplicaSet } from '@kubeception/sdk/kube';
import type { Persisted } from '@kubeception/sdk';

type StoredRs = Persisted<ReplicaSet>;
type Condition = { type: string; status: string; reason: string; message: string; lastUpdateTime: string; lastTransitionTime: string };

/** An int-or-percent of `total`, rounded up (surge) or down (unavailable), as the deployment controller does. */
export function resolveIntOrPercent(value: number | string | undefined, total: number, fallback: string, roundUp: boolean): number {
  const v = value ?? fallback;
  if (typeof v === 'number') return v;
  const pct = Number(v.replace('%', ''));
  const exact = (pct * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** maxSurge and maxUnavailable, never both 0 (then maxUnavailable is 1). */
export function rollingLimits(d: Deployment): { surge: number; unavailable: number } {
  const replicas = d.spec?.replicas ?? 1;
  const ru = d.spec?.strategy?.rollingUpdate;
  const surge = resolveIntOrPercent(ru?.maxSurge, replicas, '25%', true);
  let unavailable = resolveIntOrPercent(ru?.maxUnavailable, replicas, '25%', false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

const condition = (type: string, status: boolean, reason: string, message: string, at: string, previous: readonly Condition[] | undefined): Condition => {
  const old = previous?.find((c) => c.type === type);
  const s = status ? 'True' : 'False';
  const same = old?.status === s;
  const unchanged = same && old?.reason === reason && old.message === message;
  return { type, status: s, reason, message, lastUpdateTime: unchanged ? old.lastUpdateTime : at, lastTransitionTime: same ? old.lastTransitionTime : at };
};

/** The status of a Deployment from its ReplicaSets' statuses. */
export function deploymentStatus(
  d: Persisted<Deployment>,
  newRs: StoredRs | undefined,
  all: readonly StoredRs[],
  at: string,
): NonNullable<Deployment['status']> {
  const sum = (f: (rs: StoredRs) => number | undefined) => all.reduce((n, rs) => n + (f(rs) ?? 0), 0);
  const replicas = d.spec?.replicas ?? 1;
  const available = sum((rs) => rs.status?.availableReplicas);
  const updated = newRs?.status?.replicas ?? 0;
  const total = sum((rs) => rs.status?.replicas);
  const { unavailable: maxUnavailable } = d.spec?.strategy?.type === 'Recreate' ? { unavailable: replicas } : rollingLimits(d);
  const previous = d.status?.conditions as Condition[] | undefined;
  const minimum = available >= replicas - maxUnavailable;
  const complete = newRs !== undefined && updated === replicas && total === replicas && available >= replicas;
  const rsName = newRs?.metadata.name ?? '';
  const progressing = complete
    ? condition('Progressing', true, 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`, at, previous)
    : condition('Progressing', true, 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`, at, previous);
  const availableCondition = minimum
    ? condition('Available', true, 'MinimumReplicasAvailable', 'Deployment has minimum availability.', at, previous)
    : condition('Available', false, 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', at, previous);
  return {
    observedGeneration: d.metadata.generation,
    replicas: total,
    updatedReplicas: updated,
    readyReplicas: sum((rs) => rs.status?.readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, replicas - available),
    conditions: [availableCondition, progressing],
  };
}

/**
 * The Deployment controller's rollout decisions (internal, pure): from the Deployment, its
 * ReplicaSets and their pods, the next step — create the new ReplicaSet, scale some, or wait.
 * Recreate scales every old ReplicaSet to zero and waits for their pods to be gone before the new
 * one starts; RollingUpdate counts maxSurge / maxUnavailable on the pods the cache shows, so the
 * limits hold at every moment.
 */
import type { Persisted } from '@kubeception/sdk';
import type { Deployment, ReplicaSet } from '@kubeception/sdk/kube';
import { rollingLimits } from './deployment-status.js';
import { isAvailable, isFinished, type StoredPod } from './objects.js';
import { ownerRef } from './pod-template.js';

/** A Deployment as the cache holds it. */
export type StoredDeployment = Persisted<Deployment>;
/** A ReplicaSet as the cache holds it. */
export type StoredRs = Persisted<ReplicaSet>;

/** The label (and selector term) with a ReplicaSet's template hash. */
export const HASH = 'pod-template-hash';
/** The annotation with a Deployment's revision, on it and on its ReplicaSets. */
export const REVISION = 'deployment.kubernetes.io/revision';

/** The revision of a ReplicaSet (0 when it has none). */
export const revisionOf = (rs: StoredRs): number => Number(rs.metadata.annotations?.[REVISION] ?? 0);
/** The highest revision of these ReplicaSets (0 for none). */
export const latestRevision = (old: readonly StoredRs[]): number => Math.max(0, ...old.map(revisionOf));

/** What a rollout decision reads of the ReplicaSets. */
export interface RolloutView {
  /** Replicas the ReplicaSet is set to (including a write the cache may not show yet). */
  replicasOf(rs: StoredRs): number;
  /** The ReplicaSet's active pods, or all of them (finished ones too). */
  podsOf(rs: StoredRs, all?: boolean): StoredPod[];
}

/** The next step of a rollout. */
export type RolloutStep =
  | { readonly kind: 'create'; readonly replicas: number }
  | { readonly kind: 'scale'; readonly changes: readonly { readonly rs: StoredRs; readonly replicas: number }[] }
  | { readonly kind: 'wait' };

/** The next step of a rollout; `undefined` when the ReplicaSets are where they should be. */
export function planRollout(d: StoredDeployment, newRs: StoredRs | undefined, old: readonly StoredRs[], view: RolloutView): RolloutStep | undefined {
  return d.spec?.strategy?.type === 'Recreate' ? planRecreate(d, newRs, old, view) : planRollingUpdate(d, newRs, old, view);
}

const scaleOne = (rs: StoredRs, replicas: number): RolloutStep => ({ kind: 'scale', changes: [{ rs, replicas }] });
const resize = (view: RolloutView, rs: StoredRs, replicas: number): RolloutStep | undefined =>
  view.replicasOf(rs) !== replicas ? scaleOne(rs, replicas) : undefined;

function planRecreate(d: StoredDeployment, newRs: StoredRs | undefined, old: readonly StoredRs[], view: RolloutView): RolloutStep | undefined {
  const replicas = d.spec?.replicas ?? 1;
  const running = old.filter((rs) => view.replicasOf(rs) > 0);
  if (running.length > 0) return { kind: 'scale', changes: running.map((rs) => ({ rs, replicas: 0 })) };
  if (old.some((rs) => view.podsOf(rs, true).some((p) => !isFinished(p)))) return { kind: 'wait' };
  if (!newRs) return { kind: 'create', replicas };
  return resize(view, newRs, replicas);
}

function planRollingUpdate(d: StoredDeployment, newRs: StoredRs | undefined, old: readonly StoredRs[], view: RolloutView): RolloutStep | undefined {
  const replicas = d.spec?.replicas ?? 1;
  const { surge, unavailable } = rollingLimits(d);
  const all = [...(newRs ? [newRs] : []), ...old];
  // Pods still running count until the cache shows them gone, so the limits hold for every observer.
  const occupied = all.reduce((n, rs) => n + Math.max(view.replicasOf(rs), view.podsOf(rs).length), 0);
  const room = Math.max(0, replicas + surge - occupied);
  if (!newRs) return { kind: 'create', replicas: old.length === 0 ? replicas : Math.min(replicas, room) };
  if (old.length === 0 || old.every((rs) => view.replicasOf(rs) === 0)) return resize(view, newRs, replicas);
  const current = view.replicasOf(newRs);
  if (current > replicas) return scaleOne(newRs, replicas);
  if (current < replicas && room > 0) return scaleOne(newRs, Math.min(replicas, current + room));
  return scaleDownOld(view, all, old, replicas - unavailable);
}

/** Scales old ReplicaSets down, oldest first, as far as keeping `minAvailable` pods available allows. */
function scaleDownOld(view: RolloutView, all: readonly StoredRs[], old: readonly StoredRs[], minAvailable: number): RolloutStep | undefined {
  const availableOf = (rs: StoredRs) => view.podsOf(rs).filter(isAvailable).length;
  // A ReplicaSet above its spec is about to lose pods: count at most `spec` of its available ones.
  const available = all.reduce((n, rs) => n + Math.min(view.replicasOf(rs), availableOf(rs)), 0);
  const unhealthyOld = old.reduce((n, rs) => n + Math.max(0, view.replicasOf(rs) - availableOf(rs)), 0);
  let budget = unhealthyOld + Math.max(0, available - minAvailable);
  const changes: { rs: StoredRs; replicas: number }[] = [];
  for (const rs of [...old].sort((a, b) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp))) {
    if (budget <= 0) break;
    const down = Math.min(budget, view.replicasOf(rs));
    if (down === 0) continue;
    budget -= down;
    changes.push({ rs, replicas: view.replicasOf(rs) - down });
  }
  return changes.length === 0 ? undefined : { kind: 'scale', changes };
}

/** The ReplicaSet of a Deployment's template with this hash. */
export function newReplicaSet(d: StoredDeployment, hash: string, replicas: number, revision: number): ReplicaSet {
  const template = d.spec?.template ?? {};
  const labels = { ...template.metadata?.labels, [HASH]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels,
      annotations: { [REVISION]: String(revision), 'deployment.kubernetes.io/desired-replicas': String(d.spec?.replicas ?? 1) },
      ownerReferences: [ownerRef(d, 'Deployment', 'apps/v1')],
    },
    spec: {
      replicas,
      minReadySeconds: d.spec?.minReadySeconds ?? 0,
      selector: { ...d.spec?.selector, matchLabels: { ...d.spec?.selector?.matchLabels, [HASH]: hash } },
      template: { ...template, metadata: { ...template.metadata, labels } },
    },
  };
}

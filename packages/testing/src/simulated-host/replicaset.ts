/** The ReplicaSet controller (internal): keeps `spec.replicas` active pods and reports status. */
import type { Persisted } from '@kubeception/sdk';
import { ReplicaSetResource, type ReplicaSet } from '@kubeception/sdk/kube';
import type { SimContext } from './context.js';
import type { Expectations } from './expectations.js';
import { worstOf, type Outcome } from './loop.js';
import { isAvailable, isReady, type StoredPod } from './objects.js';
import { createPods, deletePods, deletionOrder, ownedPods, ownerRef, podFor } from './pod-template.js';
import { startPodController, writeStatus, type WorkloadController } from './workload-controller.js';

type StoredRs = Persisted<ReplicaSet>;
const NAME = 'replicaset';
/** Pods created by one reconcile at most. */
const BURST = 500;

/** Starts the ReplicaSet controller. */
export function startReplicaSets(ctx: SimContext): WorkloadController {
  return startPodController(ctx, {
    name: NAME,
    informer: ctx.informers.replicasets,
    concurrency: 4,
    // a ReplicaSet being deleted (foreground) scales to zero
    whileDeleting: true,
    reconcile: (key, rs, expectations) => reconcileReplicaSet(ctx, expectations, key, rs),
  });
}

async function reconcileReplicaSet(ctx: SimContext, expectations: Expectations, key: string, rs: StoredRs): Promise<Outcome> {
  const active = ownedPods(ctx, rs.metadata.uid);
  const want = rs.metadata.deletionTimestamp === undefined ? (rs.spec?.replicas ?? 1) : 0;
  const scaled = await scalePods(ctx, expectations, key, rs, active, want);
  const write = await writeStatus(ctx, ctx.kube.resource(ReplicaSetResource), NAME, key, rs, replicaSetStatus(rs, active));
  return worstOf([scaled, write]);
}

/** Creates pods up to `want` (at most {@link BURST} at once) or deletes the surplus, in the real controller's order. */
async function scalePods(ctx: SimContext, expectations: Expectations, key: string, rs: StoredRs, active: readonly StoredPod[], want: number): Promise<Outcome> {
  if (active.length < want) {
    const owner = ownerRef(rs, 'ReplicaSet', 'apps/v1');
    const bodies = Array.from({ length: Math.min(want - active.length, BURST) }, () =>
      podFor(rs.spec?.template, rs.metadata.namespace, `${rs.metadata.name}-`, {}, owner),
    );
    const done = await createPods(ctx, NAME, key, bodies);
    expectations.created(key, done.created);
    return done.outcome;
  }
  if (active.length === want) return 'done';
  const victims = [...active].sort(deletionOrder).slice(0, active.length - want);
  expectations.deleted(key, victims);
  return deletePods(ctx, NAME, key, victims);
}

function replicaSetStatus(rs: StoredRs, active: readonly StoredPod[]) {
  return {
    replicas: active.length,
    fullyLabeledReplicas: active.length,
    readyReplicas: active.filter(isReady).length,
    availableReplicas: active.filter(isAvailable).length,
    observedGeneration: rs.metadata.generation,
  };
}

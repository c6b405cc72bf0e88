/** The ReplicaSet controller (internal): keeps `spec.replicas` active pods and reports status. */
import { ReplicaSetResource, type ReplicaSet } from '@kubeception/sdk/kube';
import type { Persisted } from '@kubeception/sdk';
import { jsonEqual, type Store } from '@kubeception/sdk/runtime';
import { outcomeOf, type SimContext } from './context.js';
import { Expectations } from './expectations.js';
import { Loop, type Outcome } from './loop.js';
import { controllerUid, isAvailable, isReady, type StoredPod } from './objects.js';
import { createPods, deletePods, deletionOrder, ownedPods, ownerRef, podFor } from './pod-template.js';

type StoredRs = Persisted<ReplicaSet>;
const BURST = 500;

/** Starts the ReplicaSet controller. */
export function startReplicaSets(ctx: SimContext): { loop: Loop; idle: () => boolean } {
  const { replicasets, pods } = ctx.informers;
  const client = ctx.kube.resource(ReplicaSetResource);
  const expectations = new Expectations();
  const podStore = pods.store as unknown as Store<StoredPod>;
  const byUid = new Map<string, string>();

  replicasets.subscribe((e) => {
    if (e.type === 'Synced') return;
    const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
    if (e.type === 'Deleted') {
      byUid.delete(e.object.metadata.uid);
      expectations.clear(key);
    } else {
      byUid.set(e.object.metadata.uid, key);
      loop.add(key);
    }
  });
  pods.subscribe((e) => {
    if (e.type === 'Synced') return;
    const owner = controllerUid(e.object);
    const key = owner === undefined ? undefined : byUid.get(owner);
    if (key !== undefined) loop.add(key);
  });

  const status = (rs: StoredRs, active: readonly StoredPod[]) => ({
    replicas: active.length,
    fullyLabeledReplicas: active.length,
    readyReplicas: active.filter(isReady).length,
    availableReplicas: active.filter(isAvailable).length,
    observedGeneration: rs.metadata.generation,
  });

  const reconcile = async (key: string): Promise<Outcome> => {
    const rs = replicasets.store.get(key) as StoredRs | undefined;
    if (!rs) return 'done';
    if (!expectations.satisfied(key, podStore)) {
      setTimeout(() => loop.add(key), 3_100).unref();
      return 'done';
    }
    const active = ownedPods(ctx, rs.metadata.uid);
    const want = rs.metadata.deletionTimestamp === undefined ? (rs.spec?.replicas ?? 1) : 0;
    let outcome: Outcome = 'done';
    if (active.length < want) {
      const owner = ownerRef(rs, 'ReplicaSet', 'apps/v1');
      const bodies = Array.from({ length: Math.min(want - active.length, BURST) }, () =>
        podFor(rs.spec?.template, rs.metadata.namespace, `${rs.metadata.name}-`, {}, owner),
      );
      const done = await createPods(ctx, 'replicaset', key, bodies);
      expectations.created(key, done.created);
      outcome = done.outcome;
    } else if (active.length > want) {
      const victims = [...active].sort(deletionOrder).slice(0, active.length - want);
      expectations.deleted(key, victims);
      outcome = await deletePods(ctx, 'replicaset', key, victims);
    }
    const next = status(rs, active);
    if (jsonEqual({ ...rs.status, ...next }, rs.status ?? {})) return outcome;
    const write = await client
      .patchStatus(rs.metadata.name, { type: 'merge', body: { status: next } }, { namespace: rs.metadata.namespace })
      .match(...outcomeOf(ctx, 'replicaset', key));
    return outcome === 'retry' ? 'retry' : write;
  };

  const loop = new Loop({ name: 'replicaset', clock: ctx.clock, reconcile, concurrency: 4, onError: ctx.onError });
  return { loop, idle: () => loop.idle() && expectations.size() === 0 };
}

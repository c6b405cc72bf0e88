/**
 * The Deployment controller (internal): one ReplicaSet per pod template (named after its
 * `pod-template-hash`), Recreate (old pods all gone before new ones start) and RollingUpdate
 * (maxSurge / maxUnavailable counted on the pods the cache shows, so the limits hold at every
 * moment), revision annotations, history limit, status and conditions.
 */
import type { Persisted } from '@kubeception/sdk';
import { DeploymentResource, ReplicaSetResource, type Deployment, type ReplicaSet } from '@kubeception/sdk/kube';
import { timestamp } from './clock.js';
import { outcomeOf, rv, type SimContext } from './context.js';
import { deploymentStatus, rollingLimits } from './deployment-status.js';
import { Loop, type Outcome } from './loop.js';
import { controllerUid, isAvailable } from './objects.js';
import { jsonEqual } from '@kubeception/sdk/runtime';
import { ownedPods, ownerRef, templateHash } from './pod-template.js';

type StoredDeployment = Persisted<Deployment>;
type StoredRs = Persisted<ReplicaSet>;
const HASH = 'pod-template-hash';
const REVISION = 'deployment.kubernetes.io/revision';

const revisionOf = (rs: StoredRs) => Number(rs.metadata.annotations?.[REVISION] ?? 0);

/** Starts the Deployment controller. */
export function startDeployments(ctx: SimContext): { loop: Loop } {
  const { deployments, replicasets, pods } = ctx.informers;
  const dClient = ctx.kube.resource(DeploymentResource);
  const rsClient = ctx.kube.resource(ReplicaSetResource);
  const byUid = new Map<string, string>();
  const rsOwner = new Map<string, string>();

  deployments.subscribe((e) => {
    if (e.type === 'Synced') return;
    const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
    if (e.type === 'Deleted') byUid.delete(e.object.metadata.uid);
    else {
      byUid.set(e.object.metadata.uid, key);
      loop.add(key);
    }
  });
  const toOwner = (uid: string | undefined) => (uid === undefined ? undefined : byUid.get(uid));
  replicasets.subscribe((e) => {
    if (e.type === 'Synced') return;
    const owner = controllerUid(e.object);
    if (owner !== undefined) rsOwner.set(e.object.metadata.uid, owner);
    const key = toOwner(owner);
    if (key) loop.add(key);
  });
  pods.subscribe((e) => {
    if (e.type === 'Synced') return;
    const key = toOwner(rsOwner.get(controllerUid(e.object) ?? ''));
    if (key) loop.add(key);
  });

  /** Replicas written to a ReplicaSet that the cache may not show yet. */
  const scaled = new Map<string, { replicas: number; rv: number }>();
  const specReplicas = (rs: StoredRs) => {
    const pending = scaled.get(rs.metadata.uid);
    return pending !== undefined && rv(rs) < pending.rv ? pending.replicas : (rs.spec?.replicas ?? 0);
  };
  const scale = async (key: string, rs: StoredRs, replicas: number): Promise<Outcome> => {
    const body = { metadata: { resourceVersion: rs.metadata.resourceVersion }, spec: { replicas } };
    const [, onError] = outcomeOf(ctx, 'deployment', key);
    return rsClient.patch(rs.metadata.name, { type: 'merge', body }, { namespace: rs.metadata.namespace }).match((stored): Outcome => {
      scaled.set(rs.metadata.uid, { replicas, rv: rv(stored) });
      return 'done';
    }, onError);
  };

  const createRs = (key: string, d: StoredDeployment, hash: string, replicas: number, revision: number) => {
    const template = d.spec?.template ?? {};
    const labels = { ...template.metadata?.labels, [HASH]: hash };
    const body: ReplicaSet = {
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
    return rsClient.create(body).match(...outcomeOf(ctx, 'deployment', key));
  };

  /** One step of a rollout; `undefined` when the ReplicaSets are where they should be. */
  const rollout = async (key: string, d: StoredDeployment, newRs: StoredRs | undefined, old: StoredRs[], hash: string): Promise<Outcome | undefined> => {
    const replicas = d.spec?.replicas ?? 1;
    const revision = Math.max(0, ...old.map(revisionOf)) + 1;
    if (d.spec?.strategy?.type === 'Recreate') {
      const running = old.filter((rs) => specReplicas(rs) > 0);
      if (running.length > 0) return (await Promise.all(running.map((rs) => scale(key, rs, 0)))).includes('retry') ? 'retry' : 'done';
      if (old.some((rs) => ownedPods(ctx, rs.metadata.uid, true).some((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed'))) return 'done';
      if (!newRs) return createRs(key, d, hash, replicas, revision);
      return specReplicas(newRs) !== replicas ? scale(key, newRs, replicas) : undefined;
    }
    const { surge, unavailable } = rollingLimits(d);
    const all = [...(newRs ? [newRs] : []), ...old];
    // Pods still running count until the cache shows them gone, so the limits hold for every observer.
    const occupied = all.reduce((n, rs) => n + Math.max(specReplicas(rs), ownedPods(ctx, rs.metadata.uid).length), 0);
    const room = Math.max(0, replicas + surge - occupied);
    if (!newRs) return createRs(key, d, hash, old.length === 0 ? replicas : Math.min(replicas, room), revision);
    if (old.length === 0 || old.every((rs) => specReplicas(rs) === 0)) {
      return specReplicas(newRs) !== replicas ? scale(key, newRs, replicas) : undefined;
    }
    if (specReplicas(newRs) > replicas) return scale(key, newRs, replicas);
    if (specReplicas(newRs) < replicas && room > 0) return scale(key, newRs, Math.min(replicas, specReplicas(newRs) + room));
    // A ReplicaSet above its spec is about to lose pods: count at most `spec` of its available ones.
    const available = all.reduce((n, rs) => n + Math.min(specReplicas(rs), ownedPods(ctx, rs.metadata.uid).filter(isAvailable).length), 0);
    const unhealthyOld = old.reduce((n, rs) => n + Math.max(0, specReplicas(rs) - ownedPods(ctx, rs.metadata.uid).filter(isAvailable).length), 0);
    let budget = unhealthyOld + Math.max(0, available - (replicas - unavailable));
    const writes: Promise<Outcome>[] = [];
    for (const rs of [...old].sort((a, b) => a.metadata.creationTimestamp.localeCompare(b.metadata.creationTimestamp))) {
      if (budget <= 0) break;
      const down = Math.min(budget, specReplicas(rs));
      if (down === 0) continue;
      budget -= down;
      writes.push(scale(key, rs, specReplicas(rs) - down));
    }
    if (writes.length === 0) return undefined;
    return (await Promise.all(writes)).includes('retry') ? 'retry' : 'done';
  };

  const reconcile = async (key: string): Promise<Outcome> => {
    const d = deployments.store.get(key) as StoredDeployment | undefined;
    if (!d || d.metadata.deletionTimestamp !== undefined) return 'done';
    const owned = (replicasets.store.byOwner(d.metadata.uid) as StoredRs[]).filter((rs) => controllerUid(rs) === d.metadata.uid);
    const hash = templateHash(d.spec?.template);
    const newRs = owned.find((rs) => rs.metadata.labels?.[HASH] === hash);
    const old = owned.filter((rs) => rs !== newRs);
    if (!d.spec?.paused) {
      const step = await rollout(key, d, newRs, old, hash);
      if (step !== undefined) return step;
      if (newRs && revisionOf(newRs) <= Math.max(0, ...old.map(revisionOf))) {
        const revision = String(Math.max(0, ...old.map(revisionOf)) + 1);
        return rsClient
          .patch(newRs.metadata.name, { type: 'merge', body: { metadata: { annotations: { [REVISION]: revision } } } }, { namespace: d.metadata.namespace })
          .match(...outcomeOf(ctx, 'deployment', key));
      }
      const history = d.spec?.revisionHistoryLimit ?? 10;
      const idle = old.filter((rs) => specReplicas(rs) === 0 && (rs.status?.replicas ?? 0) === 0).sort((a, b) => revisionOf(a) - revisionOf(b));
      for (const rs of idle.slice(0, Math.max(0, idle.length - history)))
        await rsClient.delete(rs.metadata.name, { namespace: rs.metadata.namespace }).match(...outcomeOf(ctx, 'deployment', key));
    }
    const status = deploymentStatus(d, newRs, owned, timestamp(ctx.clock));
    if (jsonEqual(status, d.status ?? {})) return 'done';
    const revision = newRs?.metadata.annotations?.[REVISION];
    if (revision !== undefined && d.metadata.annotations?.[REVISION] !== revision) {
      const annotated = await dClient
        .patch(d.metadata.name, { type: 'merge', body: { metadata: { annotations: { [REVISION]: revision } } } }, { namespace: d.metadata.namespace })
        .match(...outcomeOf(ctx, 'deployment', key));
      if (annotated === 'retry') return 'retry';
    }
    return dClient
      .patchStatus(d.metadata.name, { type: 'merge', body: { status } }, { namespace: d.metadata.namespace })
      .match(...outcomeOf(ctx, 'deployment', key));
  };

  const loop = new Loop({ name: 'deployment', clock: ctx.clock, reconcile, concurrency: 2, onError: ctx.onError });
  return { loop };
}

/**
 * The Deployment controller (internal): one ReplicaSet per pod template (named after its
 * `pod-template-hash`), Recreate and RollingUpdate (decided in `deployment-rollout.ts`), revision
 * annotations, history limit, status and conditions.
 */
import type { KubeObject, Persisted } from '@kubeception/sdk';
import { DeploymentResource, ReplicaSetResource, type ReplicaSet, type ResourceClient } from '@kubeception/sdk/kube';
import { jsonEqual } from '@kubeception/sdk/runtime';
import { timestamp } from './clock.js';
import { outcomeOf, rv, type SimContext } from './context.js';
import {
  HASH,
  newReplicaSet,
  latestRevision,
  planRollout,
  REVISION,
  revisionOf,
  type RolloutStep,
  type RolloutView,
  type StoredDeployment,
  type StoredRs,
} from './deployment-rollout.js';
import { deploymentStatus } from './deployment-status.js';
import { worstOf, type Outcome } from './loop.js';
import { controllerUid, type StoredPod } from './objects.js';
import { ownedPods, templateHash } from './pod-template.js';
import { ownedBy, startWorkloadController, type WorkloadController } from './workload-controller.js';

const NAME = 'deployment';

/** Starts the Deployment controller. */
export function startDeployments(ctx: SimContext): WorkloadController {
  const { deployments, replicasets, pods } = ctx.informers;
  const writer = new ReplicaSetWriter(ctx);
  /** The Deployment (uid) of each ReplicaSet (uid) seen, so a pod event finds its Deployment. */
  const rsOwner = new Map<string, string>();
  const ownerOfRs = (rs: StoredRs) => {
    const owner = controllerUid(rs);
    if (owner !== undefined) rsOwner.set(rs.metadata.uid, owner);
    return owner;
  };
  return startWorkloadController(ctx, {
    name: NAME,
    informer: deployments,
    concurrency: 2,
    triggers: [ownedBy(replicasets, ownerOfRs), ownedBy(pods, (pod) => rsOwner.get(controllerUid(pod) ?? ''))],
    reconcile: (key, d) => reconcileDeployment(ctx, writer, key, d),
  });
}

async function reconcileDeployment(ctx: SimContext, writer: ReplicaSetWriter, key: string, d: StoredDeployment): Promise<Outcome> {
  const owned = ctx.informers.replicasets.store.byOwner(d.metadata.uid).filter((rs) => controllerUid(rs) === d.metadata.uid);
  const hash = templateHash(d.spec?.template);
  const newRs = owned.find((rs) => rs.metadata.labels?.[HASH] === hash);
  const old = owned.filter((rs) => rs !== newRs);
  if (!d.spec?.paused) {
    const step = planRollout(d, newRs, old, writer);
    if (step !== undefined) return runStep(writer, key, d, hash, old, step);
    const revised = await reviseAndPrune(ctx, writer, key, d, newRs, old);
    if (revised !== undefined) return revised;
  }
  return writeDeploymentStatus(ctx, key, d, newRs, owned);
}

function runStep(writer: ReplicaSetWriter, key: string, d: StoredDeployment, hash: string, old: readonly StoredRs[], step: RolloutStep): Promise<Outcome> {
  if (step.kind === 'wait') return Promise.resolve('done');
  if (step.kind === 'create') return writer.create(key, newReplicaSet(d, hash, step.replicas, latestRevision(old) + 1));
  return Promise.all(step.changes.map(({ rs, replicas }) => writer.scale(key, rs, replicas))).then(worstOf);
}

/**
 * Once the rollout is through: gives the new ReplicaSet a revision above the old ones' (the
 * outcome of that write), else deletes idle old ReplicaSets beyond `revisionHistoryLimit` and
 * returns `undefined`.
 */
async function reviseAndPrune(
  ctx: SimContext,
  writer: ReplicaSetWriter,
  key: string,
  d: StoredDeployment,
  newRs: StoredRs | undefined,
  old: readonly StoredRs[],
): Promise<Outcome | undefined> {
  if (newRs && revisionOf(newRs) <= latestRevision(old)) return annotateRevision(ctx, writer.client, key, newRs, String(latestRevision(old) + 1));
  const history = d.spec?.revisionHistoryLimit ?? 10;
  const idle = old.filter((rs) => writer.replicasOf(rs) === 0 && (rs.status?.replicas ?? 0) === 0).sort((a, b) => revisionOf(a) - revisionOf(b));
  for (const rs of idle.slice(0, Math.max(0, idle.length - history)))
    await writer.client.delete(rs.metadata.name, { namespace: rs.metadata.namespace }).match(...outcomeOf(ctx, NAME, key));
  return undefined;
}

/** Writes the status (first the Deployment's revision annotation, when the new ReplicaSet's differs). */
async function writeDeploymentStatus(
  ctx: SimContext,
  key: string,
  d: StoredDeployment,
  newRs: StoredRs | undefined,
  owned: readonly StoredRs[],
): Promise<Outcome> {
  const client = ctx.kube.resource(DeploymentResource);
  const status = deploymentStatus(d, newRs, owned, timestamp(ctx.clock));
  if (jsonEqual(status, d.status ?? {})) return 'done';
  const revision = newRs?.metadata.annotations?.[REVISION];
  if (revision !== undefined && d.metadata.annotations?.[REVISION] !== revision) {
    if ((await annotateRevision(ctx, client, key, d, revision)) === 'retry') return 'retry';
  }
  return client.patchStatus(d.metadata.name, { type: 'merge', body: { status } }, { namespace: d.metadata.namespace }).match(...outcomeOf(ctx, NAME, key));
}

/**
 * Sets the revision annotation of a Deployment or ReplicaSet, through `/status` as the deployment
 * controller does (annotations written to a Deployment's main endpoint bump its generation).
 */
function annotateRevision<T extends KubeObject>(
  ctx: SimContext,
  client: Pick<ResourceClient<T, never>, 'patchStatus'>,
  key: string,
  object: Persisted<KubeObject>,
  revision: string,
): Promise<Outcome> {
  const body = { metadata: { annotations: { [REVISION]: revision } } };
  return client.patchStatus(object.metadata.name, { type: 'merge', body }, { namespace: object.metadata.namespace }).match(...outcomeOf(ctx, NAME, key));
}

/** The controller's writes to ReplicaSets; it remembers replicas written that the cache may not show yet. */
class ReplicaSetWriter implements RolloutView {
  readonly client: ResourceClient<ReplicaSet>;
  private readonly scaled = new Map<string, { replicas: number; rv: number }>();

  constructor(private readonly ctx: SimContext) {
    this.client = ctx.kube.resource(ReplicaSetResource);
  }

  replicasOf(rs: StoredRs): number {
    const pending = this.scaled.get(rs.metadata.uid);
    return pending !== undefined && rv(rs) < pending.rv ? pending.replicas : (rs.spec?.replicas ?? 0);
  }

  podsOf(rs: StoredRs, all = false): StoredPod[] {
    return ownedPods(this.ctx, rs.metadata.uid, all);
  }

  scale(key: string, rs: StoredRs, replicas: number): Promise<Outcome> {
    const body = { metadata: { resourceVersion: rs.metadata.resourceVersion }, spec: { replicas } };
    const [, onError] = outcomeOf(this.ctx, NAME, key);
    return this.client.patch(rs.metadata.name, { type: 'merge', body }, { namespace: rs.metadata.namespace }).match((stored): Outcome => {
      this.scaled.set(rs.metadata.uid, { replicas, rv: rv(stored) });
      return 'done';
    }, onError);
  }

  create(key: string, body: ReplicaSet): Promise<Outcome> {
    return this.client.create(body).match(...outcomeOf(this.ctx, NAME, key));
  }
}

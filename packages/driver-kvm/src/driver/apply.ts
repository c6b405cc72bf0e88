/** Executing a {@link Plan}: the writes of one apply pass (internal). */
import type { KubeObject } from '@kubeception/sdk';
import type { DriverContext, DriverError, DriverProgress } from '@kubeception/sdk/cluster';
import { NamespaceResource, type KubeClient, type KubeError, type Namespace } from '@kubeception/sdk/kube';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type { NetworkStore } from '../network/store.js';
import { clusterOwner, type KvmCluster } from '../render/cluster.js';
import type { RenderedCluster } from '../render/render-cluster.js';
import { deleteGuestNode, drainNode, type GuestConnector } from './guest.js';
import { SPEC_ELIDED_KINDS, type SpecMemo } from './elided-specs.js';
import { descriptorOf } from './host.js';
import { materialise } from './source-secrets.js';
import type { Plan } from './plan.js';
import { namespaceClaim, namespaceRefusal, type KvmWorld } from './world.js';

/** Annotation on a VM Deployment being removed: when its node's drain began (ISO time). */
export const DRAIN_STARTED_ANNOTATION = 'kvm.kubeception.io/drain-started';

/** What executing a plan needs. */
export interface ApplyDeps {
  readonly kube: KubeClient;
  readonly fieldManager: string;
  readonly store: NetworkStore;
  readonly drainTimeoutMs: number;
  readonly recheckMs: number;
  readonly now: () => Date;
  readonly guest: ReturnType<GuestConnector>;
  /** The VM Deployments checked: one applied is remembered from the server's answer. */
  readonly specs?: Pick<SpecMemo, 'remember'>;
}

export const kubeFailure =
  (what: string) =>
  (error: KubeError): DriverError => ({
    kind: error.kind === 'Forbidden' || error.kind === 'Invalid' ? 'Failed' : 'Transient',
    message: `${what}: ${error.message}`,
    cause: error,
  });
const ignoreMissing = (error: KubeError) => (error.kind === 'NotFound' ? okAsync(undefined) : errAsync(error));

/** Bindings, and what they bind: a role (and the ServiceAccount it is bound to) must exist before its binding. */
const BINDINGS = new Set(['RoleBinding', 'ClusterRoleBinding']);
const BOUND = new Set(['Role', 'ClusterRole', 'ServiceAccount']);

/**
 * Server-side applies objects: the Namespace first, then the rest at once, but the RoleBindings
 * only once the Roles and ServiceAccounts are written. RBAC's escalation check refuses (404) a
 * binding to a Role that does not exist yet from anyone who may not `bind` it, as the operator's
 * least-privilege ClusterRole may not: it must hold every permission of the Role, which the server
 * reads at once. A pass with bindings takes one round trip more; the rest does not wait for them.
 */
export function applyObjects(deps: Pick<ApplyDeps, 'kube' | 'fieldManager' | 'specs'>, objects: readonly KubeObject[]): ResultAsync<number, DriverError> {
  const one = (o: KubeObject) =>
    deps.kube
      .resource(descriptorOf(o))
      .apply(o, { fieldManager: deps.fieldManager, force: true })
      .map((applied) => {
        if (SPEC_ELIDED_KINDS.has(o.kind ?? '')) deps.specs?.remember(applied, o);
        return applied;
      })
      .mapErr(kubeFailure(`apply ${o.kind} ${o.metadata?.name}`));
  const all = (some: readonly KubeObject[]) => ResultAsync.combine(some.map(one));
  const [first, rest] = objects[0]?.kind === 'Namespace' ? [objects.slice(0, 1), objects.slice(1)] : [[], objects];
  const bindings = rest.filter((o) => BINDINGS.has(o.kind ?? ''));
  const bound = rest.filter((o) => BOUND.has(o.kind ?? ''));
  const others = rest.filter((o) => !BINDINGS.has(o.kind ?? '') && !BOUND.has(o.kind ?? ''));
  return all(first)
    .andThen(() => ResultAsync.combine([all(others), all(bound).andThen(() => all(bindings))]))
    .map(() => objects.length);
}

/** Deletes objects (already gone is fine). */
export function deleteObjects(kube: KubeClient, objects: readonly KubeObject[]): ResultAsync<number, DriverError> {
  const one = (o: KubeObject) =>
    kube
      .resource(descriptorOf(o))
      .delete(o.metadata?.name ?? '', { ...(o.metadata?.namespace ? { namespace: o.metadata.namespace } : {}), propagationPolicy: 'Background' })
      .map(() => undefined)
      .orElse(ignoreMissing)
      .mapErr(kubeFailure(`delete ${o.kind} ${o.metadata?.name}`));
  return ResultAsync.combine(objects.filter((o) => o.metadata?.deletionTimestamp === undefined).map(one)).map(() => objects.length);
}

/**
 * One step of removing a VM: drain its guest node (cordon, evict pods, respecting the guest's
 * PodDisruptionBudgets; up to `drainTimeoutMs`, then the VM goes anyway, as Cluster API's
 * `nodeDrainTimeout`),
 * then delete its Deployment. Its guest Node object goes once the VM is gone ({@link forgetGuestNodes}).
 */
export function removeVm(deps: ApplyDeps, world: KvmWorld, removing: NonNullable<Plan['removing']>): ResultAsync<string, DriverError> {
  const { node, deployment } = removing;
  if (deployment.metadata?.deletionTimestamp !== undefined) return okAsync(`VM ${node} stopping`);
  const guestNode = world.guest.reachable ? world.guest.nodes.get(node) : undefined;
  const started = deployment.metadata?.annotations?.[DRAIN_STARTED_ANNOTATION];
  const timedOut = started !== undefined && deps.now().getTime() - Date.parse(started) > deps.drainTimeoutMs;
  const deleteVm = () => deleteObjects(deps.kube, [deployment]).map(() => `VM ${node} stopping`);
  if (guestNode === undefined || deps.guest === undefined || timedOut) return deleteVm();
  const mark =
    started !== undefined
      ? okAsync(undefined)
      : deps.kube
          .resource(descriptorOf(deployment))
          .patch(
            deployment.metadata?.name ?? '',
            { type: 'merge', body: { metadata: { annotations: { [DRAIN_STARTED_ANNOTATION]: deps.now().toISOString() } } } },
            { namespace: deployment.metadata?.namespace ?? '' },
          )
          .map(() => undefined)
          .mapErr(kubeFailure(`mark the drain of ${node}`));
  return mark
    .andThen(() => drainNode(deps.guest!, guestNode))
    .andThen(({ left, blocked }) => {
      if (left === 0) return deleteVm();
      const refused =
        blocked.length > 0 ? `; eviction refused: ${blocked.slice(0, 3).join('; ')}${blocked.length > 3 ? ` and ${blocked.length - 3} more` : ''}` : '';
      return okAsync(`draining ${node}: ${left} pods left${refused}`);
    });
}

/** Deletes guest Node objects of VMs that no longer exist (after a scale-down), as Cluster API does. */
export function forgetGuestNodes(deps: ApplyDeps, world: KvmWorld, rendered: RenderedCluster, cluster: string): ResultAsync<number, DriverError> {
  if (!world.guest.reachable || deps.guest === undefined) return okAsync(0);
  const wanted = new Set(rendered.nodes.map((n) => n.name));
  const hasVm = (node: string) => world.objects.has(`Deployment/${node}`) || world.pods.some((p) => p.node === node);
  const gone = [...world.guest.nodes.keys()].filter((n) => n.startsWith(`${cluster}-`) && !wanted.has(n) && !hasVm(n));
  const guest = deps.guest;
  return ResultAsync.combine(gone.map((n) => deleteGuestNode(guest, n))).map(() => gone.length);
}

/**
 * The cluster's host namespace when the world has none: created, never applied, so a namespace of
 * that name that exists already but is not labelled as the driver's (so not in its cache) is
 * never taken over. Such a namespace is adopted only when it is annotated as this Cluster's (the
 * cache had not seen it yet); otherwise the pass fails with `NamespaceTaken`. `true` when the
 * Namespace needs no apply in this pass.
 */
export function claimNamespace(
  deps: Pick<ApplyDeps, 'kube' | 'fieldManager'>,
  world: KvmWorld,
  rendered: RenderedCluster,
  cluster: KvmCluster,
): ResultAsync<boolean, DriverError> {
  const desired = rendered.objects.find((o): o is Namespace & KubeObject => o.kind === 'Namespace');
  if (world.namespace !== undefined || desired === undefined) return okAsync(false);
  const namespaces = deps.kube.resource(NamespaceResource);
  const owner = { owner: clusterOwner(cluster), uid: cluster.metadata.uid };
  const adopt = (existing: Namespace): ResultAsync<boolean, DriverError> => {
    const taken = namespaceRefusal(cluster.id, existing, owner);
    if (taken !== undefined) return errAsync(taken);
    // not refused and not ours: a former Cluster's, being deleted (the next pass sees it in the cache and waits)
    return namespaceClaim(existing, owner) === 'ours'
      ? okAsync(true)
      : errAsync({ kind: 'Transient', message: `host namespace ${cluster.id}, left by a former Cluster, is terminating` });
  };
  return namespaces
    .create(desired, { fieldManager: deps.fieldManager })
    .map(() => true)
    .orElse((error) => {
      if (error.kind !== 'AlreadyExists') return errAsync(kubeFailure(`create Namespace ${cluster.id}`)(error));
      return namespaces
        .get(cluster.id)
        .mapErr(kubeFailure(`read Namespace ${cluster.id}`))
        .andThen(adopt);
    });
}

/** Runs a plan; answers the progress of the pass. */
export function executePlan(
  deps: ApplyDeps,
  world: KvmWorld,
  plan: Plan,
  rendered: RenderedCluster,
  cluster: KvmCluster,
  context: DriverContext,
): ResultAsync<DriverProgress, DriverError> {
  const flannelCurrent = world.flannel !== undefined && JSON.stringify(world.flannel) === JSON.stringify(rendered.flannel.config);
  const flannel = (): ResultAsync<void, DriverError> =>
    flannelCurrent
      ? okAsync(undefined)
      : deps.store
          .putConfig(rendered.flannel.prefix, rendered.flannel.config)
          .map(() => undefined)
          .mapErr((e): DriverError => ({ kind: 'Transient', message: `flannel store: ${e.message}`, cause: e }));
  return claimNamespace(deps, world, rendered, cluster)
    .andThen((claimed) => flannel().map(() => claimed))
    .andThen((claimed) => materialise(deps.kube, claimed ? plan.applies.filter((o) => o.kind !== 'Namespace') : plan.applies))
    .andThen((applies) => applyObjects(deps, applies))
    .andThen(() => deleteObjects(deps.kube, plan.deletes))
    .andThen(() => (plan.removing ? removeVm(deps, world, plan.removing).map((w) => [w]) : okAsync([] as string[])))
    .andThen((removal) => forgetGuestNodes(deps, world, rendered, cluster.metadata.name).map(() => removal))
    .map((removal): DriverProgress => {
      if (plan.applies.length > 0) context.log.debug({ applied: plan.applies.map((o) => `${o.kind}/${o.metadata?.name}`) }, 'applied host objects');
      const waiting = [...removal, ...plan.waiting];
      if (waiting.length === 0 && plan.applies.length === 0 && plan.deletes.length === 0) return { type: 'done' };
      // a pass that wrote looks again on a timer (a write that changed nothing sends no event), and
      // so does one draining a guest node (the guest's pods are not watched) or waiting for guest
      // Nodes that are not watched; a pass waiting only for watched objects (host objects, the
      // guest's Nodes) is woken by their changes
      const reason = waiting[0] ?? 'host objects written';
      const wrote = plan.applies.length > 0 || plan.deletes.length > 0 || !flannelCurrent;
      const guestPolled = plan.guestPending && !(world.guest.reachable && world.guest.watched === true);
      return wrote || removal.length > 0 || guestPolled ? { type: 'waitFor', reason, recheckAfterMs: deps.recheckMs } : { type: 'waitFor', reason };
    });
}

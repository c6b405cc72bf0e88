/**
 * The skeleton the simulation's workload controllers run on (internal): informer(s) → owner key
 * → queue → `reconcile(key)`.
 *
 * - The workload's own informer gives the keys (`namespace/name`) and files them by uid.
 * - Triggers map events of what a workload owns (pods, ReplicaSets) or depends on (nodes) to the
 *   keys of the owners they concern.
 * - A {@link Loop} works the keys; a reconcile sees the live object from the cache (objects gone,
 *   or being deleted unless `whileDeleting`, are done).
 * - A controller that creates or deletes pods passes its {@link Expectations}: a reconcile is held
 *   back until the pod cache shows the controller's last pod writes (woken again after the
 *   expectations' time-to-live), an owner's expectations go with it, and the controller is idle
 *   only when none are pending.
 *
 * So each controller file holds only its own reconcile of one live object.
 */
import type { KubeObject, Persisted } from '@kubeception/sdk';
import type { ResourceClient } from '@kubeception/sdk/kube';
import { jsonEqual, type Informer } from '@kubeception/sdk/runtime';
import { outcomeOf, type SimContext } from './context.js';
import { Expectations } from './expectations.js';
import { Loop, type Outcome } from './loop.js';
import { controllerUid } from './objects.js';

/** How a trigger queues owners. */
export interface Wake {
  /** Queues the owner with this uid, if the controller knows one. */
  owner(uid: string | undefined): void;
  /** Queues every owner the controller knows. */
  all(): void;
}

/** Subscribes to an informer and wakes owners from its events. */
export type Trigger = (wake: Wake) => void;

/** Each event of `informer` wakes the owner `ownerUid` names (by default the object's controller). */
export function ownedBy<T extends KubeObject>(informer: Informer<T>, ownerUid: (object: Persisted<T>) => string | undefined = controllerUid): Trigger {
  return (wake) => {
    informer.subscribe((e) => {
      if (e.type !== 'Synced') wake.owner(ownerUid(e.object));
    });
  };
}

/** Each event of `informer` wakes every owner. */
export function anyEventOf<T extends KubeObject>(informer: Informer<T>): Trigger {
  return (wake) => {
    informer.subscribe((e) => {
      if (e.type !== 'Synced') wake.all();
    });
  };
}

/** What a workload controller is made of. */
export interface WorkloadControllerSpec<T extends KubeObject> {
  /** The component's name: of its loop, and in failures. */
  readonly name: string;
  /** The informer of the workload kind. */
  readonly informer: Informer<T>;
  /** Workers. */
  readonly concurrency: number;
  /** Other informers whose events wake owners. @default none */
  readonly triggers?: readonly Trigger[];
  /** The controller's pod expectations, when it creates or deletes pods. @default none */
  readonly expectations?: Expectations;
  /** Reconcile objects that are being deleted too. @default false */
  readonly whileDeleting?: boolean;
  /** Reconciles the live object of `key`. */
  readonly reconcile: (key: string, object: Persisted<T>) => Promise<Outcome>;
}

/** A running workload controller. */
export interface WorkloadController {
  readonly loop: Loop;
  /** Nothing queued, nothing reconciling, no expectations pending. */
  readonly idle: () => boolean;
}

/** How long a reconcile held back by expectations waits before it looks again (just past their time-to-live). */
const EXPECTATIONS_RECHECK_MS = 3_100;

/** Starts a workload controller (its loop starts with the host's, once the informers have synced). */
export function startWorkloadController<T extends KubeObject>(ctx: SimContext, spec: WorkloadControllerSpec<T>): WorkloadController {
  const byUid = new Map<string, string>();
  const loop: Loop = new Loop({
    name: spec.name,
    clock: ctx.clock,
    concurrency: spec.concurrency,
    onError: ctx.onError,
    reconcile: (key) => reconcileLive(ctx, spec, key, () => setTimeout(() => loop.add(key), EXPECTATIONS_RECHECK_MS).unref()),
  });
  spec.informer.subscribe((e) => {
    if (e.type === 'Synced') return;
    const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
    if (e.type === 'Deleted') {
      byUid.delete(e.object.metadata.uid);
      spec.expectations?.clear(key);
    } else {
      byUid.set(e.object.metadata.uid, key);
      loop.add(key);
    }
  });
  const wake: Wake = {
    owner: (uid) => {
      const key = uid === undefined ? undefined : byUid.get(uid);
      if (key !== undefined) loop.add(key);
    },
    all: () => {
      for (const key of byUid.values()) loop.add(key);
    },
  };
  for (const trigger of spec.triggers ?? []) trigger(wake);
  return { loop, idle: () => loop.idle() && (spec.expectations?.size() ?? 0) === 0 };
}

/** What a controller of pods is made of: a workload controller's parts, but for the expectations (it makes them). */
export interface PodControllerSpec<T extends KubeObject> extends Omit<WorkloadControllerSpec<T>, 'expectations' | 'reconcile'> {
  /** Reconciles the live object of `key`, telling `expectations` about the pods it creates and deletes. */
  readonly reconcile: (key: string, object: Persisted<T>, expectations: Expectations) => Promise<Outcome>;
}

/** Starts a workload controller that creates and deletes pods: woken by the pods it controls (then `triggers`), held back by its expectations. */
export function startPodController<T extends KubeObject>(ctx: SimContext, spec: PodControllerSpec<T>): WorkloadController {
  const expectations = new Expectations();
  return startWorkloadController(ctx, {
    ...spec,
    triggers: [ownedBy(ctx.informers.pods), ...(spec.triggers ?? [])],
    expectations,
    reconcile: (key, object) => spec.reconcile(key, object, expectations),
  });
}

/** The gate before a controller's reconcile: the object is there (and not being deleted), and the pod cache has caught up. */
async function reconcileLive<T extends KubeObject>(ctx: SimContext, spec: WorkloadControllerSpec<T>, key: string, recheckLater: () => void): Promise<Outcome> {
  const object = spec.informer.store.get(key);
  if (!object || (object.metadata.deletionTimestamp !== undefined && !spec.whileDeleting)) return 'done';
  if (spec.expectations !== undefined && !spec.expectations.satisfied(key, ctx.informers.pods.store)) {
    recheckLater();
    return 'done';
  }
  return spec.reconcile(key, object);
}

/** Merges `status` into the object's through `/status` when that changes it; `done` when there is nothing to write. */
export async function writeStatus<T extends KubeObject & { status?: object }>(
  ctx: SimContext,
  client: Pick<ResourceClient<T, never>, 'patchStatus'>,
  component: string,
  key: string,
  object: Persisted<T>,
  status: object,
): Promise<Outcome> {
  if (jsonEqual({ ...object.status, ...status }, object.status ?? {})) return 'done';
  return client
    .patchStatus(object.metadata.name, { type: 'merge', body: { status } }, { namespace: object.metadata.namespace })
    .match(...outcomeOf(ctx, component, key));
}

/**
 * What queues a key of a running controller. Events only say *which* object to look at (the
 * reconcile reads it from the cache), never what it looks like:
 *
 * - an object of the reconciled kind: from the initial list (at low priority), or changed in a
 *   way the controller's predicate lets through; a deleted one is forgotten (its retry backoff
 *   and what its reconciles wrote);
 * - an object of an owned kind: the key of its controlling owner of the reconciled kind (same
 *   kind and API group);
 * - an object of a watched kind: the keys the watch's `map` returns;
 * - a source: the keys it enqueues;
 * - the resync period (or `Controller.resync`): every cached object, at low priority.
 *
 * Every subscription is made before any worker starts; `synced` holds one promise per cache the
 * controller hears events from, so that the workers start once all are synced (as
 * controller-runtime's WaitForCacheSync).
 */
import type { KubeObject, Persisted, ResourceDescriptor } from '../resource.js';
import type { ControllerRun } from './controller-run.js';
import type { Watch } from './controller.js';
import type { InformerEvent } from './informer.js';
import { objectKey, type Store } from './store.js';
import type { Priority } from './workqueue.js';

/** What an event of the reconciled kind does to the queue. */
export type Trigger = { readonly type: 'queue'; readonly key: string; readonly priority: Priority } | { readonly type: 'forget'; readonly key: string };

/** The subscriptions of a running controller. */
export interface Triggers {
  /** One promise per cache the controller hears events from, resolved once it is synced. */
  readonly synced: readonly Promise<void>[];
  /** Stops the resync timer and every subscription. */
  stop(): void;
}

/** What `event` of the reconciled kind does: queue the object (if `predicate` lets a change through), forget it (deleted), or nothing. */
export function primaryTrigger<T extends KubeObject>(
  event: InformerEvent<T>,
  predicate: (previous: Persisted<T> | undefined, next: Persisted<T>) => boolean,
): Trigger | undefined {
  if (event.type === 'Applied' && (event.initial || predicate(event.previous, event.object)))
    return { type: 'queue', key: objectKey(event.object), priority: event.initial ? 'resync' : 'change' };
  if (event.type === 'Deleted') return { type: 'forget', key: objectKey(event.object) };
  return undefined;
}

/** The key of `object`'s controller owner reference when it points at kind `owner` (same kind and API group). */
export function controllingOwnerKey(
  object: Persisted<KubeObject>,
  owner: Pick<ResourceDescriptor<KubeObject, KubeObject>, 'kind' | 'apiVersion'>,
): string | undefined {
  const group = owner.apiVersion.split('/')[0];
  const ref = object.metadata.ownerReferences?.find((r) => r.controller && r.kind === owner.kind && r.apiVersion.split('/')[0] === group);
  return ref === undefined ? undefined : objectKey({ metadata: { namespace: object.metadata.namespace, name: ref.name } });
}

/** Subscribes to every event that queues a key, starts the sources, and starts the resync timer (also handed to `exposeResync`). */
export function subscribeTriggers<T extends KubeObject, I extends KubeObject, E>(
  run: ControllerRun<T, I, E>,
  exposeResync: (fn: () => void) => void,
): Triggers {
  const subscriptions = [
    subscribePrimary(run),
    ...(run.options.owns ?? []).map((owned) => subscribeOwned(run, owned)),
    ...(run.options.watches ?? []).map((watch) => subscribeWatch(run, watch)),
  ];
  for (const source of run.options.sources ?? []) source((key) => run.queue.add(key, 'change'), run.env.signal);
  const stopResync = startResync(run, exposeResync);
  return {
    synced: subscriptions.map((s) => s.synced),
    stop: () => {
      stopResync();
      for (const s of subscriptions) s.unsubscribe();
    },
  };
}

/** One cache the controller hears events from. */
interface Subscription {
  readonly synced: Promise<void>;
  readonly unsubscribe: () => void;
}

function subscribePrimary<T extends KubeObject, I extends KubeObject, E>({ options, informer, queue, ownWrites }: ControllerRun<T, I, E>): Subscription {
  const predicate = options.predicate ?? (() => true);
  const synced = informer.synced();
  const unsubscribe = informer.subscribe((event) => {
    if (event.type === 'Applied') ownWrites.caughtUp(event.object);
    const trigger = primaryTrigger(event, predicate);
    if (trigger?.type === 'queue') queue.add(trigger.key, trigger.priority);
    if (trigger?.type === 'forget') {
      queue.forget(trigger.key);
      ownWrites.forget(trigger.key);
    }
  });
  return { synced, unsubscribe };
}

function subscribeOwned<T extends KubeObject, I extends KubeObject, E>(
  { options, env, queue }: ControllerRun<T, I, E>,
  owned: ResourceDescriptor<KubeObject, KubeObject>,
): Subscription {
  const child = env.informers.get(owned, options.namespace !== undefined ? { namespace: options.namespace } : {});
  const synced = child.synced();
  const unsubscribe = child.subscribe((event) => {
    if (event.type === 'Synced') return;
    const key = controllingOwnerKey(event.object, options.resource);
    if (key !== undefined) queue.add(key, 'change');
  });
  return { synced, unsubscribe };
}

function subscribeWatch<T extends KubeObject, I extends KubeObject, E>({ env, informer, queue }: ControllerRun<T, I, E>, watch: Watch): Subscription {
  const other = env.informers.get(watch.resource, watch.selection);
  const synced = other.synced();
  const unsubscribe = other.subscribe((event) => {
    if (event.type !== 'Synced')
      for (const key of watch.map(event.object, informer.store as unknown as Store<KubeObject>, event.type === 'Deleted')) queue.add(key, 'change');
  });
  return { synced, unsubscribe };
}

/** Queues every cached object at low priority every `resyncPeriodMs`; returns what stops it. */
function startResync<T extends KubeObject, I extends KubeObject, E>(
  { options, informer, queue }: ControllerRun<T, I, E>,
  exposeResync: (fn: () => void) => void,
): () => void {
  const resyncAll = () => {
    for (const object of informer.store.list()) queue.add(objectKey(object), 'resync');
  };
  exposeResync(resyncAll);
  const timer = setInterval(resyncAll, options.resyncPeriodMs ?? 36_000_000);
  timer.unref?.();
  return () => clearInterval(timer);
}

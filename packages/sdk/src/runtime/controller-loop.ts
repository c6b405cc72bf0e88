/**
 * `createController`: a level-based controller. Events only say *which* object to look at; the
 * reconcile function always gets the object as it is now in the cache. Here: the running part —
 * queue, workers, event mapping, resync.
 */
import { randomUUID } from 'node:crypto';
import { formatError } from '../errors.js';
import { err, type Result } from 'neverthrow';
import type { KubeObject, Persisted, ResourceDescriptor } from '../resource.js';
import { ConditionType, Reason } from '../vocabulary.js';
import { getCondition } from '../conditions.js';
import { done, isTerminal, type Action } from './action.js';
import type { Controller, ControllerEnvironment, ControllerFailure, ControllerOptions, ReconcileContext } from './controller.js';
import { OwnWrites } from './own-writes.js';
import { isPaused } from './predicates.js';
import { patchConditions } from './status.js';
import { objectKey, type Store } from './store.js';
import { WorkQueue } from './workqueue.js';

/**
 * Defines a controller.
 *
 * @example
 * ```ts
 * const controller = createController({
 *   name: 'certificate-configmaps',
 *   resource: CertificateResource,
 *   owns: [ConfigMapResource],
 *   reconcile: (cert, ctx) => ctx.kube.resource(ConfigMapResource).apply(configMapFor(cert), { fieldManager: 'demo' }).map(() => done()),
 * });
 * ```
 */
export function createController<T extends KubeObject, I extends KubeObject, E>(options: ControllerOptions<T, I, E>): Controller {
  let resync: () => void = () => {};
  return {
    name: options.name,
    run: (env) => runController(options, env, (fn) => (resync = fn)),
    resync: () => resync(),
  };
}

export async function runController<T extends KubeObject, I extends KubeObject, E>(
  options: ControllerOptions<T, I, E>,
  env: ControllerEnvironment,
  exposeResync: (fn: () => void) => void,
): Promise<void> {
  const { name, resource } = options;
  const selection = {
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
    ...(options.labelSelector !== undefined ? { labelSelector: options.labelSelector } : {}),
  };
  const informer = env.informers.get(resource as unknown as ResourceDescriptor<T, KubeObject>, selection);
  // before any subscription: the first event's reconcile or map may already look objects up
  for (const index of options.indexes ?? []) {
    const cache = (index.resource as unknown) === resource ? informer : env.informers.get(index.resource, index.selection ?? {});
    cache.store.addIndex(index.name, index.fn);
  }
  const queue = new WorkQueue({ ...options.queue, observer: env.metrics.queueObserver(name) });
  const log = env.log.child({ controller: name });
  const client = env.kube.resource(resource);
  const concurrency = options.concurrency ?? 1;
  const predicate = options.predicate ?? (() => true);
  env.metrics.maxConcurrent.set({ controller: name }, concurrency);
  env.metrics.activeWorkers.set({ controller: name }, 0);

  const unsubscribe: (() => void)[] = [];
  /** Every cache this controller reads events from; workers start once all are synced (as controller-runtime's WaitForCacheSync). */
  const caches: Promise<void>[] = [informer.synced()];
  unsubscribe.push(
    informer.subscribe((event) => {
      if (event.type === 'Applied' && (event.initial || predicate(event.previous, event.object))) queue.add(objectKey(event.object), event.initial ? 'resync' : 'change');
      if (event.type === 'Deleted') {
        queue.forget(objectKey(event.object));
        ownWrites.forget(objectKey(event.object));
      }
    }),
  );
  for (const owned of options.owns ?? []) {
    const child = env.informers.get(owned, options.namespace !== undefined ? { namespace: options.namespace } : {});
    caches.push(child.synced());
    unsubscribe.push(
      child.subscribe((event) => {
        if (event.type === 'Synced') return;
        const owner = event.object.metadata.ownerReferences?.find((r) => r.controller && r.kind === resource.kind && r.apiVersion.split('/')[0] === resource.apiVersion.split('/')[0]);
        if (owner !== undefined) queue.add(objectKey({ metadata: { namespace: event.object.metadata.namespace, name: owner.name } }), 'change');
      }),
    );
  }
  for (const watch of options.watches ?? []) {
    const other = env.informers.get(watch.resource, watch.selection);
    caches.push(other.synced());
    unsubscribe.push(
      other.subscribe((event) => {
        if (event.type !== 'Synced') for (const key of watch.map(event.object, informer.store as unknown as Store<KubeObject>, event.type === 'Deleted')) queue.add(key, 'change');
      }),
    );
  }

  for (const source of options.sources ?? []) source((key) => queue.add(key, 'change'), env.signal);

  const resyncAll = () => {
    for (const object of informer.store.list()) queue.add(objectKey(object), 'resync');
  };
  exposeResync(resyncAll);
  const resyncTimer = setInterval(resyncAll, options.resyncPeriodMs ?? 36_000_000);
  resyncTimer.unref?.();

  const ownWrites = new OwnWrites(client);

  const context = (object: Persisted<T>, signal: AbortSignal): ReconcileContext<T, I> => ({
    controller: name,
    kube: env.kube,
    client: ownWrites.tracked(object),
    store: informer.store,
    cache: (descriptor, sel) => env.informers.get(descriptor, sel).store,
    log: log.child({ key: objectKey(object), reconcileID: randomUUID() }),
    events: env.events,
    signal,
  });

  /**
   * Reports Paused=True (paused) or False (resumed after a pause) once each; writes nothing
   * otherwise. Resolves to the object as written, so that a reconcile after it starts from it
   * (a status computed from the cached object would write Paused=True back).
   */
  const reportPaused = async (object: Persisted<T>, paused: boolean): Promise<Persisted<T>> => {
    if (resource.statusSchema === undefined) return object;
    const conditions = (object as { status?: { conditions?: [] } }).status?.conditions;
    const current = getCondition(conditions, ConditionType.Paused)?.status;
    if (paused ? current === 'True' : current !== 'True') return object;
    const condition = paused
      ? ({ type: ConditionType.Paused, status: 'True', reason: Reason.Paused, message: 'reconciliation is paused' } as const)
      : ({ type: ConditionType.Paused, status: 'False', reason: Reason.AsExpected, message: 'reconciliation resumed' } as const);
    return patchConditions(ownWrites.tracked(object), object, [condition]).match(
      (written) => {
        log.info({ key: objectKey(object) }, paused ? 'paused' : 'resumed');
        return written as Persisted<T>;
      },
      (error) => {
        log.warn({ key: objectKey(object), err: error.message }, `could not report Paused=${condition.status}`);
        return object;
      },
    );
  };

  const reconcileOnce = async (key: string, release: () => void): Promise<void> => {
    const stored = informer.store.get(key);
    if (stored === undefined) return release();
    const cached = ownWrites.freshest(stored);
    if (isPaused(cached)) {
      await reportPaused(cached, true);
      return release();
    }
    const object = await reportPaused(cached, false);
    const started = performance.now();
    const abort = new AbortController();
    const onStop = () => abort.abort();
    env.signal.addEventListener('abort', onStop, { once: true });
    const timeoutMs = options.reconcileTimeoutMs ?? 300_000;
    const running = (async (): Promise<Result<Action, E | ControllerFailure>> => {
      try {
        return await options.reconcile(object, context(object, abort.signal));
      } catch (cause) {
        return err({ kind: 'ReconcileThrew', cause });
      }
    })();
    // The key stays "in flight" until the reconcile really ends, so it never runs twice at once.
    void running.finally(() => {
      env.signal.removeEventListener('abort', onStop);
      release();
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<Result<Action, ControllerFailure>>((resolve) => {
      timer = setTimeout(() => {
        abort.abort();
        // eslint-disable-next-line neverthrow/must-use-result -- handed to the race below, which matches it
        resolve(err({ kind: 'ReconcileTimedOut', afterMs: timeoutMs }));
      }, timeoutMs);
    });
    const outcome = await Promise.race([running, timedOut]);
    clearTimeout(timer);
    env.metrics.reconcileTime.observe({ controller: name }, (performance.now() - started) / 1000);
    outcome.match(
      (action) => {
        queue.forget(key);
        schedule(key, action);
        env.metrics.reconcileTotal.inc({ controller: name, result: action.type === 'requeueAfter' ? 'requeue_after' : 'success' });
      },
      (error) => {
        env.metrics.reconcileErrors.inc({ controller: name });
        env.metrics.reconcileTotal.inc({ controller: name, result: 'error' });
        const decision = options.errorPolicy?.(error, object) ?? (isTerminal(error) ? done() : 'backoff');
        const retryIn = decision === 'backoff' ? queue.addRateLimited(key) : (schedule(key, decision), undefined);
        log.warn({ key, err: describe(error), retryInMs: retryIn }, 'reconcile failed');
      },
    );
  };

  const schedule = (key: string, action: Action) => {
    if (action.type === 'requeueAfter') queue.addAfter(key, action.ms);
    else if (action.type === 'waitFor' && action.recheckAfterMs !== undefined) queue.addAfter(key, action.recheckAfterMs);
  };

  let active = 0;
  const worker = async () => {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      const k = key;
      env.metrics.activeWorkers.set({ controller: name }, ++active);
      await reconcileOnce(k, () => queue.done(k));
      env.metrics.activeWorkers.set({ controller: name }, --active);
    }
  };

  const workers = Promise.all(caches).then(() => Promise.all(Array.from({ length: concurrency }, worker)));
  await new Promise<void>((resolve) => (env.signal.aborted ? resolve() : env.signal.addEventListener('abort', () => resolve(), { once: true })));
  clearInterval(resyncTimer);
  unsubscribe.forEach((fn) => fn());
  queue.shutDown();
  await Promise.race([Promise.all([workers, queue.drain()]), new Promise((resolve) => setTimeout(resolve, env.shutdownTimeoutMs).unref?.())]);
}

function describe(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return error;
  const { kind } = error as { kind?: unknown };
  // the whole cause chain: the outer kind alone (`ApplyFailed`) would hide what happened
  return { kind, message: formatError(error) };
}

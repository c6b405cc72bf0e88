/**
 * What one running controller holds, built once when it starts and shared by its stages (the
 * triggers in `controller-triggers.ts`, the reconcile of one key in `reconcile-once.ts`): its
 * options and environment, the informer of the reconciled kind, its work queue, what its
 * reconciles wrote to their own objects, and its logger. The controller's indexes are defined
 * here, before any stage subscribes: the first event's reconcile or map may already look
 * objects up through them.
 */
import type { Logger } from 'pino';
import type { KubeObject, ResourceDescriptor } from '../resource.js';
import type { ControllerEnvironment, ControllerOptions } from './controller.js';
import type { Informer } from './informer.js';
import { OwnWrites } from './own-writes.js';
import { WorkQueue } from './workqueue.js';

/** A running controller's state, shared by its stages. */
export interface ControllerRun<T extends KubeObject, I extends KubeObject, E> {
  /** The controller's options. */
  readonly options: ControllerOptions<T, I, E>;
  /** What the manager provides. */
  readonly env: ControllerEnvironment;
  /** The informer of the reconciled kind (the controller's namespace and label selector). */
  readonly informer: Informer<T>;
  /** The keys to reconcile. */
  readonly queue: WorkQueue;
  /** What the reconciles wrote to their own objects (read your own writes). */
  readonly ownWrites: OwnWrites<T, I>;
  /** Logger with the controller's name. */
  readonly log: Logger;
}

/** Gets the controller's informer, defines its indexes, and creates its queue, logger and gauges. */
export function prepareRun<T extends KubeObject, I extends KubeObject, E>(
  options: ControllerOptions<T, I, E>,
  env: ControllerEnvironment,
): ControllerRun<T, I, E> {
  const { name, resource } = options;
  const selection = {
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
    ...(options.labelSelector !== undefined ? { labelSelector: options.labelSelector } : {}),
  };
  const informer = env.informers.get(resource as unknown as ResourceDescriptor<T, KubeObject>, selection);
  for (const index of options.indexes ?? []) {
    const cache = (index.resource as unknown) === resource ? informer : env.informers.get(index.resource, index.selection ?? {});
    cache.store.addIndex(index.name, index.fn);
  }
  const queue = new WorkQueue({ ...options.queue, observer: env.metrics.queueObserver(name) });
  const log = env.log.child({ controller: name });
  const ownWrites = new OwnWrites(env.kube.resource(resource), (key) => informer.store.get(key));
  env.metrics.controllerStarted(name, options.concurrency ?? 1, () => queue.unfinishedWork());
  log.info({ workers: options.concurrency ?? 1 }, 'starting workers');
  return { options, env, informer, queue, ownWrites, log };
}

/**
 * What a controller is made of: its options, the reconcile context, errors and watches. The
 * loop that runs one (`createController`) is in `controller-loop.ts`.
 */
import type { Logger } from 'pino';
import type { ResultAsync } from 'neverthrow';
import type { KubeClient } from '../kube/client.js';
import type { ResourceClient } from '../kube/resource-client.js';
import type { KubeObject, Persisted, ResourceDescriptor } from '../resource.js';
import type { Action } from './action.js';
import type { EventRecorder } from './events.js';
import type { InformerCache, Selection } from './informer.js';
import type { RuntimeMetrics } from './metrics.js';
import type { IndexFunction, Store } from './store.js';
import type { WorkQueueOptions } from './workqueue.js';

/** What a reconcile function gets besides the object. */
export interface ReconcileContext<T extends KubeObject, I extends KubeObject = T> {
  /** Name of the controller. */
  readonly controller: string;
  /** The manager's Kubernetes client, for any kind. */
  readonly kube: KubeClient;
  /** Client of the reconciled kind. */
  readonly client: ResourceClient<T, I>;
  /** Cache of the reconciled kind. */
  readonly store: Store<T>;
  /** Cache of any kind (started on first use, shared with other controllers). */
  cache<U extends KubeObject>(descriptor: ResourceDescriptor<U, KubeObject>, selection?: Selection): Store<U>;
  /** Logger with controller, object key and reconcile id. */
  readonly log: Logger;
  /** Records Kubernetes Events about objects. */
  readonly events: EventRecorder;
  /** Aborted when the reconcile times out or the controller stops. */
  readonly signal: AbortSignal;
}

/** A reconcile function: one step toward the desired state, as a value. */
export type Reconciler<T extends KubeObject, I extends KubeObject, E> = (object: Persisted<T>, ctx: ReconcileContext<T, I>) => ResultAsync<Action, E>;

/** What to do with a reconcile error: an action, or `'backoff'` (retry with per-key backoff). */
export type ErrorPolicy<T extends KubeObject, E> = (error: E | ControllerFailure, object: Persisted<T>) => Action | 'backoff';

/** Failures the controller itself reports to the error policy. */
export type ControllerFailure = { readonly kind: 'ReconcileThrew'; readonly cause: unknown } | { readonly kind: 'ReconcileTimedOut'; readonly afterMs: number };

/**
 * Maps an object of a watched kind to keys (`namespace/name`) of the reconciled kind; `primary`
 * is the cache of the reconciled kind, for mapping through its indexes; `deleted` says the object
 * is gone (it is its last state).
 */
export interface Watch<U extends KubeObject = KubeObject> {
  /** The watched kind. */
  readonly resource: ResourceDescriptor<U, KubeObject>;
  /** Keys of the reconciled kind to queue for a change of `object`. */
  readonly map: (object: Persisted<U>, primary: Store<KubeObject>, deleted: boolean) => readonly string[];
  /** Which objects of the kind to watch (namespace, label selector). @default everything */
  readonly selection?: Selection;
}

/**
 * An index a controller reads a cache through, defined once when the controller starts
 * (controller-runtime's `FieldIndexer.IndexField`): the cache of the reconciled kind is the
 * controller's own (its namespace and label selector); any other kind's is the one read with
 * `selection`.
 */
export interface CacheIndex<U extends KubeObject = KubeObject> {
  /** The kind whose cache gets the index. */
  readonly resource: ResourceDescriptor<U, KubeObject>;
  /** Index name, as passed to `Store.byIndex`. */
  readonly name: string;
  /** Index values of an object. */
  readonly fn: IndexFunction<U>;
  /** @default everything */
  readonly selection?: Selection;
}

/** A {@link CacheIndex} of any kind, for `ControllerOptions.indexes`. */
export function cacheIndex<U extends KubeObject>(index: CacheIndex<U>): CacheIndex {
  return index as unknown as CacheIndex;
}

/**
 * An event source outside the API server (controller-runtime's `source.Channel`): it calls
 * `enqueue` with keys (`namespace/name`) of the reconciled kind whenever something they depend
 * on changed, until `signal` aborts.
 */
export type Source = (enqueue: (key: string) => void, signal: AbortSignal) => void;

/** Options of {@link createController}. */
export interface ControllerOptions<T extends KubeObject, I extends KubeObject, E> {
  /** Controller name: in logs, metrics (`controller` label) and work queue names. */
  readonly name: string;
  /** The reconciled kind. */
  readonly resource: ResourceDescriptor<T, I>;
  /** The reconcile function. */
  readonly reconcile: Reconciler<T, I, E>;
  /** @default terminal errors (`terminal: true`) are not retried; others back off */
  readonly errorPolicy?: ErrorPolicy<T, E>;
  /** Kinds whose objects point at ours with a controller owner reference. */
  readonly owns?: readonly ResourceDescriptor<KubeObject, KubeObject>[];
  /** Other kinds, mapped to our keys by a function. */
  readonly watches?: readonly Watch[];
  /** Events from outside the API server (started once, with the controller). */
  readonly sources?: readonly Source[];
  /** Indexes the reconciler and the watches' maps look objects up by (`Store.byIndex`). */
  readonly indexes?: readonly CacheIndex[];
  /** Workers. @default 1 */
  readonly concurrency?: number;
  /** Every object is queued again (at low priority) this often. @default 36_000_000 (10 h, as controller-runtime) */
  readonly resyncPeriodMs?: number;
  /** Only objects in this namespace / matching this selector. */
  readonly namespace?: string;
  /** Label selector the reconciled objects must match (see `namespace`). */
  readonly labelSelector?: string;
  /** A reconcile running longer is abandoned (its signal aborts) and retried. @default 300_000 */
  readonly reconcileTimeoutMs?: number;
  /** Queue backoff and retry limit. */
  readonly queue?: Pick<WorkQueueOptions, 'backoff' | 'retryRateLimit'>;
  /**
   * Decides whether an update of the reconciled kind queues it. `changedBeyondStatus` skips
   * status-only updates (such as the controller's own status writes).
   * @default every change
   */
  readonly predicate?: (previous: Persisted<T> | undefined, next: Persisted<T>) => boolean;
}

/** What a manager provides to the controllers it runs. */
export interface ControllerEnvironment {
  /** Kubernetes client. */
  readonly kube: KubeClient;
  /** Shared informers, one per kind and selection. */
  readonly informers: InformerCache;
  /** Metric families to report to. */
  readonly metrics: RuntimeMetrics;
  /** Logger. */
  readonly log: Logger;
  /** Event recorder. */
  readonly events: EventRecorder;
  /** Aborts to stop the controller. */
  readonly signal: AbortSignal;
  /** How long to wait for reconciles in flight after `signal` aborts. */
  readonly shutdownTimeoutMs: number;
}

/** A controller ready to be run by a manager. */
export interface Controller {
  /** Controller name. */
  readonly name: string;
  /** Runs until `env.signal` aborts and in-flight reconciles finished (or the timeout passed). */
  run(env: ControllerEnvironment): Promise<void>;
  /** Queues every cached object at low priority (what the resync period does). */
  resync(): void;
}

/**
 * Declares a watch with the watched kind's type flowing into `map`.
 *
 * @example
 * ```ts
 * watches: [watchKind({ resource: CertificateAuthorityResource, map: (ca, certs) => certs.byIndex('cluster', ca.spec.clusterRef.name).map(objectKey) })]
 * ```
 */
export function watchKind<U extends KubeObject>(watch: Watch<U>): Watch {
  return watch as unknown as Watch;
}

/**
 * `@kubeception/sdk/runtime`: controller machinery in the spirit of controller-runtime and
 * kube-rs, with AsyncIterables and Results.
 *
 * @example
 * ```ts
 * import { CertificateResource } from '@kubeception/sdk';
 * import { ConfigMapResource } from '@kubeception/sdk/kube';
 * import { createController, createManager, done } from '@kubeception/sdk/runtime';
 *
 * const controller = createController({
 *   name: 'certificate-summaries',
 *   resource: CertificateResource,
 *   owns: [ConfigMapResource],
 *   reconcile: (cert, ctx) =>
 *     ctx.kube.resource(ConfigMapResource).apply(summaryOf(cert), { fieldManager: 'summaries' }).map(() => done()),
 * });
 * await createManager({ controllers: [controller], handleSignals: true }).start();
 * ```
 * @packageDocumentation
 */

// Reconcile results
export { done, isTerminal, requeueAfter, waitFor } from './action.js';
export type { Action, TerminalError } from './action.js';

// Controllers and the manager
export { cacheIndex, watchKind } from './controller.js';
export { createController } from './controller-loop.js';
export type {
  CacheIndex,
  Controller,
  ControllerEnvironment,
  ControllerFailure,
  ControllerOptions,
  ErrorPolicy,
  ReconcileContext,
  Reconciler,
  Source,
  Watch,
} from './controller.js';
export { createManager } from './manager.js';
export type { Manager, ManagerOptions } from './manager.js';
export { deployedManagerOptions } from './deployed.js';
export type { DeployedManager, DeployedManagerOptions } from './deployed.js';
export { LOG_LEVELS, operatorUsage, parseOperatorArgs, runOperatorCommand, SHARED_OPERATOR_FLAGS } from './operator-flags.js';
export type {
  LogLevel,
  OperatorArgs,
  OperatorArgsError,
  OperatorCommand,
  OperatorFlag,
  OperatorFlags,
  OperatorFlagValues,
  OperatorRun,
  OperatorSettings,
} from './operator-flags.js';
export { isMainModule } from './main-module.js';
export { parseBindAddress } from './bind-address.js';
export type { BindAddressError, ListenAddress } from './bind-address.js';
export { withFinalizer } from './finalizer.js';
export type { FinalizerError, FinalizerHandlers } from './finalizer.js';
export { next, steps } from './steps.js';
export type { Step, StepError, StepOutcome, Steps } from './steps.js';
export { changedBeyondStatus, changedBeyondStatusOrFinalizer, isPaused } from './predicates.js';

// Status, events, leader election, metrics
export { jsonEqual, patchConditions, patchStatusIfChanged } from './status.js';
export { createEventRecorder } from './events.js';
export type { EventInput, EventRecorder, EventRecorderOptions } from './events.js';
export { runLeaderElection } from './leader-election.js';
export type { LeaderElectionOptions } from './leader-election.js';

export type { ReconcileResult, RuntimeMetrics } from './metrics.js';
export type { RestClientMetrics } from './rest-client-metrics.js';
export type { WorkQueueMetrics } from './workqueue-metrics.js';

// Watching and caching
export { watcher } from './watcher.js';
export type { WatchSource, Watcher, WatcherEvent, WatcherOptions, WatcherState } from './watcher.js';
export { InformerCache, metadataOf, startInformer } from './informer.js';
export { boundedMap } from '../internal/bounded-map.js';
export type { BoundedMap } from '../internal/bounded-map.js';
export { dataDigests, DIGEST_PREFIX, digestedData, digestedValue, digestOf, hasDigests, keepFields } from './cache-transforms.js';
export type { CacheTransform } from './cache-transforms.js';
export type { Informer, InformerEvent, InformerOptions, Selection } from './informer.js';
export { createStore, objectKey, parseKey } from './store.js';
export type { IndexFunction, Store, StoreOptions, StoreWriter } from './store.js';
export { WorkQueue } from './workqueue.js';
export type { Priority, UnfinishedWork, WorkQueueObserver, WorkQueueOptions } from './workqueue.js';

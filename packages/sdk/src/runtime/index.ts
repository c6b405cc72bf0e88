/**
 * `@kubeception/sdk/runtime`: the controller machinery. In progress: the watcher, the cache
 * and the work queue are here; the controller, finalizer helper, ordered steps, status
 * helper, events, leader election, metrics and the manager follow (issue 4).
 *
 * @packageDocumentation
 */
export { watcher } from './watcher.js';
export type { WatchSource, Watcher, WatcherEvent, WatcherOptions, WatcherState } from './watcher.js';
export { createStore, dropManagedFields, objectKey, parseKey } from './store.js';
export type { IndexFunction, Store, StoreOptions, StoreWriter } from './store.js';
export { WorkQueue } from './workqueue.js';
export type { Priority, WorkQueueObserver, WorkQueueOptions } from './workqueue.js';

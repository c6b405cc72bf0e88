/** A watch as an `AsyncIterable` of typed events, over client-node's `Watch`. */
import { Watch, type KubeConfig, type RequestContext } from '@kubernetes/client-node';
import { AsyncQueue } from '../internal/async-queue.js';
import type { KubeObject, Persisted, ResourceDescriptor } from '../resource.js';
import type { Agent } from 'undici';
import { watchDispatcher } from './api.js';
import { statusToKubeError, toKubeError, type KubeError, type KubeStatus } from './errors.js';
import { watchOpening, type KubeRequestObserver } from './request-observer.js';

/** One event of a watch. */
export type WatchEvent<T extends KubeObject> =
  | { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'; readonly object: Persisted<T> }
  /** The server's progress marker: everything up to `resourceVersion` has been sent. */
  | { readonly type: 'BOOKMARK'; readonly resourceVersion: string }
  /** The watch failed (410 Gone after compaction, or any other error); the stream ends after it. */
  | { readonly type: 'ERROR'; readonly error: KubeError };

/** What to watch. */
export interface WatchOptions {
  /** Namespace to watch; all namespaces when unset. */
  readonly namespace?: string;
  /** Label selector, e.g. `app=web`. */
  readonly labelSelector?: string;
  /** Field selector, e.g. `metadata.name=demo`. */
  readonly fieldSelector?: string;
  /** Start after this version; without it the server first sends the current state as ADDED. */
  readonly resourceVersion?: string;
  /** @default true */
  readonly allowWatchBookmarks?: boolean;
  /** Ask the server to end the watch after this long. */
  readonly timeoutSeconds?: number;
  /** Ends the stream when aborted. */
  readonly signal?: AbortSignal;
  /**
   * Ask for each object's metadata only (`PartialObjectMetadata`, `meta.k8s.io/v1`), as
   * controller-runtime's metadata-only watches do: the events' objects carry the kind's
   * `apiVersion` and `kind` and their `metadata`, nothing else. @default false
   */
  readonly metadataOnly?: boolean;
}

/**
 * `config` for client-node's `Watch`, which builds its request from `applySecurityAuthentication`
 * alone and so would send undici's User-Agent: the watch names its client like every other request,
 * and goes through `dispatcher` (see {@link watchDispatcher}) when there is one.
 */
function withUserAgent(config: KubeConfig, userAgent: string, accept: string | undefined, dispatcher: Agent | undefined): KubeConfig {
  const named = Object.create(config) as KubeConfig;
  named.applySecurityAuthentication = async (context: RequestContext) => {
    await config.applySecurityAuthentication(context);
    if (dispatcher !== undefined) context.setDispatcher(dispatcher);
    context.setHeaderParam('User-Agent', userAgent);
    if (accept !== undefined) context.setHeaderParam('Accept', accept);
  };
  return named;
}

/** The `Accept` header of a metadata-only list or watch (`as=PartialObjectMetadata[List]`), with plain JSON as the fallback. */
export const metadataAccept = (as: 'PartialObjectMetadata' | 'PartialObjectMetadataList') => `application/json;as=${as};g=meta.k8s.io;v=v1, application/json`;

/** An object as a metadata-only list or watch hands it out: the kind's `apiVersion` and `kind`, and its `metadata`. */
export function asMetadata<T extends KubeObject>(descriptor: { readonly apiVersion: string; readonly kind: string }, object: Persisted<T>): Persisted<T> {
  return { apiVersion: descriptor.apiVersion, kind: descriptor.kind, metadata: object.metadata } as Persisted<T>;
}

/** The collection path of a kind (`/apis/<group>/<version>[/namespaces/<ns>]/<plural>`). */
export function collectionPath(descriptor: ResourceDescriptor<KubeObject>, namespace?: string): string {
  const root = descriptor.group === '' ? `/api/${descriptor.version}` : `/apis/${descriptor.group}/${descriptor.version}`;
  const scoped = descriptor.scope === 'Namespaced' && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${scoped}/${descriptor.plural}`;
}

/** How a watch connects: after `beforeConnect` (the rate limit), with an inactivity timeout, a User-Agent, and its opening told to `report`. */
export interface WatchConnection {
  readonly beforeConnect: () => Promise<void>;
  readonly timeoutMs: number;
  readonly userAgent: string;
  readonly report?: KubeRequestObserver;
}

/**
 * Opens a watch. The stream ends when the server closes it (after an `ERROR` event if the
 * close was a failure), when `signal` aborts, or when the consumer stops iterating. Its request
 * is reported once it opened or failed to (not when the watch itself stops it while connecting).
 */
export function watchResource<T extends KubeObject>(
  config: KubeConfig,
  descriptor: ResourceDescriptor<T>,
  options: WatchOptions,
  connection: WatchConnection,
): AsyncIterable<WatchEvent<T>> {
  let controller: AbortController | undefined;
  let dispatcher: Agent | undefined;
  let stopped = false;
  let opening: (failure: unknown) => void = () => {};
  const stop = () => {
    stopped = true;
    controller?.abort();
  };
  const queue = new AsyncQueue<WatchEvent<T>>(stop);
  const onAbort = () => (stop(), queue.end());
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  const query = {
    allowWatchBookmarks: options.allowWatchBookmarks ?? true,
    resourceVersion: options.resourceVersion,
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
    timeoutSeconds: options.timeoutSeconds,
  };
  const onEvent = (type: string, object: unknown) => {
    if (type === 'BOOKMARK') {
      queue.push({ type, resourceVersion: (object as KubeObject).metadata?.resourceVersion ?? '' });
    } else if (type === 'ERROR') {
      queue.push({ type, error: statusToKubeError(object as KubeStatus) });
      queue.end();
    } else if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
      queue.push({ type, object: options.metadataOnly ? asMetadata(descriptor, object as Persisted<T>) : (object as Persisted<T>) });
    }
  };
  const onDone = (error: unknown) => {
    void dispatcher?.destroy().catch(() => undefined);
    if (!stopped) opening(error ?? new Error('closed before it opened'));
    if (error && !stopped) queue.push({ type: 'ERROR', error: toKubeError(error) });
    queue.end();
  };

  const open = async () => {
    dispatcher = await watchDispatcher(config);
    const accept = options.metadataOnly ? metadataAccept('PartialObjectMetadata') : undefined;
    const watch = new Watch(withUserAgent(config, connection.userAgent, accept, dispatcher));
    // client-node 2.0 keeps this TypeScript-private but reads it per watch; it is pinned (~2.0.1).
    (watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs = connection.timeoutMs;
    opening = watchOpening(connection.report, new URL(config.getCurrentCluster()?.server ?? 'http://none').host);
    return watch.watch(collectionPath(descriptor, options.namespace), query, onEvent, onDone);
  };
  void connection
    .beforeConnect()
    .then(() => (stopped ? undefined : open()))
    .then((c) => {
      if (!stopped) opening(undefined);
      controller = c;
      if (stopped) c?.abort();
    })
    .catch(onDone);
  return queue;
}

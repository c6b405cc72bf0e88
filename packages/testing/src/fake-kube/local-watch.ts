/**
 * The in-process client's watch (internal, see ./local-client.ts): a watch through the server's
 * watch hub whose object events carry the stored (frozen) objects, and whose bookmarks and errors
 * are parsed from their lines.
 */
import type { KubeObject, Persisted } from '@kubeception/sdk';
import { statusToKubeError, toKubeError, type KubeStatus, type WatchEvent, type WatchOptions } from '@kubeception/sdk/kube';
import { Readable } from 'node:stream';
import type { HandlerContext } from './handlers.js';
import type { ResourceType } from './resource-type.js';
import { selectionOf } from './selectors.js';
import { ApiError } from './status.js';
import type { WatchSink } from './watch-hub.js';

/** The consumer's side of a watch: an object-mode stream of events, ended once. */
interface EventStream<T extends KubeObject> {
  readonly events: Readable;
  /** Queues an event (nothing once ended). */
  push(event: WatchEvent<T>): void;
  /** Ends the stream after what it buffered and runs the closers; later calls do nothing. */
  end(): void;
  /** Whether it has ended. */
  ended(): boolean;
  /** Runs `close` once when the stream ends. */
  onEnd(close: () => void): void;
}

/** An event stream; a consumer that stops iterating destroys the `Readable`, which ends it. */
function eventStream<T extends KubeObject>(): EventStream<T> {
  const events = new Readable({ objectMode: true, read: () => undefined });
  let ended = false;
  const closers: (() => void)[] = [];
  const end = () => {
    if (ended) return;
    ended = true;
    for (const close of closers.splice(0)) close();
    if (!events.destroyed) events.push(null);
  };
  events.on('close', end);
  return {
    events,
    push: (event) => {
      if (!ended) events.push(event);
    },
    end,
    ended: () => ended,
    onEnd: (close) => void closers.push(close),
  };
}

/** The watch hub's sink feeding `stream`: a line is parsed into a bookmark, an error (which ends the watch) or an object event. */
function sinkFor<T extends KubeObject>(stream: EventStream<T>): WatchSink {
  const deliver = (line: string) => {
    const { type, object } = JSON.parse(line) as { type: string; object: KubeObject };
    if (type === 'BOOKMARK') stream.push({ type, resourceVersion: object.metadata?.resourceVersion ?? '' });
    else if (type === 'ERROR') {
      stream.push({ type, error: statusToKubeError(object as KubeStatus) });
      stream.end();
    } else stream.push({ type: type as 'ADDED' | 'MODIFIED' | 'DELETED', object: object as Persisted<T> });
  };
  return {
    get open() {
      return !stream.ended();
    },
    write: deliver,
    event: (type, object) => stream.push({ type, object } as WatchEvent<T>),
    end: (line) => {
      if (line !== undefined) deliver(line);
      stream.end();
    },
    destroy: () => {
      stream.push({ type: 'ERROR', error: toKubeError(new Error('the watch connection was dropped')) });
      stream.end();
    },
    onClose: (listener) => stream.onEnd(listener),
  };
}

/** Starts the hub's watch into `stream`; a refused watch (e.g. 410 Gone) becomes an ERROR event that ends it. */
function startHubWatch<T extends KubeObject>(
  ctx: HandlerContext,
  stream: EventStream<T>,
  rt: () => ResourceType,
  version: string,
  options: WatchOptions,
): void {
  try {
    const resource = rt();
    ctx.hub.start(sinkFor(stream), {
      rt: resource,
      version,
      namespace: resource.namespaced ? options.namespace : undefined,
      ...selectionOf(resource, options),
      rendering: 'json',
      includeObject: null,
      bookmarks: options.allowWatchBookmarks ?? true,
      resourceVersion: options.resourceVersion ?? null,
      sendInitialEvents: false,
      timeoutSeconds: options.timeoutSeconds,
    });
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    stream.push({ type: 'ERROR', error: statusToKubeError(e.status as KubeStatus) });
    stream.end();
  }
}

/**
 * A watch of the resource `rtOf()` finds, in `version`. The stream is an object-mode `Readable`:
 * it ends after what it buffered, and a consumer that stops iterating destroys it, which ends the
 * watch; so does `options.signal`.
 */
export function localWatch<T extends KubeObject>(
  ctx: HandlerContext,
  rtOf: () => ResourceType,
  version: string,
  options: WatchOptions,
): AsyncIterable<WatchEvent<T>> {
  const stream = eventStream<T>();
  const { signal } = options;
  if (signal?.aborted) stream.end();
  else {
    signal?.addEventListener('abort', stream.end, { once: true });
    stream.onEnd(() => signal?.removeEventListener('abort', stream.end));
    startHubWatch(ctx, stream, rtOf, version, options);
  }
  return stream.events as AsyncIterable<WatchEvent<T>>;
}

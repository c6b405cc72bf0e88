/**
 * A watcher keeps a view of one kind current and never stops on its own:
 *
 * - lists (all pages), then watches from the list's resourceVersion with bookmarks;
 * - after a dropped or ended watch it resumes from the last version it saw;
 * - after 410 Gone it relists and emits `Deleted` for objects that vanished meanwhile and
 *   `Applied` for those that changed (objects it already had unchanged are not repeated);
 * - failures back off exponentially with jitter; the backoff resets after a healthy period;
 * - each watch asks the server to end it after 5–10 minutes (`timeoutSeconds`, as client-go does)
 *   and then resumes; a watch with no event or bookmark for `stallTimeoutMs` (longer) is
 *   abandoned and re-opened;
 * - `state()` tells whether it is synced, backing off, and its last error.
 */
import { backoffDelay, sleep, type BackoffOptions } from '../internal/backoff.js';
import type { KubeError } from '../kube/errors.js';
import type { ResourceClient } from '../kube/resource-client.js';
import type { KubeObject, Persisted } from '../resource.js';
import { objectKey } from './store.js';

/** Default of {@link WatcherOptions.stallTimeoutMs}: beyond the longest default server timeout. */
const DEFAULT_STALL_MS = 660_000;
/** client-go's reflector: a watch timeout of 5 minutes times (1 + a random fraction). */
const MIN_SERVER_TIMEOUT_S = 300;
const serverTimeout = () => Math.floor(MIN_SERVER_TIMEOUT_S * (1 + Math.random()));

/** What a watcher emits. */
export type WatcherEvent<T extends KubeObject> =
  /** An object was added or changed. `initial` marks objects from the first list. */
  | { readonly type: 'Applied'; readonly object: Persisted<T>; readonly initial: boolean }
  | { readonly type: 'Deleted'; readonly object: Persisted<T> }
  /** The first list has been fully emitted: the view is complete. */
  | { readonly type: 'Synced' };

/** Where a watcher is. */
export interface WatcherState {
  /** The initial list has completed (stays true through later reconnects). */
  readonly synced: boolean;
  /** What the watcher is doing. */
  readonly phase: 'listing' | 'watching' | 'backing-off' | 'stopped';
  /** The latest failure. */
  readonly lastError?: KubeError;
  /** Consecutive failures. */
  readonly failures: number;
  /** The latest resourceVersion seen; a reconnect resumes from it. */
  readonly resourceVersion: string;
}

/** Options of {@link watcher}. */
export interface WatcherOptions {
  /** Only objects in this namespace. @default every namespace */
  readonly namespace?: string;
  /** Label selector. @default every object */
  readonly labelSelector?: string;
  /** Field selector. @default every object */
  readonly fieldSelector?: string;
  /** List page size. @default 500 */
  readonly pageSize?: number;
  /** Reconnect backoff. @default { baseMs: 200, maxMs: 30_000, jitter: 0.5 } */
  readonly backoff?: BackoffOptions;
  /**
   * How long the server keeps each watch open before ending it cleanly (`timeoutSeconds`), after
   * which the watcher resumes from the last version it saw. @default a random 300–600 s per watch,
   * as client-go's reflector does, so watches of many clients do not end together
   */
  readonly serverTimeoutSeconds?: number;
  /**
   * A watch this long without events or bookmarks is re-opened (a half-open connection). Longer
   * than the server's own timeout: real servers send bookmarks rarely (none in minutes on a quiet
   * watch), so a quiet watch ends by the server, not by this timer. @default 660_000
   */
  readonly stallTimeoutMs?: number;
  /** The backoff resets after this long without failure. @default 30_000 */
  readonly healthyAfterMs?: number;
  /** Stops the watcher. */
  readonly signal?: AbortSignal;
  /** Told about every state change (health, metrics). */
  readonly onState?: (state: WatcherState) => void;
}

/** A watcher stream plus its state. */
export interface Watcher<T extends KubeObject> extends AsyncIterable<WatcherEvent<T>> {
  /** The current state. */
  state(): WatcherState;
}

/** What a watcher needs of a client: any `ResourceClient` of the kind. */
export type WatchSource<T extends KubeObject> = Pick<ResourceClient<T>, 'list' | 'watch'>;

/** Starts watching `client`'s kind. Iterate the result to receive events. */
export function watcher<T extends KubeObject>(client: WatchSource<T>, options: WatcherOptions = {}): Watcher<T> {
  let state: WatcherState = { synced: false, phase: 'listing', failures: 0, resourceVersion: '' };
  const set = (patch: Partial<WatcherState>) => {
    state = { ...state, ...patch };
    options.onState?.(state);
  };
  const known = new Map<string, Persisted<T>>();
  const selection = {
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
    ...(options.labelSelector !== undefined ? { labelSelector: options.labelSelector } : {}),
    ...(options.fieldSelector !== undefined ? { fieldSelector: options.fieldSelector } : {}),
  };
  const stopped = () => options.signal?.aborted === true;

  const fail = async (error: KubeError) => {
    const failures = state.failures + 1;
    set({ phase: 'backing-off', lastError: error, failures });
    await sleep(backoffDelay(failures - 1, { baseMs: 200, maxMs: 30_000, ...options.backoff }), options.signal).catch(() => {});
  };

  async function* relist(): AsyncGenerator<WatcherEvent<T>, boolean> {
    set({ phase: 'listing' });
    const listed = await client.list({ ...selection, limit: options.pageSize ?? 500 }).match(
      (list) => ({ list }),
      (error) => ({ error }),
    );
    if ('error' in listed) {
      await fail(listed.error);
      return false;
    }
    const initial = !state.synced;
    const seen = new Set<string>();
    for (const object of listed.list.items) {
      const key = objectKey(object);
      seen.add(key);
      if (known.get(key)?.metadata.resourceVersion === object.metadata.resourceVersion) continue;
      known.set(key, object);
      yield { type: 'Applied', object, initial };
    }
    for (const [key, object] of known) {
      if (seen.has(key)) continue;
      known.delete(key);
      yield { type: 'Deleted', object };
    }
    set({ resourceVersion: listed.list.resourceVersion });
    if (initial) {
      set({ synced: true });
      yield { type: 'Synced' };
    }
    return true;
  }

  /** Watches from the current version until the stream ends; returns whether to relist. */
  async function* watchOnce(): AsyncGenerator<WatcherEvent<T>, 'relist' | 'resume'> {
    set({ phase: 'watching' });
    const abort = new AbortController();
    const onStop = () => abort.abort();
    options.signal?.addEventListener('abort', onStop, { once: true });
    let stall: ReturnType<typeof setTimeout> | undefined;
    const armStall = () => {
      clearTimeout(stall);
      stall = setTimeout(() => abort.abort(), options.stallTimeoutMs ?? DEFAULT_STALL_MS);
      stall.unref?.();
    };
    const started = performance.now();
    armStall();
    try {
      const timeoutSeconds = options.serverTimeoutSeconds ?? serverTimeout();
      for await (const event of client.watch({ ...selection, resourceVersion: state.resourceVersion, allowWatchBookmarks: true, timeoutSeconds, signal: abort.signal })) {
        armStall();
        if (performance.now() - started > (options.healthyAfterMs ?? 30_000) && state.failures > 0) set({ failures: 0 });
        if (event.type === 'ERROR') {
          if (event.error.kind === 'Gone') return 'relist';
          await fail(event.error);
          return 'resume';
        }
        if (event.type === 'BOOKMARK') {
          set({ resourceVersion: event.resourceVersion });
          continue;
        }
        const key = objectKey(event.object);
        set({ resourceVersion: event.object.metadata.resourceVersion });
        if (event.type === 'DELETED') {
          if (known.delete(key)) yield { type: 'Deleted', object: event.object };
        } else if (known.get(key)?.metadata.resourceVersion !== event.object.metadata.resourceVersion) {
          known.set(key, event.object);
          yield { type: 'Applied', object: event.object, initial: false };
        }
      }
      if (performance.now() - started < 1000 && !stopped()) await fail({ kind: 'Transport', code: 0, message: 'watch closed immediately' });
      return 'resume';
    } finally {
      clearTimeout(stall);
      options.signal?.removeEventListener('abort', onStop);
    }
  }

  async function* run(): AsyncGenerator<WatcherEvent<T>> {
    let needList = true;
    while (!stopped()) {
      if (needList) {
        needList = !(yield* relist());
        continue;
      }
      needList = (yield* watchOnce()) === 'relist';
    }
    set({ phase: 'stopped' });
  }

  const stream = run();
  return { state: () => state, [Symbol.asyncIterator]: () => stream };
}

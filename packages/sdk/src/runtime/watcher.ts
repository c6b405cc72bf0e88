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
import { objectKey, type Store } from './store.js';

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
export interface WatcherOptions<T extends KubeObject = KubeObject> {
  /** Only objects in this namespace. @default every namespace */
  readonly namespace?: string;
  /** Label selector. @default every object */
  readonly labelSelector?: string;
  /** Field selector. @default every object */
  readonly fieldSelector?: string;
  /** List page size. @default 500 */
  readonly pageSize?: number;
  /** List and watch each object's metadata only (`PartialObjectMetadata` on the wire: see `ListOptions.metadataOnly`). @default false */
  readonly metadataOnly?: boolean;
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
  /**
   * Applied to every object as it arrives, before the watcher keeps it (to tell changes apart and
   * to emit `Deleted` after a relist) and emits it: what a cache keeps, so the watcher holds no
   * second, untrimmed copy of each object. @default the object as the server sent it
   */
  readonly transform?: (object: Persisted<T>) => Persisted<T>;
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
export function watcher<T extends KubeObject>(client: WatchSource<T>, options: WatcherOptions<T> = {}): Watcher<T> {
  return watcherOver(client, options, new Map());
}

/**
 * What a watcher knows of the objects it emitted and has not deleted since, by key: the versions
 * it compares a relist and each watch event with. A plain `Map` the watcher keeps, or its
 * consumer's cache of the same objects (internal).
 */
export interface KnownObjects<T extends KubeObject> {
  get(key: string): Persisted<T> | undefined;
  set(key: string, object: Persisted<T>): void;
  /** Whether `key` was known; it is not after. */
  delete(key: string): boolean;
  [Symbol.iterator](): Iterator<[string, Persisted<T>]>;
}

/**
 * The objects a consumer keeps of the events it heard, as what a watcher knows (internal): the
 * informer's store, so that every cached object is not kept in a second map of the watcher's (about
 * 5 KB per guest cluster an operator manages, see decision 031). The consumer applies each event
 * before it asks for the next, which an `async` iteration does: so the watcher's own `set` and
 * `delete` have nothing to do, and `delete` only says whether the object is there.
 */
export function knownFrom<T extends KubeObject>(store: Pick<Store<T>, 'get' | 'list'>): KnownObjects<T> {
  return {
    get: (key) => store.get(key),
    set: () => undefined,
    delete: (key) => store.get(key) !== undefined,
    // a copy: the consumer removes what a relist reports deleted while this is iterated
    [Symbol.iterator]: () => {
      const entries = store.list().map((object): [string, Persisted<T>] => [objectKey(object), object]);
      return entries[Symbol.iterator]();
    },
  };
}

/** {@link watcher}, remembering what it emitted in `known` (internal: see {@link knownFrom}). */
export function watcherOver<T extends KubeObject>(client: WatchSource<T>, options: WatcherOptions<T>, known: KnownObjects<T>): Watcher<T> {
  const run: WatcherRun<T> = {
    client,
    options,
    selection: {
      ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
      ...(options.labelSelector !== undefined ? { labelSelector: options.labelSelector } : {}),
      ...(options.fieldSelector !== undefined ? { fieldSelector: options.fieldSelector } : {}),
      ...(options.metadataOnly ? { metadataOnly: true } : {}),
    },
    known,
    state: { synced: false, phase: 'listing', failures: 0, resourceVersion: '' },
  };
  const stream = listAndWatch(run);
  return { state: () => run.state, [Symbol.asyncIterator]: () => stream };
}

/** What the stages of one watcher share. */
interface WatcherRun<T extends KubeObject> {
  readonly client: WatchSource<T>;
  readonly options: WatcherOptions<T>;
  readonly selection: Pick<WatcherOptions, 'namespace' | 'labelSelector' | 'fieldSelector' | 'metadataOnly'>;
  /** The objects emitted and not deleted since, by key. */
  readonly known: KnownObjects<T>;
  /** Replaced (never mutated) on every change, through {@link setState}. */
  state: WatcherState;
}

function setState<T extends KubeObject>(run: WatcherRun<T>, patch: Partial<WatcherState>): void {
  run.state = { ...run.state, ...patch };
  run.options.onState?.(run.state);
}

const stopped = <T extends KubeObject>(run: WatcherRun<T>) => run.options.signal?.aborted === true;

/** Records a failure and backs off (until the delay passed or the watcher stops). */
async function fail<T extends KubeObject>(run: WatcherRun<T>, error: KubeError): Promise<void> {
  const failures = run.state.failures + 1;
  setState(run, { phase: 'backing-off', lastError: error, failures });
  await sleep(backoffDelay(failures - 1, { baseMs: 200, maxMs: 30_000, ...run.options.backoff }), run.options.signal).catch(() => {});
}

/** Lists, then watches from the list's version, relisting after 410 Gone and after a failed list, until stopped. */
async function* listAndWatch<T extends KubeObject>(run: WatcherRun<T>): AsyncGenerator<WatcherEvent<T>> {
  let needList = true;
  while (!stopped(run)) {
    if (needList) {
      needList = !(yield* relist(run));
      continue;
    }
    needList = (yield* watchOnce(run)) === 'relist';
  }
  setState(run, { phase: 'stopped' });
}

/** Lists every page and emits what changed since the objects known; returns whether the list succeeded. */
async function* relist<T extends KubeObject>(run: WatcherRun<T>): AsyncGenerator<WatcherEvent<T>, boolean> {
  setState(run, { phase: 'listing' });
  const listed = await run.client.list({ ...run.selection, limit: run.options.pageSize ?? 500 }).match(
    (list) => ({ list }),
    (error) => ({ error }),
  );
  if ('error' in listed) {
    await fail(run, listed.error);
    return false;
  }
  const initial = !run.state.synced;
  const { transform } = run.options;
  yield* listChanges(run.known, transform ? listed.list.items.map(transform) : listed.list.items, initial);
  setState(run, { resourceVersion: listed.list.resourceVersion });
  if (initial) {
    setState(run, { synced: true });
    yield { type: 'Synced' };
  }
  return true;
}

/**
 * Brings `known` to `items` (a full list): `Applied` for objects new or at another version,
 * `Deleted` for known objects the list no longer has.
 */
export function* listChanges<T extends KubeObject>(known: KnownObjects<T>, items: readonly Persisted<T>[], initial: boolean): Generator<WatcherEvent<T>> {
  const seen = new Set<string>();
  for (const object of items) {
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
}

/** Watches from the current version until the stream ends; returns whether to relist. */
async function* watchOnce<T extends KubeObject>(run: WatcherRun<T>): AsyncGenerator<WatcherEvent<T>, 'relist' | 'resume'> {
  const { client, options, known } = run;
  setState(run, { phase: 'watching' });
  const abort = new AbortController();
  const onStop = () => abort.abort();
  options.signal?.addEventListener('abort', onStop, { once: true });
  const started = performance.now();
  const stall = stallTimer(options.stallTimeoutMs ?? DEFAULT_STALL_MS, () => abort.abort());
  try {
    const timeoutSeconds = options.serverTimeoutSeconds ?? serverTimeout();
    for await (const event of client.watch({
      ...run.selection,
      resourceVersion: run.state.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds,
      signal: abort.signal,
    })) {
      stall.rearm();
      if (performance.now() - started > (options.healthyAfterMs ?? 30_000) && run.state.failures > 0) setState(run, { failures: 0 });
      if (event.type === 'ERROR') {
        if (event.error.kind === 'Gone') return 'relist';
        await fail(run, event.error);
        return 'resume';
      }
      if (event.type === 'BOOKMARK') {
        setState(run, { resourceVersion: event.resourceVersion });
        continue;
      }
      const key = objectKey(event.object);
      setState(run, { resourceVersion: event.object.metadata.resourceVersion });
      if (event.type === 'DELETED') {
        if (known.delete(key)) yield { type: 'Deleted', object: options.transform ? options.transform(event.object) : event.object };
      } else if (known.get(key)?.metadata.resourceVersion !== event.object.metadata.resourceVersion) {
        const object = options.transform ? options.transform(event.object) : event.object;
        known.set(key, object);
        yield { type: 'Applied', object, initial: false };
      }
    }
    if (performance.now() - started < 1000 && !stopped(run)) await fail(run, { kind: 'Transport', code: 0, message: 'watch closed immediately' });
    return 'resume';
  } finally {
    stall.clear();
    options.signal?.removeEventListener('abort', onStop);
  }
}

/** A timer that calls `onStall` after `ms` unless re-armed first; armed at once. */
function stallTimer(ms: number, onStall: () => void): { rearm(): void; clear(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const rearm = () => {
    clearTimeout(timer);
    timer = setTimeout(onStall, ms);
    timer.unref?.();
  };
  rearm();
  return { rearm, clear: () => clearTimeout(timer) };
}

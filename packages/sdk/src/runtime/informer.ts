/**
 * A shared informer: one watcher and one cache for a kind and selection, with any number of
 * subscribers. The manager hands the same informer to every controller that asks for it.
 */
import type { KubeClient } from '../kube/client.js';
import type { KubeObject, Persisted, ResourceDescriptor } from '../resource.js';
import type { CacheTransform } from './cache-transforms.js';
import { internStrings } from './interned-strings.js';
import { createStore, dropManagedFields, objectKey, type Store, type StoreOptions } from './store.js';
import { knownFrom, watcherOver, type WatcherOptions, type WatcherState } from './watcher.js';

/** What subscribers hear. `previous` is the cached object before the change, if any. */
export type InformerEvent<T extends KubeObject> =
  | { readonly type: 'Applied'; readonly object: Persisted<T>; readonly previous?: Persisted<T>; readonly initial: boolean }
  | { readonly type: 'Deleted'; readonly object: Persisted<T> }
  | { readonly type: 'Synced' };

/** Which objects an informer follows. */
export interface Selection {
  /** Only objects in this namespace. @default every namespace */
  readonly namespace?: string;
  /** Only objects matching this label selector. @default every object */
  readonly labelSelector?: string;
  /**
   * Cache only `apiVersion`, `kind` and `metadata` (without managedFields) of each object, as
   * controller-runtime's metadata-only watches do: for a kind whose objects a controller only
   * needs to know exist, who owns them and their labels (e.g. every Secret of the host, to see
   * one in the way). Its objects have no other field: read nothing else from them. The server
   * sends only metadata (`PartialObjectMetadata`), so neither the wire nor the parsing carries
   * the rest. @default false
   */
  readonly metadataOnly?: boolean;
  /**
   * Cache each object as this transform makes it (`dataDigests`, `keepFields`), as
   * controller-runtime's per-kind cache `Transform` does: for a kind whose objects a controller
   * reads only part of. Informers are shared by kind, namespace, labels and the transform's name.
   * Ignored with `metadataOnly`. @default none (objects cached whole, without managedFields)
   */
  readonly transform?: CacheTransform;
}

/** The metadata-only form of an object (see {@link Selection.metadataOnly}). */
export function metadataOf<T extends KubeObject>(object: Persisted<T>): Persisted<T> {
  const { managedFields: _dropped, ...metadata } = object.metadata;
  return { ...(object.apiVersion ? { apiVersion: object.apiVersion } : {}), ...(object.kind ? { kind: object.kind } : {}), metadata } as Persisted<T>;
}

/** A running informer. */
export interface Informer<T extends KubeObject> {
  /** The kind it watches. */
  readonly descriptor: ResourceDescriptor<T, KubeObject>;
  /** The cache it fills. */
  readonly store: Store<T>;
  /**
   * Adds a listener; returns a function that removes it. A listener added late first hears every
   * object already cached (`Applied`, `initial`), then `Synced` if the initial list is in, as
   * client-go replays existing items to a handler added to a running shared informer.
   */
  subscribe(listener: (event: InformerEvent<T>) => void): () => void;
  /** The underlying watcher's state. */
  state(): WatcherState;
  /** Resolves when the initial list is in the cache. */
  synced(): Promise<void>;
}

/** Options of {@link startInformer}. */
export interface InformerOptions<T extends KubeObject> extends Selection, Pick<WatcherOptions, 'backoff' | 'stallTimeoutMs' | 'onState'> {
  /** Options of the store (transform, indexes). */
  readonly store?: StoreOptions<T>;
  /** Stops the informer. */
  readonly signal: AbortSignal;
}

/** Starts an informer; it runs until `signal` aborts. */
export function startInformer<T extends KubeObject>(kube: KubeClient, descriptor: ResourceDescriptor<T, KubeObject>, options: InformerOptions<T>): Informer<T> {
  // the watcher trims each object once (the store's transform), and the store keeps that same object
  const writer = createStore<T>({ ...options.store, transform: (object) => object });
  const listeners = new Set<(event: InformerEvent<T>) => void>();
  let synced = false;
  let resolveSynced: () => void = () => {};
  const syncedPromise = new Promise<void>((resolve) => (resolveSynced = resolve));
  // the watcher compares what it hears with the store, which holds exactly what it emitted
  const stream = watcherOver(
    kube.resource(descriptor),
    {
      ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
      ...(options.labelSelector !== undefined ? { labelSelector: options.labelSelector } : {}),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.stallTimeoutMs ? { stallTimeoutMs: options.stallTimeoutMs } : {}),
      ...(options.onState ? { onState: options.onState } : {}),
      ...(options.metadataOnly ? { metadataOnly: true } : {}),
      transform: cachedForm(options),
      signal: options.signal,
    },
    knownFrom(writer.reader),
  );
  const emit = (event: InformerEvent<T>) => {
    for (const listener of listeners) listener(event);
  };
  void (async () => {
    for await (const event of stream) {
      if (event.type === 'Applied') {
        const previous = writer.reader.get(objectKey(event.object));
        writer.upsert(event.object);
        const stored = writer.reader.get(objectKey(event.object)) as Persisted<T>;
        emit({ type: 'Applied', object: stored, initial: event.initial, ...(previous ? { previous } : {}) });
      } else if (event.type === 'Deleted') {
        writer.remove(objectKey(event.object));
        emit(event);
      } else {
        synced = true;
        resolveSynced();
        emit(event);
      }
    }
  })();
  return {
    descriptor,
    store: writer.reader,
    subscribe(listener) {
      for (const object of writer.reader.list()) listener({ type: 'Applied', object, initial: true });
      if (synced) listener({ type: 'Synced' });
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    state: () => stream.state(),
    synced: () => syncedPromise,
  };
}

/** The cache key part of a selection's form of objects. */
const transformKey = (selection: Selection): string => (selection.metadataOnly ? 'metadata' : (selection.transform?.name ?? ''));

/**
 * What an informer caches of each object it hears of: its selection's form, else its store's
 * transform; its short strings shared with every other cached object's ({@link internStrings}).
 */
function cachedForm<T extends KubeObject>(options: InformerOptions<T>): (object: Persisted<T>) => Persisted<T> {
  const form = formOf(options);
  return (object) => internStrings(form(object));
}

function formOf<T extends KubeObject>(options: InformerOptions<T>): (object: Persisted<T>) => Persisted<T> {
  if (options.metadataOnly) return metadataOf;
  const transform = options.transform;
  if (transform !== undefined) return (object) => transform.apply(dropManagedFields(object));
  return options.store?.transform ?? dropManagedFields;
}

/** Informers shared by descriptor and selection. */
export class InformerCache {
  private readonly informers = new Map<string, Informer<KubeObject>>();

  /**
   * Informers are started with `kube`, stop when `signal` aborts, and report every watcher state change to
   * `onState`.
   */
  constructor(
    private readonly kube: KubeClient,
    private readonly signal: AbortSignal,
    private readonly onState?: (descriptor: ResourceDescriptor<KubeObject, KubeObject>, state: WatcherState) => void,
  ) {}

  /** The informer of `descriptor` and `selection`, started on first use. */
  get<T extends KubeObject>(descriptor: ResourceDescriptor<T, KubeObject>, selection: Selection = {}): Informer<T> {
    const key = `${descriptor.apiVersion}/${descriptor.plural}|${selection.namespace ?? ''}|${selection.labelSelector ?? ''}|${transformKey(selection)}`;
    let informer = this.informers.get(key);
    if (informer === undefined) {
      const onState = this.onState;
      informer = startInformer(this.kube, descriptor as ResourceDescriptor<KubeObject, KubeObject>, {
        ...selection,
        signal: this.signal,
        ...(onState ? { onState: (state: WatcherState) => onState(descriptor as ResourceDescriptor<KubeObject, KubeObject>, state) } : {}),
      });
      this.informers.set(key, informer);
    }
    return informer as unknown as Informer<T>;
  }

  /** Every informer started so far. */
  all(): Informer<KubeObject>[] {
    return [...this.informers.values()];
  }

  /** Whether every informer has synced. */
  allSynced(): boolean {
    return this.all().every((i) => i.state().synced);
  }
}

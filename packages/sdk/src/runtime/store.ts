/**
 * The cache: one writer (fed by a watcher) and any number of read-only views. Indexed by
 * namespace, label and owner UID, plus indexes you define. Objects are transformed on insert
 * (by default `metadata.managedFields` is dropped) to keep memory down.
 */
import type { KubeObject, Persisted } from '../resource.js';

/** `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(object: { metadata?: { namespace?: string | undefined; name?: string | undefined } }): string {
  const { namespace, name = '' } = object.metadata ?? {};
  return namespace ? `${namespace}/${name}` : name;
}

/** Splits a key from {@link objectKey}. */
export function parseKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** A user index: the values an object is filed under. */
export type IndexFunction<T extends KubeObject> = (object: Persisted<T>) => readonly string[];

/** Options of {@link createStore}. */
export interface StoreOptions<T extends KubeObject> {
  /** Extra indexes by name. */
  readonly indexes?: Readonly<Record<string, IndexFunction<T>>>;
  /** Applied to every object before it is stored. @default drops metadata.managedFields */
  readonly transform?: (object: Persisted<T>) => Persisted<T>;
}

/** A read-only view of the cache. Objects are shared: never mutate them. */
export interface Store<T extends KubeObject> {
  /** The object of a key (`namespace/name`, or `name` for cluster-scoped kinds). */
  get(key: string): Persisted<T> | undefined;
  /** Every object. */
  list(): Persisted<T>[];
  /** Number of objects. */
  readonly size: number;
  /** Objects in a namespace. */
  byNamespace(namespace: string): Persisted<T>[];
  /** Objects of this name, in any namespace. */
  byName(name: string): Persisted<T>[];
  /** Objects whose label `label` is `value`. */
  byLabel(label: string, value: string): Persisted<T>[];
  /** Objects with an owner reference to `uid`. */
  byOwner(uid: string): Persisted<T>[];
  /** Objects filed under `value` in index `index` (see `addIndex`). */
  byIndex(index: string, value: string): Persisted<T>[];
  /**
   * Defines an index on a shared cache from where it is read (as controller-runtime's field
   * indexer does): the objects already stored are filed at once. A name already defined keeps
   * its first function, so every reader may call this before its lookups.
   */
  addIndex(index: string, fn: IndexFunction<T>): void;
}

/** The single writer of a store. */
export interface StoreWriter<T extends KubeObject> {
  /** The store's read side, to hand out. */
  readonly reader: Store<T>;
  /** Inserts or replaces an object. */
  upsert(object: Persisted<T>): void;
  /** Removes an object by key. */
  remove(key: string): void;
}

/** The default transform: drops managedFields, which can be most of an object's size. */
export function dropManagedFields<T extends KubeObject>(object: Persisted<T>): Persisted<T> {
  if (object.metadata.managedFields === undefined) return object;
  const { managedFields: _dropped, ...metadata } = object.metadata;
  return { ...object, metadata } as Persisted<T>;
}

/** Creates an empty store. */
export function createStore<T extends KubeObject>(options: StoreOptions<T> = {}): StoreWriter<T> {
  const objects = new Map<string, Persisted<T>>();
  const transform = options.transform ?? dropManagedFields;
  const indexes: Record<string, IndexFunction<T>> = {
    namespace: (o) => (o.metadata.namespace ? [o.metadata.namespace] : []),
    label: (o) => Object.entries(o.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`),
    owner: (o) => (o.metadata.ownerReferences ?? []).map((r) => r.uid),
    ...options.indexes,
  };
  const tables = new Map<string, Map<string, Set<string>>>(Object.keys(indexes).map((name) => [name, new Map()]));

  const fileIn = (name: string, fn: IndexFunction<T>, key: string, object: Persisted<T>, add: boolean) => {
    const table = tables.get(name) as Map<string, Set<string>>;
    for (const value of fn(object)) {
      let keys = table.get(value);
      if (add) {
        if (keys === undefined) table.set(value, (keys = new Set()));
        keys.add(key);
      } else if (keys !== undefined) {
        keys.delete(key);
        if (keys.size === 0) table.delete(value);
      }
    }
  };
  const file = (key: string, object: Persisted<T>, add: boolean) => {
    for (const [name, fn] of Object.entries(indexes)) fileIn(name, fn, key, object, add);
  };
  const lookup = (index: string, value: string): Persisted<T>[] => {
    const table = tables.get(index);
    if (table === undefined) throw new Error(`no index named ${JSON.stringify(index)}`);
    return [...(table.get(value) ?? [])].map((key) => objects.get(key) as Persisted<T>);
  };

  const reader: Store<T> = {
    get: (key) => objects.get(key),
    list: () => [...objects.values()],
    get size() {
      return objects.size;
    },
    byNamespace: (namespace) => lookup('namespace', namespace),
    // no index of its own (a Set per object would cost most of an object's cache size): one
    // lookup per namespace the store holds, and one for a cluster-scoped object
    byName: (name) => {
      const found = objects.get(name);
      const out = found && !found.metadata.namespace ? [found] : [];
      for (const namespace of tables.get('namespace')?.keys() ?? []) {
        const object = objects.get(`${namespace}/${name}`);
        if (object !== undefined) out.push(object);
      }
      return out;
    },
    byLabel: (label, value) => lookup('label', `${label}=${value}`),
    byOwner: (uid) => lookup('owner', uid),
    byIndex: lookup,
    addIndex: (name, fn) => {
      if (indexes[name] !== undefined) return;
      indexes[name] = fn;
      tables.set(name, new Map());
      for (const [key, object] of objects) fileIn(name, fn, key, object, true);
    },
  };
  return {
    reader,
    upsert(object) {
      const key = objectKey(object);
      const previous = objects.get(key);
      if (previous !== undefined) file(key, previous, false);
      const stored = transform(object);
      objects.set(key, stored);
      file(key, stored, true);
    },
    remove(key) {
      const previous = objects.get(key);
      if (previous === undefined) return;
      file(key, previous, false);
      objects.delete(key);
    },
  };
}

/**
 * The cache: one writer (fed by a watcher) and any number of read-only views. Indexed by
 * namespace, plus indexes you define; the label and owner-UID indexes are built on their first
 * lookup (a store never asked by label keeps no index of its labels). Objects are transformed on insert
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
  // the namespace, label and owner indexes are built on first use (`byNamespace`, `byName`,
  // `byLabel`, `byOwner`): a store nobody asks by label keeps no string and no set per label of
  // each object, and one nobody asks by namespace no set of every key per namespace
  const indexes: Record<string, IndexFunction<T>> = { ...options.indexes };
  const cache: Cache<T> = {
    objects: new Map(),
    transform: options.transform ?? dropManagedFields,
    indexes,
    tables: new Map(Object.keys(indexes).map((name) => [name, new Map()])),
  };
  return { reader: readerOf(cache), upsert: (object) => upsert(cache, object), remove: (key) => remove(cache, key) };
}

/** A store's contents, shared by its reader and its writer. */
interface Cache<T extends KubeObject> {
  /** The objects by key. */
  readonly objects: Map<string, Persisted<T>>;
  readonly transform: (object: Persisted<T>) => Persisted<T>;
  /** The index functions by index name. */
  readonly indexes: Record<string, IndexFunction<T>>;
  /** By index name: the keys filed under each value. */
  readonly tables: Map<string, Map<string, Set<string>>>;
}

/** The built-in indexes made on first use, under names a user's index cannot take by accident. */
const LABEL_INDEX = ' label';
const OWNER_INDEX = ' owner';
/** The namespace index keeps its name of old: `byIndex('namespace', …)` reads it too. */
const NAMESPACE_INDEX = 'namespace';
const byNamespaceIndex = (o: Persisted<KubeObject>) => (o.metadata.namespace ? [o.metadata.namespace] : []);
const byLabelIndex = (o: Persisted<KubeObject>) => Object.entries(o.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`);
const byOwnerIndex = (o: Persisted<KubeObject>) => (o.metadata.ownerReferences ?? []).map((r) => r.uid);

function readerOf<T extends KubeObject>(cache: Cache<T>): Store<T> {
  const { objects } = cache;
  return {
    get: (key) => objects.get(key),
    list: () => [...objects.values()],
    get size() {
      return objects.size;
    },
    byNamespace: (namespace) => {
      addIndex(cache, NAMESPACE_INDEX, byNamespaceIndex);
      return lookup(cache, NAMESPACE_INDEX, namespace);
    },
    byName: (name) => {
      addIndex(cache, NAMESPACE_INDEX, byNamespaceIndex);
      return byName(cache, name);
    },
    byLabel: (label, value) => {
      addIndex(cache, LABEL_INDEX, byLabelIndex);
      return lookup(cache, LABEL_INDEX, `${label}=${value}`);
    },
    byOwner: (uid) => {
      addIndex(cache, OWNER_INDEX, byOwnerIndex);
      return lookup(cache, OWNER_INDEX, uid);
    },
    byIndex: (index, value) => {
      if (index === NAMESPACE_INDEX) addIndex(cache, NAMESPACE_INDEX, byNamespaceIndex);
      return lookup(cache, index, value);
    },
    addIndex: (name, fn) => addIndex(cache, name, fn),
  };
}

function upsert<T extends KubeObject>(cache: Cache<T>, object: Persisted<T>): void {
  const key = objectKey(object);
  const previous = cache.objects.get(key);
  if (previous !== undefined) file(cache, key, previous, false);
  const stored = cache.transform(object);
  cache.objects.set(key, stored);
  file(cache, key, stored, true);
}

function remove<T extends KubeObject>(cache: Cache<T>, key: string): void {
  const previous = cache.objects.get(key);
  if (previous === undefined) return;
  file(cache, key, previous, false);
  cache.objects.delete(key);
}

function lookup<T extends KubeObject>(cache: Cache<T>, index: string, value: string): Persisted<T>[] {
  const table = cache.tables.get(index);
  if (table === undefined) throw new Error(`no index named ${JSON.stringify(index)}`);
  return [...(table.get(value) ?? [])].map((key) => cache.objects.get(key) as Persisted<T>);
}

/**
 * No index of its own (a Set per object would cost most of an object's cache size): one lookup
 * per namespace the store holds, and one for a cluster-scoped object.
 */
function byName<T extends KubeObject>({ objects, tables }: Cache<T>, name: string): Persisted<T>[] {
  const found = objects.get(name);
  const out = found && !found.metadata.namespace ? [found] : [];
  for (const namespace of tables.get(NAMESPACE_INDEX)?.keys() ?? []) {
    const object = objects.get(`${namespace}/${name}`);
    if (object !== undefined) out.push(object);
  }
  return out;
}

function addIndex<T extends KubeObject>(cache: Cache<T>, name: string, fn: IndexFunction<T>): void {
  if (cache.indexes[name] !== undefined) return;
  cache.indexes[name] = fn;
  cache.tables.set(name, new Map());
  for (const [key, object] of cache.objects) fileIn(cache, name, fn, key, object, true);
}

/** Files `object` under (or removes it from) every index. */
function file<T extends KubeObject>(cache: Cache<T>, key: string, object: Persisted<T>, add: boolean): void {
  for (const [name, fn] of Object.entries(cache.indexes)) fileIn(cache, name, fn, key, object, add);
}

function fileIn<T extends KubeObject>(cache: Cache<T>, name: string, fn: IndexFunction<T>, key: string, object: Persisted<T>, add: boolean): void {
  const table = cache.tables.get(name) as Map<string, Set<string>>;
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
}

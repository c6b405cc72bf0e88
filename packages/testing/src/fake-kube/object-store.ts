/**
 * The storage core: objects indexed by (resource, namespace, name), a global monotonically
 * increasing resourceVersion, uid, owner and label indexes, and a bounded event history (internal).
 */
import { LabelIndex, type LabelRequirement } from './label-index.js';
import { deepFreeze, type StoredObject } from './types.js';

/**
 * Resources kept in another's bucket: events.k8s.io Events are the core Events (stored in core
 * form, see ./builtins/event-conversion.ts), so writes through either API share names,
 * resourceVersions and watch events.
 */
const SHARED_BUCKETS: Readonly<Record<string, string>> = { 'events.k8s.io/events': '/events' };

/** The bucket a resource's objects are kept in (its own storage key, but for {@link SHARED_BUCKETS}). */
export const bucketOf = (key: string): string => SHARED_BUCKETS[key] ?? key;

/** A change, as recorded in the history and fanned out to watchers. */
export interface StoreEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly rv: number;
  readonly key: string;
  readonly namespace: string;
  readonly object: StoredObject;
  readonly old: StoredObject | undefined;
  /** Serialized watch lines, filled on first use so each event is serialized once. */
  readonly lines: Map<string, string>;
}

interface Location {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
}

/**
 * In-memory object storage. Stored objects are replaced, never mutated: they are frozen, so
 * in-process readers can share them without a copy.
 */
export class ObjectStore {
  private rv = 0;
  private readonly buckets = new Map<string, Map<string, Map<string, StoredObject>>>();
  private readonly uids = new Map<string, Location>();
  private readonly dependents = new Map<string, Set<string>>();
  /** Sorted names per bucket and namespace, dropped when a name appears or disappears. */
  private readonly sortedNames = new Map<string, string[]>();
  /** Label indexes per bucket and namespace; they follow the current objects, not the history. */
  private readonly labelIndexes = new Map<string, LabelIndex>();
  private ring: (StoreEvent | undefined)[];
  private start = 0;
  private size = 0;
  private compacted = 0;
  /** Per resource, the revision its watch history starts at, when later than the server's start (a custom resource's: when its CRD began to be served). */
  private readonly historyStarts = new Map<string, number>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();

  constructor(private readonly historySize: number) {
    this.ring = new Array<StoreEvent | undefined>(historySize);
  }

  /** The latest resourceVersion handed out. */
  get revision(): number {
    return this.rv;
  }

  /** Events with a resourceVersion ≤ this are no longer in the history. */
  get compactedRevision(): number {
    return this.compacted;
  }

  get(resource: string, namespace: string, name: string): StoredObject | undefined {
    const key = bucketOf(resource);
    return this.buckets.get(key)?.get(namespace)?.get(name);
  }

  getByUid(uid: string): { key: string; object: StoredObject } | undefined {
    const loc = this.uids.get(uid);
    if (!loc) return undefined;
    const object = this.get(loc.key, loc.namespace, loc.name);
    return object ? { key: loc.key, object } : undefined;
  }

  /** Objects of a resource, in one namespace or all, sorted by namespace then name (like etcd keys). */
  list(resource: string, namespace?: string): StoredObject[] {
    const key = bucketOf(resource);
    return this.collect(key, namespace, (ns, names) => {
      let sorted = this.sortedNames.get(`${key}\u0000${ns}`);
      if (!sorted) this.sortedNames.set(`${key}\u0000${ns}`, (sorted = [...names.keys()].sort()));
      return sorted;
    });
  }

  /**
   * Like {@link list}, but only the objects the label index admits for `requirements` (every
   * object when there are none): a superset of the matches, in the same order as `list`.
   */
  candidates(resource: string, namespace: string | undefined, requirements: readonly LabelRequirement[]): StoredObject[] {
    const key = bucketOf(resource);
    if (requirements.length === 0) return this.list(key, namespace);
    return this.collect(key, namespace, (ns) => this.labelIndexes.get(`${key}\u0000${ns}`)?.candidates(requirements) ?? []);
  }

  /**
   * The objects of a resource, in one namespace or all (namespaces sorted), whose names `namesIn`
   * picks in each namespace that has objects, in the order it gives them.
   */
  private collect(
    key: string,
    namespace: string | undefined,
    namesIn: (namespace: string, names: ReadonlyMap<string, StoredObject>) => Iterable<string>,
  ): StoredObject[] {
    const bucket = this.buckets.get(key);
    if (!bucket) return [];
    const spaces = namespace === undefined ? [...bucket.keys()].sort() : [namespace];
    const out: StoredObject[] = [];
    for (const ns of spaces) {
      const names = bucket.get(ns);
      if (!names) continue;
      for (const n of namesIn(ns, names)) out.push(names.get(n) as StoredObject);
    }
    return out;
  }

  /** Whether any object of any resource lives in the namespace (resources of `keys`). */
  namespaceKeys(namespace: string): string[] {
    return [...this.buckets].filter(([, b]) => (b.get(namespace)?.size ?? 0) > 0).map(([k]) => k);
  }

  /** Objects that list `uid` among their owner references. */
  dependentsOf(uid: string): { key: string; object: StoredObject }[] {
    const set = this.dependents.get(uid);
    if (!set) return [];
    return [...set].flatMap((d) => this.getByUid(d) ?? []);
  }

  nextRevision(): string {
    return String(this.rv + 1);
  }

  /** Stores an object (its resourceVersion is set here) and records the event. */
  put(resource: string, object: StoredObject, old: StoredObject | undefined): StoredObject {
    const key = bucketOf(resource);
    const rv = ++this.rv;
    const stored = deepFreeze({ ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } } as StoredObject);
    const ns = stored.metadata.namespace ?? '';
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new Map()));
    let names = bucket.get(ns);
    if (!names) bucket.set(ns, (names = new Map()));
    const previous = names.get(stored.metadata.name);
    if (!previous) this.sortedNames.delete(`${key}\u0000${ns}`);
    names.set(stored.metadata.name, stored);
    this.indexLabels(key, ns, stored.metadata.name, previous, stored);
    this.uids.set(stored.metadata.uid, { key, namespace: ns, name: stored.metadata.name });
    this.indexOwners(old, stored);
    this.record({ type: old ? 'MODIFIED' : 'ADDED', rv, key, namespace: ns, object: stored, old, lines: new Map() });
    return stored;
  }

  /** Removes an object; the DELETED event carries it with a new resourceVersion. */
  remove(resource: string, object: StoredObject): StoredObject {
    const key = bucketOf(resource);
    const rv = ++this.rv;
    const ns = object.metadata.namespace ?? '';
    const names = this.buckets.get(key)?.get(ns);
    this.indexLabels(key, ns, object.metadata.name, names?.get(object.metadata.name), undefined);
    names?.delete(object.metadata.name);
    this.sortedNames.delete(`${key}\u0000${ns}`);
    if (names?.size === 0) this.buckets.get(key)?.delete(ns);
    this.uids.delete(object.metadata.uid);
    this.indexOwners(object, undefined);
    const gone = deepFreeze({ ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } } as StoredObject);
    this.record({ type: 'DELETED', rv, key, namespace: ns, object: gone, old: object, lines: new Map() });
    return gone;
  }

  /** Events of one resource after `rv`, or undefined when the history no longer reaches back that far. */
  eventsSince(rv: number, resource: string): StoreEvent[] | undefined {
    const key = bucketOf(resource);
    if (rv < this.compacted) return undefined;
    const out: StoreEvent[] = [];
    for (let i = 0; i < this.size; i++) {
      const ev = this.ring[(this.start + i) % this.ring.length] as StoreEvent;
      if (ev.rv > rv && ev.key === key) out.push(ev);
    }
    return out;
  }

  /**
   * Starts the watch history of a resource now, as kube-apiserver starts a watch cache for a kind
   * it begins to serve from a list at the current revision: watches of it from earlier
   * resourceVersions are too old, though the global history may still reach back further.
   */
  startHistory(key: string): void {
    this.historyStarts.set(key, this.rv);
  }

  /** The oldest resourceVersion a watch of a resource can start from: older ones get 410 Gone. */
  watchFloor(key: string): number {
    return Math.max(this.compacted, this.historyStarts.get(key) ?? 0);
  }

  /** Drops the whole history: watches from any earlier resourceVersion get 410 Gone. */
  compact(): void {
    this.compacted = this.rv;
    this.ring = new Array<StoreEvent | undefined>(this.ring.length);
    this.start = 0;
    this.size = 0;
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record(event: StoreEvent): void {
    const cap = this.ring.length;
    if (cap > 0) {
      if (this.size === cap) {
        this.compacted = (this.ring[this.start] as StoreEvent).rv;
        this.ring[this.start] = event;
        this.start = (this.start + 1) % cap;
      } else {
        this.ring[(this.start + this.size) % cap] = event;
        this.size++;
      }
    } else {
      this.compacted = event.rv;
    }
    for (const listener of this.listeners) listener(event);
  }

  private indexLabels(key: string, ns: string, name: string, before: StoredObject | undefined, after: StoredObject | undefined): void {
    const id = `${key}\u0000${ns}`;
    let index = this.labelIndexes.get(id);
    if (!index) {
      if (!after) return;
      this.labelIndexes.set(id, (index = new LabelIndex()));
    }
    index.update(name, before, after);
    if (index.empty) this.labelIndexes.delete(id);
  }

  private indexOwners(before: StoredObject | undefined, after: StoredObject | undefined): void {
    const uid = (after ?? before)?.metadata.uid;
    if (uid === undefined) return;
    for (const ref of before?.metadata.ownerReferences ?? []) this.dependents.get(ref.uid)?.delete(uid);
    for (const ref of after?.metadata.ownerReferences ?? []) {
      let set = this.dependents.get(ref.uid);
      if (!set) this.dependents.set(ref.uid, (set = new Set()));
      set.add(uid);
    }
  }
}

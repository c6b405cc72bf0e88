/**
 * Read your own writes: a controller's cache shows its own writes only once their watch events
 * arrive. A reconcile that starts before that would compare desired state with a status it has
 * already replaced, and skip a write it needs (or write an old status back): a CA reported
 * `Ready`, then queued again because its Cluster went, saw its cached `ClusterNotFound`, found
 * "nothing changed" and stayed `Ready`.
 *
 * So the controller remembers what a reconcile last wrote to its own object, and the
 * resourceVersions the cache may still show instead (the one the reconcile started from, and its
 * own writes before the last). The next reconcile of that key starts from the written object
 * until the cache shows it, or shows a version nobody here wrote (someone else's, newer).
 */
import type { ResourceClient } from '../kube/resource-client.js';
import type { KubeObject, Persisted } from '../resource.js';
import { objectKey } from './store.js';

interface Written<T extends KubeObject> {
  readonly object: Persisted<T>;
  /** The resourceVersions older than `object` that the cache may still show. */
  readonly behind: ReadonlySet<string>;
}

/** What a controller's reconciles wrote to their own objects, by key. */
export class OwnWrites<T extends KubeObject, I extends KubeObject> {
  private readonly written = new Map<string, Written<T>>();

  /** `cached` reads the controller's cache: a write it already shows (its event came before the write's answer) is not remembered. */
  constructor(
    private readonly client: ResourceClient<T, I>,
    private readonly cached: (key: string) => Persisted<T> | undefined = () => undefined,
  ) {}

  /** The object a reconcile should start from: `cached`, or this controller's later write of it. */
  freshest(cached: Persisted<T>): Persisted<T> {
    const key = objectKey(cached);
    const own = this.written.get(key);
    if (own === undefined) return cached;
    if (own.behind.has(cached.metadata.resourceVersion)) return own.object;
    this.written.delete(key); // the cache caught up, or someone else wrote since
    return cached;
  }

  /**
   * The cache now shows `object`: unless it is a version the last write replaced, that write is
   * forgotten here, as `freshest` would forget it on the next reconcile (a write whose own event
   * queues no reconcile, such as a status write, would otherwise be kept for good).
   */
  caughtUp(object: Persisted<T>): void {
    const key = objectKey(object);
    const own = this.written.get(key);
    if (own !== undefined && !own.behind.has(object.metadata.resourceVersion)) this.written.delete(key);
  }

  /** Forgets a deleted object. */
  forget(key: string): void {
    this.written.delete(key);
  }

  /** The client for the reconcile of `object`: its writes to `object` itself are remembered. */
  tracked(object: Persisted<T>): ResourceClient<T, I> {
    const { client, written } = this;
    const key = objectKey(object);
    // started from an own write the cache does not show yet: the cache may still show what that one replaced
    const own = written.get(key);
    const behind = new Set([object.metadata.resourceVersion, ...(own?.object === object ? own.behind : [])]);
    const record = (result: Persisted<T>): Persisted<T> => {
      if (objectKey(result) !== key) return result;
      if (this.cached(key)?.metadata.resourceVersion === result.metadata.resourceVersion) {
        written.delete(key); // the cache shows this write already
        return result;
      }
      const previous = written.get(key);
      if (previous !== undefined) behind.add(previous.object.metadata.resourceVersion);
      written.set(key, { object: result, behind: new Set(behind) });
      return result;
    };
    return {
      ...client,
      patch: (...args) => client.patch(...args).map(record),
      patchStatus: (...args) => client.patchStatus(...args).map(record),
      replace: (...args) => client.replace(...args).map(record),
      replaceStatus: (...args) => client.replaceStatus(...args).map(record),
      apply: (...args) => client.apply(...args).map(record),
    };
  }
}

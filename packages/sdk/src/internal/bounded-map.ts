/**
 * A map of at most `limit` entries, for a controller's memory of what it has checked or made
 * (by digest, by uid): setting a key refreshes it, and a new key past the limit forgets the entry
 * set longest ago. An entry forgotten is checked again when next needed, so the limit bounds the
 * memory without changing what the controller decides.
 *
 * @example
 * ```ts
 * const verdicts = boundedMap<string, boolean>(16_384);
 * const known = verdicts.get(key) ?? verdicts.set(key, expensiveCheck());
 * ```
 */
export interface BoundedMap<K, V> {
  /** The value of `key`, if kept. */
  get(key: K): V | undefined;
  /** Whether `key` is kept. */
  has(key: K): boolean;
  /** Sets `key` (as the newest entry) and returns `value`. */
  set(key: K, value: V): V;
  /** Forgets `key`; whether it was kept. */
  delete(key: K): boolean;
  /** How many entries are kept. */
  readonly size: number;
}

/** An empty {@link BoundedMap} keeping at most `limit` entries. */
export function boundedMap<K, V>(limit: number): BoundedMap<K, V> {
  const entries = new Map<K, V>();
  return {
    get: (key) => entries.get(key),
    has: (key) => entries.has(key),
    set: (key, value) => {
      entries.delete(key);
      if (entries.size >= limit) entries.delete(entries.keys().next().value as K);
      entries.set(key, value);
      return value;
    },
    delete: (key) => entries.delete(key),
    get size() {
      return entries.size;
    },
  };
}

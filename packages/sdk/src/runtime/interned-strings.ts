/**
 * One copy of each short string the informers cache (internal). `JSON.parse` makes a new string
 * for every value it reads, so the thousands of cached objects of an operator each hold their own
 * `"kubeception.io/v1alpha1"`, `"True"`, label values, owner names and uids, and the timestamps of
 * the same second: a heap snapshot of 100 managed KVM Clusters found about 25 KB of such copies per
 * cluster in the operators' stores, a sixth of their heap (decision 032).
 *
 * {@link internStrings} replaces, in place, each short string value of an object about to be
 * cached by the first copy of the same text (not in frozen parts: a descriptor's `readonly` schema
 * parts are frozen by zod; their strings stay as parsed): a process-wide table, bounded ({@link INTERNED_LIMIT}
 * entries; it starts afresh when full, so what was cached keeps its shared copies and the table
 * never holds more than that many strings nobody else does). Values unique to one object version
 * (`metadata.resourceVersion`, the object's own `metadata.uid`) and long ones (messages,
 * certificates) are left alone: they would only fill the table. So are the values of `data`,
 * `stringData` and `binaryData`: a Secret's values must not outlive its object in the table.
 */

/** At most this many strings are kept for sharing. */
export const INTERNED_LIMIT = 1 << 16;
/** Strings longer than this are not shared. */
export const INTERNED_MAX_LENGTH = 64;

let table = new Map<string, string>();

/** The shared copy of `value`. */
export function interned(value: string): string {
  const shared = table.get(value);
  if (shared !== undefined) return shared;
  if (table.size >= INTERNED_LIMIT) table = new Map();
  table.set(value, value);
  return value;
}

/** Strings shared so far (for tests). */
export const internedCount = (): number => table.size;

const share = (value: string): string => (value.length <= INTERNED_MAX_LENGTH ? interned(value) : value);

/**
 * Shares the short strings under `node` (an object or array) but those of its fields in `skip`, in
 * place where it is not frozen. Arrays go by index and objects by their own keys: a `for…in` reads
 * an array's elements by string keys, and walks a prototype chain.
 */
function internIn(node: object, skip?: ReadonlySet<string>): void {
  const writable = !Object.isFrozen(node);
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const item: unknown = node[i];
      if (typeof item === 'string') {
        if (writable) node[i] = share(item);
      } else if (typeof item === 'object' && item !== null) internIn(item);
    }
    return;
  }
  const record = node as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (skip?.has(key)) continue;
    const item = record[key];
    if (typeof item === 'string') {
      if (writable) record[key] = share(item);
    } else if (typeof item === 'object' && item !== null) internIn(item);
  }
}

/**
 * Left alone at the top: `metadata` (shared apart, below) and a Secret's or ConfigMap's data, kept
 * alive by no one else.
 */
const TOP_UNSHARED = new Set(['metadata', 'data', 'stringData', 'binaryData']);
/** Left alone in `metadata`: unique to the object's version. */
const METADATA_UNSHARED = new Set(['resourceVersion', 'uid']);

/**
 * Shares the short string values of `object`, a freshly parsed object no one else holds yet, in
 * place; returns it. Its `metadata.resourceVersion` and `metadata.uid`, and its `data`,
 * `stringData` and `binaryData` (a Secret's values stay in the Secret's object alone), are left
 * alone.
 */
export function internStrings<T extends { readonly metadata?: object }>(object: T): T {
  internIn(object, TOP_UNSHARED);
  const metadata: unknown = object.metadata;
  if (typeof metadata === 'object' && metadata !== null) internIn(metadata, METADATA_UNSHARED);
  return object;
}

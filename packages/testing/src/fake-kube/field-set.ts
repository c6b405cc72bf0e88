/**
 * Sets of field paths as server-side apply tracks them, their `fieldsV1` encoding and their
 * human-readable form (`.spec.containers[name="app"].image`) (internal).
 */
import type { FieldNav } from './field-nav.js';
import { SERVER_META_FIELDS } from './object-meta.js';
import { deepEqual, isObject, type JsonObject } from './types.js';

/** A set of paths; each path is its `fieldsV1` elements (`f:x`, `k:{…}`, `v:…`) joined by NUL. */
export type FieldSet = Set<string>;
const SEP = '\u0000';

export const joinPath = (parts: readonly string[]): string => parts.join(SEP);
export const splitPath = (path: string): string[] => (path === '' ? [] : path.split(SEP));

/** The `k:{…}` element of a list-map item. */
export function keyElement(item: JsonObject, keys: readonly string[]): string {
  const key: JsonObject = {};
  for (const k of [...keys].sort()) if (item[k] !== undefined) key[k] = item[k];
  return `k:${JSON.stringify(key)}`;
}

/** Which fields of an object server-side apply counts at all. */
const SKIP_ROOT = new Set(['apiVersion', 'kind']);
const SKIP_META = new Set<string>(SERVER_META_FIELDS);

/** Top-level entries that count, given the status-subresource rules. */
export function countedEntries(obj: JsonObject, scope: (top: string) => boolean): [string, unknown][] {
  return Object.entries(obj).filter(([k, v]) => v !== undefined && !SKIP_ROOT.has(k) && scope(k));
}

/** Metadata entries that count. */
export const countedMeta = (meta: unknown): [string, unknown][] =>
  isObject(meta) ? Object.entries(meta).filter(([k, v]) => v !== undefined && !SKIP_META.has(k)) : [];

/** Fields an applied configuration sets (apply style: granular maps have no own entry). */
export function appliedSet(obj: JsonObject, nav: FieldNav, scope: (top: string) => boolean): FieldSet {
  const out: FieldSet = new Set();
  for (const [k, v] of countedEntries(obj, scope)) {
    const entries = k === 'metadata' ? countedMeta(v) : undefined;
    if (entries) for (const [mk, mv] of entries) walkApplied(mv, nav.field('metadata').field(mk), [`f:metadata`, `f:${mk}`], out);
    else walkApplied(v, nav.field(k), [`f:${k}`], out);
  }
  return out;
}

function walkApplied(value: unknown, nav: FieldNav, path: string[], out: FieldSet): void {
  if (Array.isArray(value)) {
    const lt = nav.listType();
    if (lt.type === 'atomic') return void out.add(joinPath(path));
    for (const item of value) {
      if (lt.type === 'set' || !isObject(item)) {
        out.add(joinPath([...path, `v:${JSON.stringify(item)}`]));
        continue;
      }
      const itemPath = [...path, keyElement(item, lt.keys)];
      out.add(joinPath(itemPath));
      for (const [k, v] of Object.entries(item)) walkApplied(v, nav.items().field(k), [...itemPath, `f:${k}`], out);
    }
    return;
  }
  if (isObject(value) && !nav.atomicMap() && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) walkApplied(v, nav.field(k), [...path, `f:${k}`], out);
    return;
  }
  out.add(joinPath(path));
}

/** Fields added or changed from `old` to `next` (update style: a new map has its own entry). */
export function changedSet(old: JsonObject | undefined, next: JsonObject, nav: FieldNav, scope: (top: string) => boolean): FieldSet {
  const out: FieldSet = new Set();
  for (const [k, v] of countedEntries(next, scope)) {
    if (k === 'metadata') {
      for (const [mk, mv] of countedMeta(v))
        walkChanged(isObject(old?.metadata) ? old.metadata[mk] : undefined, mv, nav.field('metadata').field(mk), ['f:metadata', `f:${mk}`], out);
    } else walkChanged(old?.[k], v, nav.field(k), [`f:${k}`], out);
  }
  return out;
}

function walkChanged(old: unknown, value: unknown, nav: FieldNav, path: string[], out: FieldSet): void {
  if (Array.isArray(value) && nav.listType().type !== 'atomic') {
    const lt = nav.listType();
    const olds = Array.isArray(old) ? old : [];
    for (const item of value) {
      if (lt.type === 'set' || !isObject(item)) {
        if (!olds.some((o) => deepEqual(o, item))) out.add(joinPath([...path, `v:${JSON.stringify(item)}`]));
        continue;
      }
      const el = keyElement(item, lt.type === 'map' ? lt.keys : []);
      const prev = olds.find((o) => isObject(o) && keyElement(o, lt.type === 'map' ? lt.keys : []) === el);
      if (prev === undefined) out.add(joinPath([...path, el]));
      for (const [k, v] of Object.entries(item)) walkChanged(isObject(prev) ? prev[k] : undefined, v, nav.items().field(k), [...path, el, `f:${k}`], out);
    }
    return;
  }
  if (isObject(value) && !nav.atomicMap()) {
    if (!isObject(old)) out.add(joinPath(path));
    for (const [k, v] of Object.entries(value)) walkChanged(isObject(old) ? old[k] : undefined, v, nav.field(k), [...path, `f:${k}`], out);
    return;
  }
  if (!deepEqual(old, value)) out.add(joinPath(path));
}

/** One path element applied to a value; undefined when the field does not exist. */
function step(cur: unknown, el: string): unknown {
  if (el.startsWith('f:')) return isObject(cur) ? cur[el.slice(2)] : undefined;
  if (el.startsWith('k:')) {
    const key = JSON.parse(el.slice(2)) as JsonObject;
    return Array.isArray(cur) ? cur.find((i) => isObject(i) && Object.entries(key).every(([k, v]) => deepEqual(i[k], v))) : undefined;
  }
  if (el.startsWith('v:')) {
    const v = JSON.parse(el.slice(2)) as unknown;
    return Array.isArray(cur) && cur.some((i) => deepEqual(i, v)) ? v : undefined;
  }
  if (el.startsWith('i:')) return Array.isArray(cur) ? cur[Number(el.slice(2))] : undefined;
  return cur;
}

interface Trie {
  member: boolean;
  readonly children: Map<string, Trie>;
}

function trieOf(set: FieldSet): Trie {
  const root: Trie = { member: false, children: new Map() };
  for (const path of [...set].sort()) {
    let node = root;
    for (const el of splitPath(path)) {
      let next = node.children.get(el);
      if (!next) node.children.set(el, (next = { member: false, children: new Map() }));
      node = next;
    }
    node.member = true;
  }
  return root;
}

/**
 * `fieldsV1` JSON of the paths of a set that still exist in `object`; undefined when none does.
 * One walk of the set's trie alongside the object: shared prefixes are resolved once.
 */
export function existingFieldsV1(set: FieldSet, object: unknown): JsonObject | undefined {
  return serializeExisting(trieOf(set), object);
}

function serializeExisting(node: Trie, value: unknown): JsonObject | undefined {
  const children: [string, JsonObject][] = [];
  for (const [el, child] of node.children) {
    const inner = step(value, el);
    if (inner === undefined) continue;
    const serialized = serializeExisting(child, inner);
    if (serialized !== undefined) children.push([el, serialized]);
  }
  if (!node.member && children.length === 0) return undefined;
  const out: JsonObject = {};
  if (node.member && children.length > 0) out['.'] = {};
  for (const [el, serialized] of children) out[el] = serialized;
  return out;
}

/** The set a `fieldsV1` JSON encodes. */
export function fromFieldsV1(fields: unknown, prefix: string[] = [], out: FieldSet = new Set()): FieldSet {
  if (!isObject(fields)) return out;
  for (const [k, v] of Object.entries(fields)) {
    if (k === '.') {
      out.add(joinPath(prefix));
      continue;
    }
    if (isObject(v) && Object.keys(v).length > 0) fromFieldsV1(v, [...prefix, k], out);
    else out.add(joinPath([...prefix, k]));
  }
  return out;
}

/** `.spec.containers[name="app"].image`, as conflicts print paths. */
export function humanPath(path: string): string {
  return splitPath(path)
    .map((el) => {
      const body = el.slice(2);
      if (el.startsWith('f:')) return `.${body}`;
      if (el.startsWith('k:')) {
        const key = JSON.parse(body) as JsonObject;
        return `[${Object.entries(key)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(',')}]`;
      }
      if (el.startsWith('v:')) return `[=${body}]`;
      return `[${body}]`;
    })
    .join('');
}

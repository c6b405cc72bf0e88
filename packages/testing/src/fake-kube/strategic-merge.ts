/**
 * Strategic merge patch for the built-in kinds (internal), after apimachinery's
 * `strategicpatch.StrategicMergeMapPatch`. Lists merge by the patch merge keys kube's Go types
 * declare for the fields our kinds use; other lists are replaced, as in kube (e.g. `tolerations`
 * and RBAC `rules` are atomic). Supports `$patch: replace|delete`, `$deleteFromPrimitiveList/<field>`,
 * `$retainKeys` and `$setElementOrder/<field>`. A merged list is ordered as upstream orders it
 * (`normalizeElementOrder`): the patch's items in the patch's (or `$setElementOrder`'s) order, the
 * items only the server had interleaved where the live list had them.
 */
import { PatchError } from './json-patch.js';
import { clone, isObject, type JsonObject } from './types.js';

type ListStrategy = { readonly mergeKey: string } | 'primitive' | 'replace';

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);
const BY_NAME = new Set(['containers', 'initContainers', 'ephemeralContainers', 'volumes', 'env', 'imagePullSecrets', 'resourceClaims']);
const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

/** How the list at `field` (under `parents`) merges. */
function listStrategy(field: string, parents: readonly string[]): ListStrategy {
  if (BY_NAME.has(field)) return { mergeKey: 'name' };
  switch (field) {
    case 'volumeMounts':
      return { mergeKey: 'mountPath' };
    case 'volumeDevices':
      return { mergeKey: 'devicePath' };
    case 'ports':
      return { mergeKey: parents.some((p) => CONTAINER_LISTS.has(p)) ? 'containerPort' : 'port' };
    case 'hostAliases':
      return { mergeKey: 'ip' };
    case 'conditions':
      return { mergeKey: 'type' };
    case 'addresses':
      return parents[parents.length - 1] === 'status' ? { mergeKey: 'type' } : 'replace';
    case 'ownerReferences':
      return { mergeKey: 'uid' };
    case 'topologySpreadConstraints':
      return { mergeKey: 'topologyKey' };
    case 'finalizers':
      return parents[parents.length - 1] === 'metadata' ? 'primitive' : 'replace';
    default:
      return 'replace';
  }
}

/** Applies a strategic merge patch to a copy of `original`. */
export function applyStrategicMergePatch(original: JsonObject, patch: unknown): JsonObject {
  if (!isObject(patch)) throw new PatchError('strategic merge patch must be a JSON object');
  return mergeMap(clone(original), clone(patch), []);
}

/** `mergeMap`: directives first (`$patch`, `$retainKeys`, `$setElementOrder`), then each field. */
function mergeMap(original: JsonObject, patch: JsonObject, path: readonly string[]): JsonObject {
  const directive = patch.$patch;
  if (directive === 'replace') return stripDirectives(Object.fromEntries(Object.entries(patch).filter(([k]) => k !== '$patch'))) as JsonObject;
  if (directive === 'delete') return {};
  if (directive !== undefined) throw new PatchError(`Unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);
  retainKeys(original, patch);
  for (const key of Object.keys(patch).filter((k) => k.startsWith(SET_ORDER))) setElementOrder(original, patch, key, path);
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith(DELETE_FROM)) {
      const field = key.slice(DELETE_FROM.length);
      const drop = new Set((Array.isArray(value) ? value : []).map((v) => JSON.stringify(v)));
      const list = original[field];
      if (Array.isArray(list)) original[field] = list.filter((v) => !drop.has(JSON.stringify(v)));
    } else if (value === null) delete original[key];
    else if (!(key in original) || kindOf(original[key]) !== kindOf(value)) original[key] = stripDirectives(value);
    else if (isObject(value)) original[key] = mergeMap(original[key] as JsonObject, value, [...path, key]);
    else if (Array.isArray(value)) original[key] = mergeListField(original[key] as unknown[], value, key, path);
    else original[key] = value;
  }
  return original;
}

const kindOf = (v: unknown): string => (Array.isArray(v) ? 'array' : typeof v);

/** `$retainKeys`: keys of `original` not listed go; the patch may only set listed keys. */
function retainKeys(original: JsonObject, patch: JsonObject): void {
  const listed = patch.$retainKeys;
  if (listed === undefined) return;
  delete patch.$retainKeys;
  if (!Array.isArray(listed)) throw new PatchError("invalid patch: doesn't support retainKeys format");
  const keep = new Set(listed);
  for (const [k, v] of Object.entries(patch)) {
    if (v !== null && !k.startsWith(DELETE_FROM) && !k.startsWith(SET_ORDER) && !keep.has(k))
      throw new PatchError("invalid patch: doesn't support retainKeys format");
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** `mergePatchIntoOriginal`: merges the list `$setElementOrder/<field>` names and orders it by that list. */
function setElementOrder(original: JsonObject, patch: JsonObject, key: string, path: readonly string[]): void {
  const order = patch[key];
  delete patch[key];
  if (!Array.isArray(order)) throw new PatchError("invalid patch: doesn't support setElementOrder format");
  const field = key.slice(SET_ORDER.length);
  const live = Array.isArray(original[field]) ? (original[field] as unknown[]) : undefined;
  const given = Array.isArray(patch[field]) ? (patch[field] as unknown[]) : undefined;
  if (live === undefined && given === undefined) return;
  const strategy = listStrategy(field, path);
  const merged = live && given ? mergeListField(live, given, field, path) : ((given ?? live) as unknown[]);
  const mergeKey = typeof strategy === 'object' ? strategy.mergeKey : undefined;
  const [inOrder, serverOnly] = partition(merged, order, mergeKey);
  original[field] = normalizeElementOrder(inOrder, serverOnly, order, live ?? [], mergeKey);
  delete patch[field];
}

/** `mergeSliceHandler`: merge lists merge, others take the patch. */
function mergeListField(live: unknown[], patch: unknown[], field: string, path: readonly string[]): unknown[] {
  const strategy = listStrategy(field, path);
  if (strategy === 'replace') return stripDirectives(patch) as unknown[];
  return mergeSlice(live, patch, strategy === 'primitive' ? undefined : strategy.mergeKey, [...path, field]);
}

/** `mergeSlice`: merges, then enforces upstream's element order. */
function mergeSlice(live: unknown[], patch: unknown[], mergeKey: string | undefined, path: readonly string[]): unknown[] {
  if (live.length === 0 && patch.length === 0) return live;
  if (mergeKey === undefined) {
    const merged = [...live];
    for (const v of patch) if (!merged.some((e) => e === v)) merged.push(v);
    const [inPatch, serverOnly] = partition(merged, patch, undefined);
    return normalizeElementOrder(inPatch, serverOnly, patch, live, undefined);
  }
  const special = withoutSpecialElements(live, patch, mergeKey);
  const merged = [...special.live];
  for (const item of special.patch as JsonObject[]) {
    const at = indexOf(merged, item, mergeKey);
    if (at >= 0) merged[at] = mergeMap(merged[at] as JsonObject, item, path);
    else merged.push(stripDirectives(item));
  }
  const [inPatch, serverOnly] = partition(merged, special.patch, mergeKey);
  return normalizeElementOrder(inPatch, serverOnly, special.patch, special.live, mergeKey);
}

/** `mergeSliceWithSpecialElements`: applies `$patch: delete` items to the live list; `$patch: replace` replaces it. */
function withoutSpecialElements(live: unknown[], patch: unknown[], mergeKey: string): { live: unknown[]; patch: unknown[] } {
  let kept = live;
  let replace = false;
  const plain: unknown[] = [];
  for (const item of patch) {
    if (!isObject(item)) throw new PatchError(`list items under a merge key must be objects (merge key ${mergeKey})`);
    if (item.$patch === undefined) plain.push(item);
    else if (item.$patch === 'delete') {
      if (!(mergeKey in item)) throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
      kept = kept.filter((e) => !(isObject(e) && e[mergeKey] === item[mergeKey]));
    } else if (item.$patch === 'replace') replace = true;
    else if (item.$patch === 'merge') throw new PatchError('merging lists cannot yet be specified in the patch');
    else throw new PatchError(`Unknown patch type: ${String(item.$patch)} in map: ${JSON.stringify(item)}`);
  }
  for (const item of plain as JsonObject[]) {
    if (!(mergeKey in item)) throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
  }
  return replace ? { live: stripDirectives(plain) as unknown[], patch: [] } : { live: kept, patch: plain };
}

/** Index of `item` in `list`: by merge key value (maps) or by value (primitives). */
function indexOf(list: readonly unknown[], item: unknown, mergeKey: string | undefined): number {
  if (mergeKey === undefined) return list.findIndex((e) => e === item);
  const value = isObject(item) ? item[mergeKey] : undefined;
  return list.findIndex((e) => isObject(e) && e[mergeKey] === value);
}

/** Items of `list` present in `by`, and the others, each in `list`'s order. */
function partition(list: readonly unknown[], by: readonly unknown[], mergeKey: string | undefined): [unknown[], unknown[]] {
  const present: unknown[] = [];
  const absent: unknown[] = [];
  for (const item of list) (indexOf(by, item, mergeKey) >= 0 ? present : absent).push(item);
  return [present, absent];
}

/** `normalizeElementOrder`: the patch items sorted by the patch order, the server-only items by the live order, then interleaved. */
function normalizeElementOrder(
  inPatch: unknown[],
  serverOnly: unknown[],
  patchOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  mergeKey: string | undefined,
): unknown[] {
  const byOrder = (order: readonly unknown[]) => (a: unknown, b: unknown) => indexOf(order, a, mergeKey) - indexOf(order, b, mergeKey);
  const right = [...inPatch].sort(byOrder(patchOrder));
  const left = [...serverOnly].sort(byOrder(serverOrder));
  // mergeSortedSlice: a server-only item goes before a patch item only when the live list had it before that item
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (j >= right.length) out.push(left[i++]);
    else if (i >= left.length) out.push(right[j++]);
    else {
      const li = indexOf(serverOrder, left[i], mergeKey);
      const ri = indexOf(serverOrder, right[j], mergeKey);
      out.push(li >= 0 && ri >= 0 && li < ri ? left[i++] : right[j++]);
    }
  }
  return out;
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith(SET_ORDER) || k.startsWith(DELETE_FROM)) continue;
    out[k] = stripDirectives(v);
  }
  return out;
}

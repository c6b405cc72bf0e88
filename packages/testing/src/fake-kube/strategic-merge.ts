/**
 * Strategic merge patch for the built-in kinds (internal). Lists merge by the patch merge keys
 * kube's Go types declare for the fields our kinds use; other lists are replaced, as in kube
 * (e.g. `tolerations` and RBAC `rules` are atomic). Supports `$patch: replace|delete|merge`,
 * `$deleteFromPrimitiveList/<field>`, `$retainKeys` and ignores `$setElementOrder/<field>`.
 */
import { PatchError } from './json-patch.js';
import { clone, isObject, type JsonObject } from './types.js';

type ListStrategy = { readonly mergeKey: string } | 'primitive' | 'replace';

const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);
const BY_NAME = new Set(['containers', 'initContainers', 'ephemeralContainers', 'volumes', 'env', 'imagePullSecrets', 'resourceClaims']);

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
  const out = mergeMap(clone(original), patch, []);
  if (!isObject(out)) throw new PatchError('the patched document is not an object');
  return out;
}

function mergeMap(target: JsonObject | undefined, patch: JsonObject, path: readonly string[]): JsonObject | undefined {
  const directive = patch.$patch;
  const body = Object.fromEntries(Object.entries(patch).filter(([k]) => k !== '$patch'));
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return stripDirectives(body) as JsonObject;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(body)) {
    if (key.startsWith('$setElementOrder/') || key === '$retainKeys') continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const drop = new Set((Array.isArray(value) ? value : []).map((v) => JSON.stringify(v)));
      const list = out[field];
      if (Array.isArray(list)) out[field] = list.filter((v) => !drop.has(JSON.stringify(v)));
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    const merged = mergeValue(out[key], value, key, path);
    if (merged === undefined) delete out[key];
    else out[key] = merged;
  }
  if (Array.isArray(body.$retainKeys)) {
    const keep = new Set(body.$retainKeys as string[]);
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  return out;
}

function mergeValue(current: unknown, value: unknown, key: string, path: readonly string[]): unknown {
  if (isObject(value)) return mergeMap(isObject(current) ? current : undefined, value, [...path, key]);
  if (!Array.isArray(value)) return value;
  const strategy = listStrategy(key, path);
  if (strategy === 'replace') return stripDirectives(value);
  const existing = Array.isArray(current) ? current : [];
  if (strategy === 'primitive') return [...existing, ...value.filter((v) => !existing.some((e) => JSON.stringify(e) === JSON.stringify(v)))];
  return mergeList(existing, value, strategy.mergeKey, [...path, key]);
}

function mergeList(existing: unknown[], patch: unknown[], mergeKey: string, path: readonly string[]): unknown[] {
  if (patch.some((item) => isObject(item) && item.$patch === 'replace')) {
    return stripDirectives(patch.filter((item) => !(isObject(item) && item.$patch === 'replace'))) as unknown[];
  }
  const out = [...existing];
  for (const item of patch) {
    if (!isObject(item)) throw new PatchError(`list items under a merge key must be objects (merge key ${mergeKey})`);
    if (!(mergeKey in item)) throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    const at = out.findIndex((e) => isObject(e) && JSON.stringify(e[mergeKey]) === JSON.stringify(item[mergeKey]));
    if (item.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
      continue;
    }
    if (at >= 0) out[at] = mergeMap(out[at] as JsonObject, item, path);
    else out.push(stripDirectives(item));
  }
  return out;
}

function stripDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/') || k.startsWith('$deleteFromPrimitiveList/')) continue;
    out[k] = stripDirectives(v);
  }
  return out;
}

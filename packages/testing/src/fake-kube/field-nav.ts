/** How server-side apply sees a field: granular or atomic maps, map/set/atomic lists (internal). */
import { isObject, type JsonObject } from './types.js';

/** A list's merge semantics. */
export type ListType = { readonly type: 'map'; readonly keys: readonly string[] } | { readonly type: 'set' } | { readonly type: 'atomic' };

/** Navigates the schema of an object alongside its value. */
export interface FieldNav {
  field(name: string): FieldNav;
  items(): FieldNav;
  listType(): ListType;
  atomicMap(): boolean;
}

const ATOMIC: ListType = { type: 'atomic' };
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);
const NAME_KEYED = new Set(['containers', 'initContainers', 'ephemeralContainers', 'volumes', 'env', 'imagePullSecrets', 'resourceClaims']);

/** List types of the built-in kinds (the `listType`/`listMapKeys` markers of kube's Go types we use). */
function builtinListType(path: readonly string[]): ListType {
  const field = path[path.length - 1] ?? '';
  const parent = path[path.length - 2];
  if (NAME_KEYED.has(field)) return { type: 'map', keys: ['name'] };
  switch (field) {
    case 'volumeMounts':
      return { type: 'map', keys: ['mountPath'] };
    case 'volumeDevices':
      return { type: 'map', keys: ['devicePath'] };
    case 'ports':
      return path.some((p) => CONTAINER_LISTS.has(p)) ? { type: 'map', keys: ['containerPort', 'protocol'] } : { type: 'map', keys: ['port', 'protocol'] };
    case 'conditions':
      return { type: 'map', keys: ['type'] };
    case 'hostAliases':
      return { type: 'map', keys: ['ip'] };
    case 'addresses':
      return parent === 'status' ? { type: 'map', keys: ['type'] } : ATOMIC;
    case 'ownerReferences':
      return { type: 'map', keys: ['uid'] };
    case 'finalizers':
      return parent === 'metadata' ? { type: 'set' } : ATOMIC;
    default:
      return ATOMIC;
  }
}

/** Navigation for built-in kinds (and every object's `metadata`), by field names. */
export function builtinNav(path: readonly string[] = []): FieldNav {
  return {
    field: (name) => builtinNav([...path, name]),
    items: () => builtinNav(path),
    listType: () => builtinListType(path),
    atomicMap: () => path[path.length - 1] === 'selector' && path.length === 2,
  };
}

/** Navigation for a custom resource, driven by its structural schema. */
export function schemaNav(schema: unknown, isRoot = true): FieldNav {
  const node: JsonObject = isObject(schema) ? schema : {};
  const props = isObject(node.properties) ? node.properties : {};
  return {
    field: (name) => (isRoot && name === 'metadata' ? builtinNav(['metadata']) : schemaNav(props[name] ?? node.additionalProperties, false)),
    items: () => schemaNav(node.items, false),
    listType: () => {
      const t = node['x-kubernetes-list-type'];
      const keys = node['x-kubernetes-list-map-keys'];
      if (t === 'map' && Array.isArray(keys)) return { type: 'map', keys: keys as string[] };
      if (t === 'set') return { type: 'set' };
      return ATOMIC;
    },
    atomicMap: () => node['x-kubernetes-map-type'] === 'atomic',
  };
}

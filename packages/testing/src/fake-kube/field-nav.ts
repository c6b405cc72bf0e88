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

/**
 * Navigation for built-in kinds (and every object's `metadata`), by field names. Classes, not
 * closures: a navigation step is taken for every field of every write.
 */
class BuiltinNav implements FieldNav {
  constructor(private readonly path: readonly string[]) {}
  field(name: string): FieldNav {
    return new BuiltinNav([...this.path, name]);
  }
  items(): FieldNav {
    return this;
  }
  listType(): ListType {
    return builtinListType(this.path);
  }
  atomicMap(): boolean {
    return this.path[this.path.length - 1] === 'selector' && this.path.length === 2;
  }
}

export function builtinNav(path: readonly string[] = []): FieldNav {
  return new BuiltinNav(path);
}

/** Navigation for a custom resource, driven by its structural schema. */
class SchemaNav implements FieldNav {
  private readonly node: JsonObject;
  constructor(
    schema: unknown,
    private readonly isRoot: boolean,
  ) {
    this.node = isObject(schema) ? schema : {};
  }
  field(name: string): FieldNav {
    if (this.isRoot && name === 'metadata') return builtinNav(['metadata']);
    const props = isObject(this.node.properties) ? this.node.properties : {};
    return new SchemaNav(props[name] ?? this.node.additionalProperties, false);
  }
  items(): FieldNav {
    return new SchemaNav(this.node.items, false);
  }
  listType(): ListType {
    const t = this.node['x-kubernetes-list-type'];
    const keys = this.node['x-kubernetes-list-map-keys'];
    if (t === 'map' && Array.isArray(keys)) return { type: 'map', keys: keys as string[] };
    if (t === 'set') return { type: 'set' };
    return ATOMIC;
  }
  atomicMap(): boolean {
    return this.node['x-kubernetes-map-type'] === 'atomic';
  }
}

export function schemaNav(schema: unknown, isRoot = true): FieldNav {
  return new SchemaNav(schema, isRoot);
}

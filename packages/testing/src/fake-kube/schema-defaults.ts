/**
 * Structural pruning, null handling and defaulting of custom resources, like the
 * apiextensions-apiserver: unknown fields are dropped unless `x-kubernetes-preserve-unknown-fields`,
 * defaults apply where the parent object exists (including inside applied defaults) (internal).
 */
import { child, index } from './schema-validate.js';
import { clone, isObject, type JsonObject } from './types.js';

const ROOT_KEEP = new Set(['apiVersion', 'kind', 'metadata']);

/** Prunes unknown fields, drops non-nullable nulls and applies defaults in place. Returns the pruned paths. */
export function pruneAndDefault(root: JsonObject, schema: JsonObject): string[] {
  const pruned: string[] = [];
  walk(root, schema, '', true, pruned);
  return pruned;
}

function walk(value: unknown, schema: unknown, path: string, isRoot: boolean, pruned: string[]): void {
  if (!isObject(schema)) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => walk(item, schema.items, index(path, i), false, pruned));
    return;
  }
  if (!isObject(value)) return;
  const props = isObject(schema.properties) ? schema.properties : {};
  const extra = isObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true || schema.additionalProperties === true;
  const embedded = schema['x-kubernetes-embedded-resource'] === true;
  for (const key of Object.keys(value)) {
    const sub = props[key] ?? extra;
    const keep = (isRoot || embedded) && ROOT_KEEP.has(key);
    if (sub === undefined && !preserve && !keep) {
      pruned.push(child(path, key));
      delete value[key];
    } else if (value[key] === null && sub !== undefined && (!isObject(sub) || sub.nullable !== true)) {
      delete value[key];
    }
  }
  for (const [key, sub] of Object.entries(props)) {
    if (value[key] === undefined && isObject(sub) && sub.default !== undefined) value[key] = clone(sub.default);
  }
  for (const key of Object.keys(value)) {
    if (isRoot && key === 'metadata') continue;
    walk(value[key], props[key] ?? extra, child(path, key), false, pruned);
  }
}

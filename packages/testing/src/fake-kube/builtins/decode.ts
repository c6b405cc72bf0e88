/**
 * Decoding a built-in object as kube-apiserver does before anything else (internal): the request's
 * JSON goes into the kind's Go struct, so
 * - fields the type does not have are dropped (and reported by `fieldValidation`: `Strict` fails
 *   with 400, `Warn` adds a warning per field);
 * - `[]byte` fields must be base64 (`illegal base64 data at input byte N`, 400);
 * - `metav1.Time` fields are parsed as RFC 3339 and stored in UTC to the second, `metav1.MicroTime`
 *   fields must have exactly six fractional digits and are stored in UTC (`parsing time …`, 400);
 * - a Secret's `stringData` is merged into `data` (base64), overwriting, and not stored.
 * The 400's message is `<Kind> in version "<v>" cannot be handled as a <Kind>: <Go's error>`.
 */
import type { FieldValidation } from '../admission.js';
import type { ResourceType } from '../resource-type.js';
import { child, index } from '../schema-validate.js';
import { badRequest } from '../status.js';
import { isObject, type JsonObject, type KubeObject } from '../types.js';
import { base64Error } from './go-base64.js';
import { GoTimeError, MICRO_TIME_LAYOUT, parseGoTime, TIME_LAYOUT } from './go-time.js';
import { itemType, modelFields, rootModel, valueType } from './type-map.js';

/** What a walk found: unknown fields (removed) and the first value Go would not decode. */
interface Walk {
  readonly pruned: string[];
  error?: string;
}

/** A leaf value as Go decodes it: the value to store, or an error recorded in `w`. */
function leaf(value: unknown, format: string, w: Walk): unknown {
  if (typeof value !== 'string') return value;
  if (format === 'byte') {
    w.error ??= base64Error(value);
    return value;
  }
  if (format !== 'date-time' && format !== 'date-time-micro') return value;
  try {
    return parseGoTime(format === 'date-time' ? TIME_LAYOUT : MICRO_TIME_LAYOUT, value);
  } catch (e) {
    if (!(e instanceof GoTimeError)) throw e;
    w.error ??= e.message;
    return value;
  }
}

function walkModel(value: JsonObject, fields: ReadonlyMap<string, { type: string; format: string }>, path: string, w: Walk): void {
  for (const key of Object.keys(value)) {
    const field = fields.get(key);
    if (field === undefined) {
      w.pruned.push(child(path, key));
      delete value[key];
    } else value[key] = walk(value[key], field.type, field.format, child(path, key), w);
  }
}

/** Walks `value` as Go type `type`; returns the value to keep. */
function walk(value: unknown, type: string, format: string, path: string, w: Walk): unknown {
  if (value === null || value === undefined) return value;
  const fields = modelFields(type);
  if (fields) {
    if (isObject(value)) walkModel(value, fields, path, w);
    return value;
  }
  const items = itemType(type);
  if (items !== undefined) {
    if (Array.isArray(value)) value.forEach((item, i) => (value[i] = walk(item, items, format, index(path, i), w)));
    return value;
  }
  const values = valueType(type);
  if (values !== undefined) {
    if (isObject(value)) for (const key of Object.keys(value)) value[key] = walk(value[key], values, format, child(path, key), w);
    return value;
  }
  return leaf(value, format, w);
}

/** Merges a Secret's `stringData` into `data`, as the conversion to the internal type does. */
function mergeStringData(obj: JsonObject): void {
  const stringData = obj.stringData;
  delete obj.stringData;
  if (!isObject(stringData)) return;
  const data: JsonObject = isObject(obj.data) ? { ...obj.data } : {};
  for (const [key, value] of Object.entries(stringData)) if (typeof value === 'string') data[key] = Buffer.from(value, 'utf8').toString('base64');
  obj.data = data;
}

/**
 * Decodes a built-in object in place (nothing for custom resources): drops unknown fields,
 * normalizes timestamps, merges `stringData`; throws 400 for a value Go does not decode, or for
 * unknown fields with `Strict`; adds a warning per unknown field with `Warn`.
 */
export function decodeBuiltin(rt: ResourceType, version: string, obj: KubeObject, mode: FieldValidation, warnings: string[]): void {
  const root = rootModel(rt);
  if (root === undefined) return;
  const w: Walk = { pruned: [] };
  walk(obj, root, '', '', w);
  const cannot = `${rt.kind} in version ${JSON.stringify(version)} cannot be handled as a ${rt.kind}`;
  if (w.error !== undefined) throw badRequest(`${cannot}: ${w.error}`);
  if (w.pruned.length > 0 && mode === 'Strict')
    throw badRequest(`${cannot}: strict decoding error: ${w.pruned.map((p) => `unknown field ${JSON.stringify(p)}`).join(', ')}`);
  if (mode === 'Warn') for (const p of w.pruned) warnings.push(`unknown field ${JSON.stringify(p)}`);
  if (rt.key === '/secrets') mergeStringData(obj as JsonObject);
}

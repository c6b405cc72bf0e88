/**
 * OpenAPI v3 (structural) schema validation with kube-apiserver field paths and wording
 * (internal). CEL `x-kubernetes-validations` and `allOf`/`anyOf`/`oneOf`/`not` are not evaluated.
 */
import { deepEqual, isObject, type JsonObject, type StatusCause } from './types.js';

/** Go's `%v`/`%q` rendering of a bad value in a field error. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A field path: `spec.workers[0].name`. */
export const child = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);
export const index = (path: string, i: number): string => `${path}[${i}]`;

const cause = (reason: string, field: string, message: string): StatusCause => ({ reason, message, field });

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(schema: JsonObject, v: unknown): boolean {
  if (schema['x-kubernetes-int-or-string'] === true) return typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
  switch (schema.type) {
    case 'object':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}

const FORMATS: Record<string, (s: string) => boolean> = {
  'date-time': (s) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)),
  uuid: (s) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s),
  ipv4: (s) => /^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)$/.test(s),
  byte: (s) => /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0,
};

/** Validates `value` at `path` against `schema`, appending kube-style causes to `errs`. */
export function validateSchema(value: unknown, schema: unknown, path: string, errs: StatusCause[]): void {
  if (!isObject(schema)) return;
  if (value === null) {
    if (schema.nullable !== true && schema.type !== undefined) {
      errs.push(cause('FieldValueTypeInvalid', path, `Invalid value: "null": ${path} in body must be of type ${String(schema.type)}: "null"`));
    }
    return;
  }
  if (!typeMatches(schema, value)) {
    const actual = typeName(value);
    errs.push(cause('FieldValueTypeInvalid', path, `Invalid value: "${actual}": ${path} in body must be of type ${String(schema.type)}: "${actual}"`));
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => deepEqual(e, value))) {
    const supported = schema.enum.map((e) => JSON.stringify(typeof e === 'string' ? e : JSON.stringify(e))).join(', ');
    errs.push(cause('FieldValueNotSupported', path, `Unsupported value: ${formatValue(value)}: supported values: ${supported}`));
  }
  if (typeof value === 'string') validateString(value, schema, path, errs);
  else if (typeof value === 'number') validateNumber(value, schema, path, errs);
  else if (Array.isArray(value)) validateArray(value, schema, path, errs);
  else if (isObject(value)) validateObject(value, schema, path, errs);
}

function validateString(value: string, schema: JsonObject, path: string, errs: StatusCause[]): void {
  const length = [...value].length;
  if (typeof schema.maxLength === 'number' && length > schema.maxLength) {
    errs.push(cause('FieldValueTooLong', path, `Too long: may not be more than ${schema.maxLength} ${schema.maxLength === 1 ? 'byte' : 'bytes'}`));
  }
  if (typeof schema.minLength === 'number' && length < schema.minLength) {
    errs.push(cause('FieldValueInvalid', path, `Invalid value: ${formatValue(value)}: ${path} in body should be at least ${schema.minLength} chars long`));
  }
  if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
    errs.push(cause('FieldValueInvalid', path, `Invalid value: ${formatValue(value)}: ${path} in body should match '${schema.pattern}'`));
  }
  const check = typeof schema.format === 'string' ? FORMATS[schema.format] : undefined;
  if (check && !check(value)) {
    errs.push(
      cause('FieldValueInvalid', path, `Invalid value: ${formatValue(value)}: ${path} in body must be of type ${String(schema.format)}: ${formatValue(value)}`),
    );
  }
}

function validateNumber(value: number, schema: JsonObject, path: string, errs: StatusCause[]): void {
  const bad = (detail: string) => errs.push(cause('FieldValueInvalid', path, `Invalid value: ${value}: ${path} in body ${detail}`));
  if (typeof schema.minimum === 'number') {
    if (schema.exclusiveMinimum === true ? value <= schema.minimum : value < schema.minimum) {
      bad(`should be greater than ${schema.exclusiveMinimum === true ? '' : 'or equal to '}${schema.minimum}`);
    }
  }
  if (typeof schema.maximum === 'number') {
    if (schema.exclusiveMaximum === true ? value >= schema.maximum : value > schema.maximum) {
      bad(`should be less than ${schema.exclusiveMaximum === true ? '' : 'or equal to '}${schema.maximum}`);
    }
  }
  if (typeof schema.multipleOf === 'number' && schema.multipleOf > 0 && !Number.isInteger(value / schema.multipleOf)) {
    bad(`should be a multiple of ${schema.multipleOf}`);
  }
}

function validateArray(value: unknown[], schema: JsonObject, path: string, errs: StatusCause[]): void {
  if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
    errs.push(cause('FieldValueTooMany', path, `Too many: ${value.length}: must have at most ${schema.maxItems} items`));
  }
  if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
    errs.push(cause('FieldValueInvalid', path, `Invalid value: ${value.length}: ${path} in body should have at least ${schema.minItems} items`));
  }
  if (schema.uniqueItems === true || schema['x-kubernetes-list-type'] === 'set') {
    value.forEach((item, i) => {
      if (value.findIndex((other) => deepEqual(other, item)) < i)
        errs.push(cause('FieldValueDuplicate', index(path, i), `Duplicate value: ${formatValue(item)}`));
    });
  }
  const keys = schema['x-kubernetes-list-map-keys'];
  if (schema['x-kubernetes-list-type'] === 'map' && Array.isArray(keys)) {
    const seen = new Set<string>();
    value.forEach((item, i) => {
      if (!isObject(item)) return;
      const id = JSON.stringify(keys.map((k) => item[k as string]));
      if (seen.has(id)) {
        const entries = keys.map((k) => `${JSON.stringify(k)}:${formatValue(item[k as string])}`).join(', ');
        errs.push(cause('FieldValueDuplicate', index(path, i), `Duplicate value: map[string]interface {}{${entries}}`));
      }
      seen.add(id);
    });
  }
  value.forEach((item, i) => validateSchema(item, schema.items, index(path, i), errs));
}

function validateObject(value: JsonObject, schema: JsonObject, path: string, errs: StatusCause[]): void {
  const props = isObject(schema.properties) ? schema.properties : {};
  for (const req of Array.isArray(schema.required) ? schema.required : []) {
    if (value[req as string] === undefined) errs.push(cause('FieldValueRequired', child(path, req as string), 'Required value'));
  }
  const count = Object.keys(value).length;
  if (typeof schema.maxProperties === 'number' && count > schema.maxProperties) {
    errs.push(cause('FieldValueTooMany', path, `Too many: ${count}: must have at most ${schema.maxProperties} items`));
  }
  if (typeof schema.minProperties === 'number' && count < schema.minProperties) {
    errs.push(cause('FieldValueInvalid', path, `Invalid value: ${count}: ${path} in body should have at least ${schema.minProperties} properties`));
  }
  for (const [key, v] of Object.entries(value)) {
    if (path === '' && key === 'metadata') continue;
    const sub = props[key] ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
    if (sub !== undefined) validateSchema(v, sub, child(path, key), errs);
  }
}

/**
 * CEL types of a structural schema, as kube-apiserver declares them for `x-kubernetes-validations`
 * (its `SchemaDeclType`), and conversion of JSON values to those types (internal).
 *
 * - `type: object` with `properties` → an object type with those fields (names escaped like
 *   kube's `Escape`: `foo-bar` → `foo__dash__bar`, `namespace` → `__namespace__`; names that
 *   cannot be escaped are left out); with `additionalProperties` → `map<string, T>`; with neither
 *   (also under `x-kubernetes-preserve-unknown-fields`) → an object type without fields.
 * - `array` → `list<T>`; `string` → `string`, or `timestamp` (`format: date`/`date-time`),
 *   `duration` (`format: duration`), `bytes` (`format: byte`); `integer` → `int`; `number` →
 *   `double`; `boolean` → `bool`; `x-kubernetes-int-or-string` → `dyn`.
 * - The resource root also has `apiVersion`, `kind` and `metadata` with `name` and
 *   `generateName` only (kube's `WithTypeAndObjectMeta`).
 * - Object types compare with `==`/`!=` by value.
 *
 * Not modelled: `null` values are treated as absent (kube passes CEL `null`); lists with
 * `x-kubernetes-list-type: set|map` compare in order (kube ignores the order); size limits
 * (`maxLength`, `maxItems`) do not feed a cost estimate.
 */
import { Environment, parse } from '@marcbachmann/cel-js';
import { isObject, type JsonObject } from './types.js';

/** The CEL type of a schema node. */
export type Decl =
  | { readonly kind: 'object'; readonly type: string; readonly ctor: new () => object; readonly fields: ReadonlyMap<string, Field> }
  | { readonly kind: 'list'; readonly elem: Decl; readonly type: string }
  | { readonly kind: 'map'; readonly elem: Decl; readonly type: string }
  | { readonly kind: 'scalar'; readonly type: Scalar };

const TIMESTAMP = 'google.protobuf.Timestamp';
const DURATION = 'google.protobuf.Duration';
type Scalar = 'string' | 'int' | 'double' | 'bool' | typeof TIMESTAMP | typeof DURATION | 'bytes' | 'dyn';

/** A field of an object type: the JSON property it reads and its type. */
export interface Field {
  readonly property: string;
  readonly decl: Decl;
}

/** Declarations of one schema: the environment every rule of it compiles in. */
export interface SchemaTypes {
  /** Types registered, no variables: clone it to declare `self` and `oldSelf`. */
  readonly env: Environment;
  /** The CEL type of a schema node (the same object as in the schema tree). */
  declOf(node: JsonObject): Decl | undefined;
}

const RESERVED = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);
const ESCAPES: Record<string, string> = { __: '__underscores__', '.': '__dot__', '-': '__dash__', '/': '__slash__' };

/** A property name as a CEL field name (kube's `Escape`), or undefined when it cannot be one. */
export function escapeProperty(name: string): string | undefined {
  if (name === '' || /^[0-9]/.test(name)) return undefined;
  if (RESERVED.has(name)) return `__${name}__`;
  let ok = true;
  const escaped = name.replace(/__|[-./]|[^a-zA-Z0-9_]/g, (s) => {
    const e = ESCAPES[s];
    if (e === undefined) ok = false;
    return e ?? '';
  });
  return ok ? escaped : undefined;
}

const ROOT_META = { type: 'object', properties: { name: { type: 'string' }, generateName: { type: 'string' } } };

/** A resource root with `apiVersion`, `kind`, `metadata.name` and `metadata.generateName`. */
function withTypeAndObjectMeta(schema: JsonObject): JsonObject {
  const props = isObject(schema.properties) ? schema.properties : {};
  return { ...schema, properties: { ...props, apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: ROOT_META } };
}

/** Builds the CEL types of a CRD version's `openAPIV3Schema`. */
export function schemaTypes(root: JsonObject): SchemaTypes {
  const env = new Environment({ homogeneousAggregateLiterals: true, enableOptionalTypes: true });
  const decls = new Map<JsonObject, Decl | undefined>();
  let count = 0;
  const declare = (node: JsonObject, isRoot: boolean): Decl | undefined => {
    if (decls.has(node)) return decls.get(node);
    const decl = declType(isRoot ? withTypeAndObjectMeta(node) : node);
    decls.set(node, decl);
    return decl;
  };
  const declType = (node: JsonObject): Decl | undefined => {
    if (node['x-kubernetes-int-or-string'] === true) return { kind: 'scalar', type: 'dyn' };
    switch (node.type) {
      case 'array': {
        const elem = isObject(node.items) ? declare(node.items, false) : undefined;
        return elem && { kind: 'list', elem, type: `list<${typeName(elem)}>` };
      }
      case 'object': {
        if (isObject(node.additionalProperties)) {
          const elem = declare(node.additionalProperties, false);
          return elem && { kind: 'map', elem, type: `map<string, ${typeName(elem)}>` };
        }
        const fields = new Map<string, Field>();
        for (const [property, sub] of Object.entries(isObject(node.properties) ? node.properties : {})) {
          const name = escapeProperty(property);
          const decl = isObject(sub) ? declare(sub, false) : undefined;
          if (name !== undefined && decl !== undefined) fields.set(name, { property, decl });
        }
        const type = `Object${count++}`;
        const ctor = namedClass(type);
        env.registerType(type, { ctor, fields: Object.fromEntries([...fields].map(([name, f]) => [name, typeName(f.decl)])) });
        env.registerOperator(`${type} == ${type}`, celEquals);
        return { kind: 'object', type, ctor, fields };
      }
      case 'string':
        return { kind: 'scalar', type: stringType(node.format) };
      case 'integer':
        return { kind: 'scalar', type: 'int' };
      case 'number':
        return { kind: 'scalar', type: 'double' };
      case 'boolean':
        return { kind: 'scalar', type: 'bool' };
      default:
        return undefined;
    }
  };
  const walk = (node: JsonObject, isRoot: boolean): void => {
    declare(node, isRoot);
    for (const sub of Object.values(isObject(node.properties) ? node.properties : {})) if (isObject(sub)) walk(sub, false);
    if (isObject(node.items)) walk(node.items, false);
    if (isObject(node.additionalProperties)) walk(node.additionalProperties, false);
  };
  walk(root, true);
  return { env, declOf: (node) => decls.get(node) };
}

function stringType(format: unknown): Scalar {
  if (format === 'date' || format === 'date-time') return TIMESTAMP;
  if (format === 'duration') return DURATION;
  return format === 'byte' ? 'bytes' : 'string';
}

const typeName = (d: Decl): string => d.type;

function namedClass(name: string): new () => object {
  const ctor = class {};
  Object.defineProperty(ctor, 'name', { value: name });
  return ctor;
}

const toDuration = parse('duration(s)');

/** A JSON value as the CEL value of `decl` (integers as bigint, objects as their type's instances). */
export function toCel(value: unknown, decl: Decl): unknown {
  switch (decl.kind) {
    case 'object': {
      const out = new decl.ctor() as Record<string, unknown>;
      if (!isObject(value)) return out;
      for (const [name, f] of decl.fields) {
        const v = value[f.property];
        if (v !== undefined && v !== null) out[name] = toCel(v, f.decl);
      }
      return out;
    }
    case 'list':
      return Array.isArray(value) ? value.filter((v) => v !== null).map((v) => toCel(v, decl.elem)) : [];
    case 'map':
      return new Map(
        Object.entries(isObject(value) ? value : {})
          .filter(([, v]) => v !== null && v !== undefined)
          .map(([k, v]) => [k, toCel(v, decl.elem)]),
      );
    case 'scalar':
      return scalar(value, decl.type);
  }
}

function scalar(value: unknown, type: string): unknown {
  switch (type) {
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : value;
    case TIMESTAMP:
      return typeof value === 'string' ? new Date(value) : value;
    case DURATION:
      return typeof value === 'string' ? toDuration({ s: value }) : value;
    case 'bytes':
      return typeof value === 'string' ? new Uint8Array(Buffer.from(value, 'base64')) : value;
    case 'dyn':
      return dyn(value);
    default:
      return value;
  }
}

/** An untyped JSON value (int-or-string): integers as int, objects as maps. */
function dyn(value: unknown): unknown {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (Array.isArray(value)) return value.map(dyn);
  if (isObject(value)) return new Map(Object.entries(value).map(([k, v]) => [k, dyn(v)]));
  return value;
}

/** Equality of CEL values, objects by their fields (what `==` is on kube's object types). */
export function celEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof Uint8Array || b instanceof Uint8Array) return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.from(a).equals(b);
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => celEquals(v, b[i]));
  if (a instanceof Map || b instanceof Map) {
    return a instanceof Map && b instanceof Map && a.size === b.size && [...a].every(([k, v]) => b.has(k) && celEquals(v, b.get(k)));
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const ka = Object.keys(a);
  const rb = b as Record<string, unknown>;
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && celEquals((a as Record<string, unknown>)[k], rb[k]));
}

/**
 * zod schema → structural `openAPIV3Schema` for a CustomResourceDefinition.
 *
 * zod writes OpenAPI 3.0 JSON Schema; Kubernetes wants a *structural* subset: every node
 * has a `type` (or `x-kubernetes-preserve-unknown-fields`), no `additionalProperties: false`
 * (unknown fields are pruned instead), integers typed as integers.
 */
import { z } from 'zod';

/** The subset of `JSONSchemaProps` (apiextensions.k8s.io/v1) our CRDs use. */
export interface JSONSchemaProps {
  /** JSON type of the value; every node of a structural schema has one (or preserves unknown fields). */
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  /** What the field is, as `kubectl explain` shows it. */
  description?: string;
  /** Schemas of the known fields of an object. */
  properties?: Record<string, JSONSchemaProps>;
  /** Fields an object must have. */
  required?: string[];
  /** Schema of the elements of an array. */
  items?: JSONSchemaProps;
  /** Schema of the values of a map (an object without `properties`). */
  additionalProperties?: JSONSchemaProps | boolean;
  /** The only values allowed. */
  enum?: unknown[];
  /** Value the API server sets when the field is missing. */
  default?: unknown;
  /** Regular expression (ECMA 262) a string must match. */
  pattern?: string;
  /** Format of a string, e.g. `date-time`, `int-or-string`, `ipv4`. */
  format?: string;
  /** Smallest number allowed. */
  minimum?: number;
  /** Largest number allowed. */
  maximum?: number;
  /** Whether {@link JSONSchemaProps.minimum | minimum} itself is excluded. */
  exclusiveMinimum?: boolean;
  /** Whether {@link JSONSchemaProps.maximum | maximum} itself is excluded. */
  exclusiveMaximum?: boolean;
  /** Shortest string allowed, in characters. */
  minLength?: number;
  /** Longest string allowed, in characters. */
  maxLength?: number;
  /** Fewest array elements allowed. */
  minItems?: number;
  /** Most array elements allowed. */
  maxItems?: number;
  /** Fewest map or object entries allowed. */
  minProperties?: number;
  /** Most map or object entries allowed. */
  maxProperties?: number;
  /** Whether `null` is allowed (kept, instead of pruned). */
  nullable?: boolean;
  /** Keep fields the schema does not name instead of pruning them. */
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  /** How server-side apply merges an array: as a whole (`atomic`), as a `set` of scalars, or as a `map` keyed by `x-kubernetes-list-map-keys`. */
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  /** Fields that identify an element of a `map` list. */
  'x-kubernetes-list-map-keys'?: string[];
  /** How server-side apply merges an object: as a whole (`atomic`) or field by field (`granular`). */
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  /** The value may be an integer or a string (such as a port number or name). */
  'x-kubernetes-int-or-string'?: boolean;
  /** CEL rules the value must satisfy; `message` is returned when one is false. */
  'x-kubernetes-validations'?: { rule: string; message?: string; messageExpression?: string; fieldPath?: string; reason?: string }[];
}

const DROP = new Set(['$schema', 'id', '$id', 'title']);
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Converts a zod schema into a structural OpenAPI v3 schema for a CRD. */
export function toStructuralSchema(schema: z.ZodType): JSONSchemaProps {
  const raw = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' });
  return clean(raw as Record<string, unknown>);
}

function clean(node: Record<string, unknown>): JSONSchemaProps {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROP.has(key)) continue;
    if (key === 'properties') {
      const props = Object.entries(value as Record<string, Record<string, unknown>>);
      if (props.length > 0) out[key] = Object.fromEntries(props.map(([name, child]) => [name, clean(child)]));
    } else if (key === 'items') {
      out[key] = clean(value as Record<string, unknown>);
    } else if (key === 'additionalProperties') {
      if (isOpenSchema(value)) out['x-kubernetes-preserve-unknown-fields'] = true;
      else if (value !== false) out[key] = clean(value as Record<string, unknown>);
    } else {
      out[key] = value;
    }
  }
  if (out.type === 'number' && Array.isArray(out.enum) && out.enum.every(Number.isInteger)) out.type = 'integer';
  if (out.type === 'integer') {
    if (out.maximum === MAX_SAFE) delete out.maximum;
    if (out.minimum === -MAX_SAFE) delete out.minimum;
  }
  if (out.format === 'date-time') delete out.pattern;
  if (typeof out.description === 'string' && out.default !== undefined) out.description = withDefault(out.description, out);
  if (out['x-kubernetes-preserve-unknown-fields'] === true && out.type === undefined) out.type = 'object';
  if (out.type === 'object' && out.properties === undefined && out.additionalProperties === undefined) {
    out['x-kubernetes-preserve-unknown-fields'] = true;
  }
  return out as JSONSchemaProps;
}

/**
 * Appends the default to a description (`kubectl explain` shows no defaults), so the default is
 * written once, in the schema. An object defaulting to `{}` says nothing: its fields' defaults apply.
 */
function withDefault(description: string, node: Record<string, unknown>): string {
  const value = node.default;
  const empty = typeof value === 'object' && value !== null && Object.keys(value).length === 0;
  if (empty && !Array.isArray(value) && node.additionalProperties === undefined) return description;
  const text = empty ? (Array.isArray(value) ? 'an empty list' : 'an empty map') : JSON.stringify(value);
  return `${description} Defaults to ${text}.`;
}

function isOpenSchema(value: unknown): boolean {
  return value === true || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
}

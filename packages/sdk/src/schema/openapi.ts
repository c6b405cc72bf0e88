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
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, JSONSchemaProps>;
  required?: string[];
  items?: JSONSchemaProps;
  additionalProperties?: JSONSchemaProps | boolean;
  enum?: unknown[];
  default?: unknown;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-int-or-string'?: boolean;
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
  if (out['x-kubernetes-preserve-unknown-fields'] === true && out.type === undefined) out.type = 'object';
  if (out.type === 'object' && out.properties === undefined && out.additionalProperties === undefined) {
    out['x-kubernetes-preserve-unknown-fields'] = true;
  }
  return out as JSONSchemaProps;
}

function isOpenSchema(value: unknown): boolean {
  return value === true || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
}

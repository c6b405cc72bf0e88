/**
 * OpenAPI definitions of a custom resource in one served version (internal), as apiextensions'
 * OpenAPI builder makes them (apiextensions-apiserver/pkg/controller/openapi/builder): the CRD's
 * structural schema, with its descriptions, plus `apiVersion`, `kind` and a `metadata` reference
 * to ObjectMeta, `x-kubernetes-group-version-kind` on the kind and on its list. For v2 the schema
 * goes through `ToStructuralOpenAPIV2` first (junctors dropped, nullable and
 * preserve-unknown-fields nodes untyped, so kubectl's v2 reader copes); for v3 it is unfolded
 * (`x-kubernetes-int-or-string` gains its `anyOf`).
 */
import type { ResourceType } from './resource-type.js';
import { clone, isObject, type JsonObject } from './types.js';

const CONVENTIONS = 'https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md';
const TYPE_META: JsonObject = {
  apiVersion: {
    description: `APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: ${CONVENTIONS}#resources`,
    type: 'string',
  },
  kind: {
    description: `Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: ${CONVENTIONS}#types-kinds`,
    type: 'string',
  },
};
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';

/** Which document a definition is for: v2 (`#/definitions/`) or v3 (`#/components/schemas/`). */
export type OpenApiVersion = 'v2' | 'v3';

/** `io.kubeception.v1alpha1.Cluster`: the group reversed, the version, the kind (apiserver's `ToRESTFriendlyName`). */
export function crdDefinitionName(group: string, version: string, kind: string): string {
  return [...group.split('.').reverse(), version, kind].join('.');
}

/** A reference with a description: v2 puts them side by side, v3 wraps the reference in `allOf`. */
export function describedRef(name: string, description: string, openapi: OpenApiVersion): JsonObject {
  return openapi === 'v2' ? { description, $ref: `#/definitions/${name}` } : { description, allOf: [{ $ref: `#/components/schemas/${name}` }] };
}

/** The kind's and its list's definitions in one served version (none when the version is not served). */
export function crdDefinitions(rt: ResourceType, version: string, openapi: OpenApiVersion): Map<string, JsonObject> {
  const served = rt.crd?.versions.get(version);
  if (!rt.crd || !served) return new Map();
  const name = crdDefinitionName(rt.group, version, rt.kind);
  const gvk = (kind: string) => ({ 'x-kubernetes-group-version-kind': [{ group: rt.group, kind, version }] });
  const list: JsonObject = {
    description: `${rt.listKind} is a list of ${rt.kind}`,
    required: ['items'],
    properties: {
      apiVersion: TYPE_META.apiVersion,
      items: {
        description: `List of ${rt.plural}. More info: ${CONVENTIONS}`,
        type: 'array',
        items: { $ref: `${openapi === 'v2' ? '#/definitions/' : '#/components/schemas/'}${name}` },
      },
      kind: TYPE_META.kind,
      metadata: describedRef(LIST_META, `Standard list metadata. More info: ${CONVENTIONS}#types-kinds`, openapi),
    },
    ...gvk(rt.listKind),
  };
  return new Map([
    [name, { ...kindSchema(served.schema, openapi), ...gvk(rt.kind) }],
    [crdDefinitionName(rt.group, version, rt.listKind), list],
  ]);
}

function kindSchema(schema: JsonObject | undefined, openapi: OpenApiVersion): JsonObject {
  if (schema === undefined || (openapi === 'v2' && schema['x-kubernetes-preserve-unknown-fields'] === true)) return { type: 'object' };
  const out = openapi === 'v2' ? toV2(clone(schema)) : unfold(clone(schema));
  const properties = isObject(out.properties) ? out.properties : {};
  out.properties = {
    ...properties,
    ...TYPE_META,
    metadata: describedRef(OBJECT_META, `Standard object's metadata. More info: ${CONVENTIONS}#metadata`, openapi),
  };
  return out;
}

/** Applies `visit` to a schema and every schema below it (properties, items, additionalProperties). */
function walk(schema: JsonObject, visit: (s: JsonObject) => void): JsonObject {
  visit(schema);
  if (isObject(schema.properties)) for (const child of Object.values(schema.properties)) if (isObject(child)) walk(child, visit);
  if (isObject(schema.items)) walk(schema.items, visit);
  if (isObject(schema.additionalProperties)) walk(schema.additionalProperties, visit);
  return schema;
}

/** apiextensions' `ToStructuralOpenAPIV2`, then embedded resources' apiVersion, kind and metadata. */
function toV2(schema: JsonObject): JsonObject {
  return walk(schema, (s) => {
    for (const junctor of ['allOf', 'oneOf', 'anyOf', 'not']) delete s[junctor];
    const props = isObject(s.properties) ? s.properties : {};
    const nullable = new Set(Object.entries(props).flatMap(([k, v]) => (isObject(v) && v.nullable === true ? [k] : [])));
    if (Array.isArray(s.required) && nullable.size > 0) s.required = s.required.filter((r) => !nullable.has(String(r)));
    if (isObject(s.additionalProperties) && s.additionalProperties.nullable === true) delete s.required;
    if (Array.isArray(s.required) && s.required.length === 0) delete s.required;
    const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
    if (s.nullable === true || preserve) {
      if (s.nullable === true || s.type === 'object') delete s.type;
      delete s.nullable;
      delete s.items;
      delete s.properties;
    }
    if (s.type === 'array' && s.items === undefined) delete s.type;
    if (s['x-kubernetes-embedded-resource'] === true && !preserve) embed(s, 'v2');
  });
}

/** Structural `Unfold` (int-or-string gains `anyOf: [integer, string]`) and embedded resources' fields. */
function unfold(schema: JsonObject): JsonObject {
  return walk(schema, (s) => {
    if (s['x-kubernetes-int-or-string'] === true && s.anyOf === undefined && s.allOf === undefined) s.anyOf = [{ type: 'integer' }, { type: 'string' }];
    if (s['x-kubernetes-embedded-resource'] === true) embed(s, 'v3');
  });
}

function embed(s: JsonObject, openapi: OpenApiVersion): void {
  s.properties = {
    ...(isObject(s.properties) ? s.properties : {}),
    apiVersion: {
      ...(TYPE_META.apiVersion as JsonObject),
      description: `apiVersion defines the versioned schema of this representation of an object. More info: ${CONVENTIONS}#resources`,
    },
    kind: {
      ...(TYPE_META.kind as JsonObject),
      description: `kind is a string value representing the type of this object. In CamelCase. More info: ${CONVENTIONS}#types-kinds`,
    },
    metadata: describedRef(OBJECT_META, `Standard object's metadata. More info: ${CONVENTIONS}#metadata`, openapi),
  };
  const required = Array.isArray(s.required) ? s.required.map(String) : [];
  s.required = [...required, ...['kind', 'apiVersion'].filter((r) => !required.includes(r))];
}

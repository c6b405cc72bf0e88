/**
 * What the OpenAPI v2 and v3 documents share (internal): every served kind's definitions, built-in
 * (./openapi-builtin-schemas.ts, built once: the built-ins never change) and custom
 * (./openapi-crd-schemas.ts, per served version), in v2 form (`#/definitions/…`) or v3 form
 * (`#/components/schemas/…`, IntOrString and Quantity as their v3 `oneOf`s); and the PATCH
 * operation each kind's item path publishes, with the query parameters kubectl looks for.
 */
import { builtinDefinitions, packageOf } from './openapi-builtin-schemas.js';
import { crdDefinitionName, crdDefinitions, type OpenApiVersion } from './openapi-crd-schemas.js';
import type { ResourceType } from './resource-type.js';
import { isObject, type JsonObject } from './types.js';

const PATCH = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';
/** Definitions v3 spells differently (kube-openapi's `OpenAPIV3OneOfTypes`). */
const V3_FORMS: Readonly<Record<string, JsonObject>> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { oneOf: [{ type: 'string' }, { type: 'number' }] },
};

const builtinCache = new Map<OpenApiVersion, Map<string, JsonObject>>();

/**
 * `{ '$ref': '#/definitions/X' }` → `#/components/schemas/X`, everywhere in a schema; a reference
 * with siblings (a description) goes into an `allOf` beside them, as kube-openapi writes v3.
 */
function toV3Refs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toV3Refs);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value))
    out[k] = k === '$ref' && typeof v === 'string' ? v.replace('#/definitions/', '#/components/schemas/') : toV3Refs(v);
  if (typeof out.$ref !== 'string' || Object.keys(out).length === 1) return out;
  const { $ref, ...siblings } = out;
  return { allOf: [{ $ref }], ...siblings };
}

/** The built-in kinds' definitions (those of `rts` without a CRD), with the meta/v1 `Patch` the operations read. */
function builtins(rts: readonly ResourceType[], openapi: OpenApiVersion): Map<string, JsonObject> {
  const cached = builtinCache.get(openapi);
  if (cached) return cached;
  const kinds = rts.filter((rt) => !rt.crd).flatMap((rt) => rt.versions.map((version) => ({ group: rt.group, version, kind: rt.kind })));
  const v2 = builtinDefinitions(kinds);
  v2.set(PATCH, { type: 'object' });
  const built = openapi === 'v2' ? v2 : new Map([...v2].map(([name, schema]) => [name, V3_FORMS[name] ?? (toV3Refs(schema) as JsonObject)]));
  builtinCache.set(openapi, built);
  return built;
}

/** The definition name of a served kind in one version. */
export function definitionNameOf(rt: ResourceType, version: string): string {
  return rt.crd ? crdDefinitionName(rt.group, version, rt.kind) : `${packageOf(rt.group, version)}.${rt.kind}`;
}

/** Every served kind's definitions, and what they reference. */
export function allDefinitions(rts: readonly ResourceType[], openapi: OpenApiVersion): Map<string, JsonObject> {
  const all = new Map(builtins(rts, openapi));
  for (const rt of rts)
    for (const version of rt.crd ? rt.versions : []) for (const [name, schema] of crdDefinitions(rt, version, openapi)) all.set(name, schema);
  return all;
}

/** `api/v1` or `apis/apps/v1`. */
export function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** The item path of a kind: `/api/v1/namespaces/{namespace}/configmaps/{name}`. */
export function itemPath(rt: ResourceType, version: string): string {
  const prefix = `/${gvPath(rt.group, version)}`;
  return `${rt.namespaced ? `${prefix}/namespaces/{namespace}` : prefix}/${rt.plural}/{name}`;
}

/** `patchCoreV1NamespacedConfigMap`, `patchKubeceptionIoV1alpha1NamespacedCluster`, as kube-apiserver names operations. */
export function patchOperationId(rt: ResourceType, version: string): string {
  const words = rt.group === '' ? ['core'] : rt.group.replace(/\.k8s\.io$/, '').split('.');
  const group = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  return `patch${group}${version.charAt(0).toUpperCase()}${version.slice(1)}${rt.namespaced ? 'Namespaced' : ''}${rt.kind}`;
}

/** The patch media types an item path consumes (strategic merge for built-ins only). */
export function patchTypes(rt: ResourceType): string[] {
  const strategic = rt.crd ? [] : ['application/strategic-merge-patch+json'];
  return ['application/json-patch+json', 'application/merge-patch+json', ...strategic, 'application/apply-patch+yaml'];
}

/** The query parameters of a PATCH kubectl checks for (`dryRun`, `fieldManager`, `fieldValidation`, `force`). */
export const PATCH_QUERY_PARAMETERS = ['dryRun', 'fieldManager', 'fieldValidation', 'force'] as const;

/** The GVK extension of an operation on a kind. */
export function operationGvk(rt: ResourceType, version: string): JsonObject {
  return { 'x-kubernetes-action': 'patch', 'x-kubernetes-group-version-kind': { group: rt.group, kind: rt.kind, version } };
}

/** The served resources of one group version. */
export function servedIn(rts: readonly ResourceType[], group: string, version: string): ResourceType[] {
  return rts.filter((rt) => rt.group === group && rt.versions.includes(version));
}

/** Whether a kind's items can be patched (not the reviews, which are only created). */
export function servesPatch(rt: ResourceType): boolean {
  return rt.verbs === undefined || rt.verbs.includes('patch');
}

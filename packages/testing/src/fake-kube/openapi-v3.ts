/**
 * `/openapi/v3` and `/openapi/v3/<group-version>` (internal): per group version, an OpenAPI 3.0
 * document whose `components.schemas` hold the kinds served there and every schema they reference
 * (as kube-apiserver's per-group-version documents do), and, of the paths, each kind's PATCH
 * operation with its GVK and the `fieldValidation` query parameter, which kubectl checks before
 * relying on server-side field validation. The index lists each document's URL with a hash of its
 * content, so clients cache them correctly.
 */
import { createHash } from 'node:crypto';
import {
  allDefinitions,
  definitionNameOf,
  gvPath,
  itemPath,
  operationGvk,
  PATCH_QUERY_PARAMETERS,
  patchOperationId,
  patchTypes,
  servedIn,
  servesPatch,
} from './openapi-definitions.js';
import { OPENAPI_INFO } from './openapi-v2.js';
import type { ResourceType } from './resource-type.js';
import { isObject, type JsonObject } from './types.js';

const REF_PREFIX = '#/components/schemas/';

/** The names a schema references, directly. */
function refsOf(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) refsOf(v, into);
  else if (isObject(value))
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(REF_PREFIX)) into.add(v.slice(REF_PREFIX.length));
      else refsOf(v, into);
    }
  return into;
}

/** The schemas named, and every schema they reach, sorted by name. */
function closure(all: ReadonlyMap<string, JsonObject>, roots: readonly string[]): JsonObject {
  const seen = new Set<string>();
  const pending = [...roots];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (seen.has(name) || !all.has(name)) continue;
    seen.add(name);
    pending.push(...refsOf(all.get(name), new Set()));
  }
  return Object.fromEntries([...seen].sort().map((name) => [name, all.get(name)]));
}

function patchOperation(rt: ResourceType, version: string): JsonObject {
  const schema = { $ref: `${REF_PREFIX}${definitionNameOf(rt, version)}` };
  const body = { $ref: `${REF_PREFIX}io.k8s.apimachinery.pkg.apis.meta.v1.Patch` };
  return {
    operationId: patchOperationId(rt, version),
    parameters: PATCH_QUERY_PARAMETERS.map((name) => ({ name, in: 'query', schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true } })),
    requestBody: { content: Object.fromEntries(patchTypes(rt).map((t) => [t, { schema: body }])), required: true },
    responses: { '200': { description: 'OK', content: { 'application/json': { schema } } }, '401': { description: 'Unauthorized' } },
    ...operationGvk(rt, version),
  };
}

/** The OpenAPI document of one group version, or undefined when nothing is served there. */
export function openApiV3Document(rts: readonly ResourceType[], group: string, version: string): JsonObject | undefined {
  const served = servedIn(rts, group, version);
  if (served.length === 0) return undefined;
  const paths: JsonObject = {};
  for (const rt of served.filter(servesPatch)) paths[itemPath(rt, version)] = { patch: patchOperation(rt, version) };
  const all = allDefinitions(rts, 'v3');
  const roots = [...served.map((rt) => definitionNameOf(rt, version)), ...served.map((rt) => `${definitionNameOf(rt, version)}List`)];
  const schemas = closure(all, [...roots, 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch']);
  return { openapi: '3.0.0', info: { ...OPENAPI_INFO }, paths, components: { schemas } };
}

/** The hash of a document in its index entry: SHA-512 of its JSON, hex, upper case (as kube-apiserver's ETag). */
export function documentHash(json: string): string {
  return createHash('sha512').update(json).digest('hex').toUpperCase();
}

/** `/openapi/v3`: the group versions and their document URLs. */
export function openApiV3Index(groups: ReadonlyMap<string, readonly string[]>, hashOf: (group: string, version: string) => string): JsonObject {
  const paths: JsonObject = {};
  for (const [group, versions] of groups) {
    for (const version of versions) {
      const p = gvPath(group, version);
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hashOf(group, version)}` };
    }
  }
  return { paths };
}

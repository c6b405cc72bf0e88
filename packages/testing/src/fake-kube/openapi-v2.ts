/**
 * `/openapi/v2` (internal): a Swagger 2.0 document with a definition for every served kind,
 * built-in and custom, and, of the paths, each kind's item path with its PATCH operation (what
 * kubectl reads: the GVK, the patch types, the `fieldValidation`/`dryRun` parameters). Other
 * operations (get, list, watch…) are not published.
 */
import {
  allDefinitions,
  definitionNameOf,
  itemPath,
  operationGvk,
  PATCH_QUERY_PARAMETERS,
  patchOperationId,
  patchTypes,
  servesPatch,
} from './openapi-definitions.js';
import type { ResourceType } from './resource-type.js';
import type { JsonObject } from './types.js';

/** The `info` of the fake's OpenAPI documents. */
export const OPENAPI_INFO = { title: 'Kubernetes', version: 'v1.32.0' } as const;

const pathParameter = (name: string, description: string): JsonObject => ({ uniqueItems: true, type: 'string', description, name, in: 'path', required: true });

function patchPath(rt: ResourceType, version: string): JsonObject {
  const ref = { $ref: `#/definitions/${definitionNameOf(rt, version)}` };
  const query = PATCH_QUERY_PARAMETERS.map((name) => ({ uniqueItems: true, type: name === 'force' ? 'boolean' : 'string', name, in: 'query' }));
  return {
    patch: {
      consumes: patchTypes(rt),
      produces: ['application/json', 'application/yaml'],
      schemes: ['https'],
      operationId: patchOperationId(rt, version),
      parameters: [{ name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch' } }, ...query],
      responses: { '200': { description: 'OK', schema: ref }, '201': { description: 'Created', schema: ref }, '401': { description: 'Unauthorized' } },
      ...operationGvk(rt, version),
    },
    parameters: [
      pathParameter('name', `name of the ${rt.kind}`),
      ...(rt.namespaced ? [pathParameter('namespace', 'object name and auth scope, such as for teams and projects')] : []),
      { uniqueItems: true, type: 'string', description: "If 'true', then the output is pretty printed.", name: 'pretty', in: 'query' },
    ],
  };
}

/** The Swagger 2.0 document of the served resources. */
export function openApiV2Document(rts: readonly ResourceType[]): JsonObject {
  const paths: JsonObject = {};
  for (const rt of rts.filter(servesPatch)) for (const version of rt.versions) paths[itemPath(rt, version)] = patchPath(rt, version);
  const definitions = allDefinitions(rts, 'v2');
  const sorted = Object.fromEntries([...definitions.keys()].sort().map((name) => [name, definitions.get(name)]));
  return { swagger: '2.0', info: { ...OPENAPI_INFO }, paths, definitions: sorted };
}

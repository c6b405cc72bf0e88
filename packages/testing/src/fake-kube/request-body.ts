/**
 * What a create or update body must say about itself before the write (internal). Custom
 * resources decode as unstructured objects: their `kind` is required and their `apiVersion` must
 * be the URL's. Custom resources and CustomResourceDefinitions do not allow unconditional updates
 * (their strategies' `AllowUnconditionalUpdate` is false): a PUT needs `metadata.resourceVersion`.
 */
import type { KubeApi } from './kube-api.js';
import { apiVersionOf } from './resource-type.js';
import type { ResourceRoute } from './router.js';
import { badRequest, invalid } from './status.js';
import { isObject, type JsonObject } from './types.js';

const CRD_KEY = 'apiextensions.k8s.io/customresourcedefinitions';

/** `body`, when its `apiVersion` and `kind` fit the route; throws kube-apiserver's 400 otherwise. */
export function checkBodyType(r: ResourceRoute, body: JsonObject, raw: string): JsonObject {
  if (!r.rt.crd) return body;
  const expected = apiVersionOf(r.rt.group, r.version);
  if (typeof body.apiVersion === 'string' && body.apiVersion !== '' && body.apiVersion !== expected)
    throw badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${expected})`);
  if (typeof body.kind !== 'string' || body.kind === '')
    throw badRequest(`${r.rt.kind} in version "${r.version}" cannot be handled as a ${r.rt.kind}: Object 'Kind' is missing in '${raw}'`);
  return body;
}

/**
 * Throws the 422 of a PUT without `metadata.resourceVersion` to a kind that refuses unconditional
 * updates (after the 404 of a missing object). The store words it with the resource as the kind.
 */
export function requireResourceVersion(api: KubeApi, r: ResourceRoute, body: JsonObject): void {
  if (!r.rt.crd && r.rt.key !== CRD_KEY) return;
  const rv = isObject(body.metadata) ? body.metadata.resourceVersion : undefined;
  if (typeof rv === 'string' && rv !== '') return;
  const name = r.name ?? '';
  api.get(r.rt, r.namespace ?? '', name);
  throw invalid({ group: r.rt.group, kind: r.rt.plural }, name, [
    { reason: 'FieldValueInvalid', message: 'Invalid value: 0x0: must be specified for an update', field: 'metadata.resourceVersion' },
  ]);
}

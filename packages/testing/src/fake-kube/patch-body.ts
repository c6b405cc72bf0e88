/**
 * Decoding and applying a JSON, merge or strategic merge patch body as kube-apiserver's patch
 * handler does (internal). With `fieldValidation` Warn or Strict (the default) the body is first
 * decoded strictly, so a JSON patch that is no list or a merge patch that is no object is a 400
 * `error decoding patch: …`; with Ignore the older, looser decoding applies (a merge patch that is
 * a list replaces the object, which then does not decode: 422 on the `patch` field). Why a JSON
 * patch operation did not apply is not told: 422 `the server rejected our request …`.
 */
import type { FieldValidation } from './admission.js';
import { typeMetaError } from './http-io.js';
import { applyJsonPatch, applyMergePatch, goJsonType, PatchDecodeError, PatchError } from './json-patch.js';
import type { ResourceType } from './resource-type.js';
import { ApiError, badRequest, goQuote, invalid, unsupportedMediaType } from './status.js';
import { applyStrategicMergePatch } from './strategic-merge.js';
import { isObject, type JsonObject, type Status } from './types.js';

const JSON_PATCH = 'application/json-patch+json';
const MERGE_PATCH = 'application/merge-patch+json';
const STRATEGIC_PATCH = 'application/strategic-merge-patch+json';
const PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, 'application/apply-patch+yaml'];

/** What kube-apiserver says of a JSON patch that does not apply (`NewGenericServerResponse(422, …)`). */
const JSON_PATCH_REFUSED = 'the server rejected our request due to an error in our request';

/** The `accepted media types include` list of a 415 for a resource's patches. */
export function acceptedPatchTypes(rt: ResourceType): string {
  const types = [JSON_PATCH, MERGE_PATCH, 'application/apply-patch+yaml'];
  if (!rt.crd) types.splice(2, 0, STRATEGIC_PATCH);
  return types.join(', ');
}

/** 422 for a patch that cannot be applied. */
export function patchInvalid(message: string, details?: Status['details']): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Invalid',
    ...(details ? { details } : {}),
    code: 422,
  });
}

/**
 * Throws the 415 of a patch type kube-apiserver does not take: go-restful's own answer for a type no
 * patch route consumes, the handler's (listing the types) for a strategic merge patch of a custom resource.
 */
export function checkPatchType(rt: ResourceType, contentType: string): void {
  const type = contentType.split(';')[0]?.trim() ?? '';
  if (type === 'application/apply-patch+cbor') return;
  if (!PATCH_TYPES.includes(type)) throw unsupportedMediaType('415: Unsupported Media Type', {});
  if (type === STRATEGIC_PATCH && rt.crd)
    throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${acceptedPatchTypes(rt)}`);
}

/** The patch body as JSON, refused as the handler decodes it (`kjson.UnmarshalStrict` under Warn or Strict). */
function decodePatch(raw: string, type: string, fieldValidation: FieldValidation): unknown {
  const strict = fieldValidation !== 'Ignore';
  let patch: unknown;
  try {
    patch = JSON.parse(raw) as unknown;
  } catch (e) {
    throw badRequest(strict || type !== MERGE_PATCH ? `error decoding patch: ${(e as Error).message}` : 'Invalid JSON Patch');
  }
  const cannot = (into: string, v: unknown) => `json: cannot unmarshal ${goJsonType(v)} into Go value of type ${into}`;
  if (type === STRATEGIC_PATCH && patch !== null && !isObject(patch)) throw badRequest(cannot('map[string]interface {}', patch));
  if (!strict) return patch;
  if (type === MERGE_PATCH && patch !== null && !isObject(patch)) throw badRequest(`error decoding patch: ${cannot('map[string]interface {}', patch)}`);
  if (type === JSON_PATCH && patch !== null) {
    if (!Array.isArray(patch)) throw badRequest(`error decoding patch: ${cannot('[]handlers.jsonPatchOp', patch)}`);
    const bad = patch.find((op) => !isObject(op));
    if (bad !== undefined) throw badRequest(`error decoding patch: ${cannot('handlers.jsonPatchOp', bad)}`);
  }
  return patch;
}

/** 422 for a patch whose result is no object: the `patch` field cause kube's decoder gives. */
function undecodablePatchResult(patched: unknown): ApiError {
  return invalid({ group: '', kind: '' }, '', [
    { reason: 'FieldValueInvalid', message: `Invalid value: ${goQuote(JSON.stringify(patched))}: ${typeMetaError(patched)}`, field: 'patch' },
  ]);
}

/** `current` with the patch `raw` of media type `type` applied; throws kube-apiserver's answer when it cannot be. */
export function patchedObject(type: string, current: JsonObject, raw: string, fieldValidation: FieldValidation): { patch: unknown; patched: JsonObject } {
  const patch = decodePatch(raw, type, fieldValidation);
  let patched: unknown;
  try {
    if (type === JSON_PATCH) patched = applyJsonPatch(current, patch);
    else if (type === MERGE_PATCH) {
      // evanphx/json-patch's MergePatch takes an object, or a list that replaces the document
      if (!isObject(patch) && !Array.isArray(patch)) throw badRequest('Invalid JSON Patch');
      patched = applyMergePatch(current, patch);
    } else patched = applyStrategicMergePatch(current, patch ?? {});
  } catch (e) {
    if (e instanceof PatchError) throw type === JSON_PATCH ? patchInvalid(JSON_PATCH_REFUSED, {}) : patchInvalid(e.message);
    if (e instanceof PatchDecodeError) throw badRequest(e.message);
    throw e;
  }
  if (!isObject(patched)) throw undecodablePatchResult(patched);
  return { patch, patched };
}

/**
 * `GET`, `PUT` and `PATCH` of `.../<name>/scale`, like kube-apiserver's ScaleREST: the parent is
 * read as an `autoscaling/v1` Scale, the request's Scale (sent, patched or applied) is validated,
 * and only the parent's desired replicas change, through an ordinary update of the parent (so
 * generation, resourceVersion, managedFields and watches follow) (internal).
 */
import { applyConfiguration } from './apply-configuration.js';
import { applyJsonPatch, applyMergePatch, PatchError } from './json-patch.js';
import { acceptedPatchTypes, parseBody, patchInvalid, type KubeApi, type WriteOptions } from './kube-api.js';
import { scaleOf } from './registry.js';
import { apiVersionOf, type ResourceType, type ScalePaths } from './resource-type.js';
import type { ResourceRoute } from './router.js';
import { desiredReplicas, parentWrite, SCALE_API_VERSION, toScale } from './scale.js';
import { badRequest, conflict, pathNotFound, unsupportedMediaType } from './status.js';
import { applyStrategicMergePatch } from './strategic-merge.js';
import { isObject, type JsonObject, type StoredObject } from './types.js';

/** A scale request resolved against the registry. */
interface Target {
  readonly api: KubeApi;
  readonly rt: ResourceType;
  readonly version: string;
  readonly namespace: string;
  readonly name: string;
  readonly paths: ScalePaths;
}

function targetOf(api: KubeApi, r: ResourceRoute): Target {
  const paths = scaleOf(r.rt, r.version);
  if (!paths || r.name === undefined) throw pathNotFound();
  return { api, rt: r.rt, version: r.version, namespace: r.namespace ?? '', name: r.name, paths };
}

function parentOf(t: Target): StoredObject {
  return t.api.present(t.api.get(t.rt, t.namespace, t.name), t.rt, t.version);
}

/** `GET .../<name>/scale`: the parent's Scale. */
export function readScale(api: KubeApi, r: ResourceRoute): JsonObject {
  const t = targetOf(api, r);
  return toScale(parentOf(t), t.paths);
}

/** `PUT .../<name>/scale`: sets the parent's replicas from a whole Scale; answers the new Scale. */
export function updateScale(api: KubeApi, r: ResourceRoute, body: unknown, opts: WriteOptions): JsonObject {
  const t = targetOf(api, r);
  return write(t, parentOf(t), body, opts);
}

/** `PATCH .../<name>/scale` (JSON, merge, strategic merge or apply patch of the Scale); answers the new Scale. */
export function patchScale(api: KubeApi, r: ResourceRoute, contentType: string, raw: string, opts: WriteOptions): JsonObject {
  const t = targetOf(api, r);
  const type = contentType.split(';')[0]?.trim() ?? '';
  if (type === 'application/apply-patch+yaml') return apply(t, raw, opts);
  const current = toScale(parentOf(t), t.paths);
  const patch = parseBody(raw);
  let patched: JsonObject;
  try {
    if (type === 'application/json-patch+json') patched = applyJsonPatch(current, patch);
    else if (type === 'application/merge-patch+json') patched = applyMergePatch(current, patch) as JsonObject;
    else if (type === 'application/strategic-merge-patch+json' && !t.rt.crd) patched = applyStrategicMergePatch(current, patch);
    else throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${acceptedPatchTypes(t.rt)}`);
  } catch (e) {
    if (e instanceof PatchError) throw patchInvalid(e.message);
    throw e;
  }
  return write(t, parentOf(t), patched, opts);
}

/** Checks the type, name, namespace and uid precondition of a Scale sent for `t`; returns its metadata. */
function checked(t: Target, parent: StoredObject, scale: unknown): JsonObject {
  if (!isObject(scale)) throw badRequest('the body of the request is not a JSON object');
  if (scale.apiVersion !== undefined && scale.apiVersion !== '' && scale.apiVersion !== SCALE_API_VERSION) {
    throw badRequest(`the API version in the data (${String(scale.apiVersion)}) does not match the expected API version (${SCALE_API_VERSION})`);
  }
  if (scale.kind !== undefined && scale.kind !== '' && scale.kind !== 'Scale')
    throw badRequest(`the kind in the data (${String(scale.kind)}) does not match the expected kind (Scale)`);
  const meta = isObject(scale.metadata) ? scale.metadata : {};
  if (meta.name !== undefined && meta.name !== '' && meta.name !== t.name)
    throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${t.name})`);
  if (t.rt.namespaced && meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== t.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (typeof meta.uid === 'string' && meta.uid !== '' && meta.uid !== parent.metadata.uid) {
    const why = `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${parent.metadata.uid}`;
    throw conflict({ group: t.rt.group, plural: `${t.rt.plural}/scale` }, t.name, why);
  }
  return meta;
}

/** Writes the replicas of a whole Scale to the parent (its resourceVersion, if any, is a precondition). */
function write(t: Target, parent: StoredObject, scale: unknown, opts: WriteOptions): JsonObject {
  const meta = checked(t, parent, scale);
  const replicas = desiredReplicas(scale as JsonObject, t.name);
  const incoming = parentWrite(t.rt, apiVersionOf(t.rt.group, t.version), t.name, t.paths, replicas, meta.resourceVersion);
  const stored = t.api.update(t.rt, t.version, t.namespace, t.name, incoming, opts, 'scale');
  return toScale(t.api.present(stored, t.rt, t.version), t.paths);
}

/** Server-side apply of a Scale: applied to the parent as `spec.replicas` only, owned with subresource `scale`. */
function apply(t: Target, raw: string, opts: WriteOptions): JsonObject {
  const config = applyConfiguration(raw, SCALE_API_VERSION, 'Scale');
  const meta = checked(t, parentOf(t), config);
  const replicas = isObject(config.spec) && config.spec.replicas !== undefined ? desiredReplicas(config, t.name) : undefined;
  const parentConfig = parentWrite(t.rt, apiVersionOf(t.rt.group, t.version), t.name, t.paths, replicas, meta.resourceVersion);
  const stored = t.api.patch(t.rt, t.version, t.namespace, t.name, 'application/apply-patch+yaml', JSON.stringify(parentConfig), opts, 'scale');
  return toScale(t.api.present(stored, t.rt, t.version), t.paths);
}

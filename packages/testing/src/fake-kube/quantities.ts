/**
 * Resource quantities of built-in kinds, as kube-apiserver decodes and re-encodes them (internal).
 * A built-in object's quantities are Go `resource.Quantity` values, so every write stores and
 * returns them in canonical form: `20480Mi` comes back as `20Gi`, `0.5` as `500m` (the rules are
 * `canonicalQuantity`'s, in `@kubeception/sdk`). The values of a `ResourceList` are first rounded
 * up to a whole milli, as `SetDefaults_ResourceList` does. A quantity the server cannot parse
 * refuses the write, worded as kube-apiserver words it:
 * - create and update (the body does not decode): 400 BadRequest,
 *   `Deployment in version "v1" cannot be handled as a Deployment: quantities must match …`;
 * - JSON, merge and strategic merge patches (the patched object does not decode): 422 Invalid on
 *   field `patch`, ` "" is invalid: patch: Invalid value: "…": quantities must match …`;
 * - server-side apply (the merged object does not convert): 500 without a reason,
 *   `failed to convert new object (<namespace>/<name>; apps/v1, Kind=Deployment) to proper version: …`.
 * No message carries the quantity's field path: the real server's do not either.
 *
 * Fields: `resources.{requests,limits}` and `env[*].valueFrom.resourceFieldRef.divisor` of
 * containers, init containers and ephemeral containers; pod `overhead` and pod-level `resources`;
 * volumes' `emptyDir.sizeLimit`, downward API and projected `resourceFieldRef.divisor`, ephemeral
 * `volumeClaimTemplate.spec.resources`; the pod status's `allocatedResources` and `resources` of
 * containers; PersistentVolumeClaim `spec.resources` and `status.{capacity,allocatedResources}`;
 * Node `status.{capacity,allocatable}`. Pods, and the pod templates of Deployments, ReplicaSets,
 * DaemonSets and Jobs (the fake serves no StatefulSets, ResourceQuotas or LimitRanges).
 *
 * ## Not modelled
 * - Custom resources: a CRD schema has no quantity type, and kube-apiserver keeps a custom
 *   resource's quantity strings as written (`x-kubernetes-int-or-string` fields included); so does
 *   the fake.
 * - JSON numbers: kube-apiserver parses a number's text (`1e3` stays `1e3`), the fake its value
 *   (`1e3` becomes `1k`).
 * - The object in a patch's message: the server writes it as Go encodes it (its field order),
 *   the fake as it holds it.
 * - Validation of the values (negative requests, limits below requests).
 */
import { canonicalQuantity, QuantityError, quantityError } from '@kubeception/sdk';
import type { ResourceType } from './resource-type.js';
import { ApiError, badRequest } from './status.js';
import { isObject, type JsonObject } from './types.js';

/** Makes the error a write answers with, from the quantity parser's message. */
export type QuantityRefusal = (message: string) => ApiError;

const obj = (v: unknown): JsonObject | undefined => (isObject(v) ? v : undefined);
const items = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** One walk over an object: the edits to make once every quantity parsed, and how to refuse one that does not. */
interface Walk {
  readonly refuse: QuantityRefusal;
  readonly edits: (() => void)[];
}

/** Canonicalises one quantity field (`list`: a ResourceList value), or throws. */
function fix(holder: JsonObject | undefined, key: string, list: boolean, w: Walk): void {
  const value = holder?.[key];
  if (holder === undefined || value === undefined) return;
  if (value === null) {
    // Go decodes null into a map's Quantity as zero, and into a *Quantity field as nil (omitted)
    w.edits.push(list ? () => (holder[key] = '0') : () => delete holder[key]);
    return;
  }
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : undefined;
  const canonical = text === undefined ? undefined : canonicalQuantity(text, { resourceList: list });
  if (canonical === undefined) throw w.refuse((text === undefined ? undefined : quantityError(text)) ?? QuantityError.FormatWrong);
  if (canonical !== value) w.edits.push(() => (holder[key] = canonical));
}

function resourceList(holder: JsonObject | undefined, key: string, w: Walk): void {
  const list = holder?.[key];
  if (holder === undefined) return;
  if (list === null) w.edits.push(() => delete holder[key]);
  else if (isObject(list)) for (const name of Object.keys(list)) fix(list, name, true, w);
}

function requirements(holder: JsonObject | undefined, w: Walk): void {
  resourceList(holder, 'requests', w);
  resourceList(holder, 'limits', w);
}

function podSpec(spec: JsonObject | undefined, w: Walk): void {
  if (spec === undefined) return;
  for (const c of [...items(spec.containers), ...items(spec.initContainers), ...items(spec.ephemeralContainers)]) {
    requirements(obj(c.resources), w);
    for (const env of items(c.env)) fix(obj(obj(env.valueFrom)?.resourceFieldRef), 'divisor', false, w);
  }
  resourceList(spec, 'overhead', w);
  requirements(obj(spec.resources), w);
  for (const volume of items(spec.volumes)) {
    fix(obj(volume.emptyDir), 'sizeLimit', false, w);
    const downward = [...items(obj(volume.downwardAPI)?.items), ...items(obj(volume.projected)?.sources).flatMap((s) => items(obj(s.downwardAPI)?.items))];
    for (const item of downward) fix(obj(item.resourceFieldRef), 'divisor', false, w);
    requirements(obj(obj(obj(obj(volume.ephemeral)?.volumeClaimTemplate)?.spec)?.resources), w);
  }
}

function podStatus(status: JsonObject | undefined, w: Walk): void {
  if (status === undefined) return;
  for (const s of [...items(status.containerStatuses), ...items(status.initContainerStatuses), ...items(status.ephemeralContainerStatuses)]) {
    resourceList(s, 'allocatedResources', w);
    requirements(obj(s.resources), w);
  }
}

/**
 * Canonicalises, in place, every quantity of a built-in object; throws `refuse(…)` at the first
 * the server cannot parse, leaving the object as it was.
 */
export function canonicalizeQuantities(rt: ResourceType, object: JsonObject, refuse: QuantityRefusal): void {
  if (rt.crd !== undefined) return;
  const w: Walk = { refuse, edits: [] };
  const spec = obj(object.spec);
  const status = obj(object.status);
  switch (rt.key) {
    case '/pods':
      podSpec(spec, w);
      podStatus(status, w);
      break;
    case 'apps/deployments':
    case 'apps/replicasets':
    case 'apps/daemonsets':
    case 'batch/jobs':
      podSpec(obj(obj(spec?.template)?.spec), w);
      break;
    case '/persistentvolumeclaims':
      requirements(obj(spec?.resources), w);
      resourceList(status, 'capacity', w);
      resourceList(status, 'allocatedResources', w);
      break;
    case '/nodes':
      resourceList(status, 'capacity', w);
      resourceList(status, 'allocatable', w);
      break;
  }
  for (const edit of w.edits) edit();
}

/** Create and update: the body does not decode (400). */
export const undecodableBody =
  (rt: ResourceType, version: string): QuantityRefusal =>
  (message) =>
    badRequest(`${rt.kind} in version ${JSON.stringify(version)} cannot be handled as a ${rt.kind}: ${message}`);

/** JSON, merge and strategic merge patches: the patched object (or, for a strategic merge, the patch, as Go prints it) does not decode (422). */
export const undecodablePatch =
  (shown: () => string): QuantityRefusal =>
  (message) => {
    const cause = `Invalid value: ${JSON.stringify(shown())}: ${message}`;
    return new ApiError({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: ` "" is invalid: patch: ${cause}`,
      reason: 'Invalid',
      details: { causes: [{ reason: 'FieldValueInvalid', message: cause, field: 'patch' }] },
      code: 422,
    });
  };

/** Server-side apply: the merged object does not convert to the typed object (500, no reason). */
export const unconvertibleApply =
  (rt: ResourceType, version: string, config: JsonObject): QuantityRefusal =>
  (message) => {
    const meta = obj(config.metadata);
    const gvk = `${rt.group}/${version}, Kind=${rt.kind}`;
    const at = `${String(meta?.namespace ?? '')}/${String(meta?.name ?? '')}; ${gvk}`;
    return new ApiError({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `failed to convert new object (${at}) to proper version: unable to convert unstructured object to ${gvk}: ${message}`,
      code: 500,
    });
  };

/** A decoded JSON number as Go's `%v` prints it: integers as such, other numbers in `%g` form. */
function goNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  const [mantissa = '', power = '0'] = n.toExponential().split('e');
  const exponent = Number(power);
  const exponential = exponent < -4 || exponent >= 6;
  return exponential ? `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}` : String(n);
}

/** A JSON value as Go's `%+v` prints it once decoded (`map[spec:map[replicas:1]]`), for a strategic merge patch's message. */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (isObject(v))
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goValue(v[k])}`)
      .join(' ')}]`;
  return typeof v === 'number' ? goNumber(v) : String(v);
}

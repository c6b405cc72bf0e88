/**
 * The `scale` subresource's object: an `autoscaling/v1` Scale read from its parent (Deployment,
 * ReplicaSet, or a custom resource with `subresources.scale`), and the parent after a scale write
 * (internal).
 */
import type { ScalePaths } from './resource-type.js';
import { badRequest, invalid } from './status.js';
import { clone, isObject, type JsonObject, type KubeObject } from './types.js';

/** `autoscaling/v1`. */
export const SCALE_API_VERSION = 'autoscaling/v1';

/** `.spec.replicas` → `['spec', 'replicas']`. */
const fieldPath = (path: string): string[] => path.split('.').filter((p) => p !== '');

/** The value at a simple JSON path (undefined when any step is missing). */
export function readPath(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const step of fieldPath(path)) {
    if (!isObject(cur)) return undefined;
    cur = cur[step];
  }
  return cur;
}

/** Sets (or, for undefined, deletes) the value at a simple JSON path, creating objects on the way. */
export function writePath(obj: JsonObject, path: string, value: unknown): void {
  const steps = fieldPath(path);
  const last = steps.pop();
  if (last === undefined) return;
  let cur = obj;
  for (const step of steps) {
    if (!isObject(cur[step])) {
      if (value === undefined) return;
      cur[step] = {};
    }
    cur = cur[step] as JsonObject;
  }
  if (value === undefined) delete cur[last];
  else cur[last] = value;
}

/** A requirement of a selector string, and the key it sorts by. */
interface Requirement {
  readonly key: string;
  readonly text: string;
}

function expressionRequirement(e: JsonObject): Requirement | undefined {
  const key = typeof e.key === 'string' ? e.key : '';
  const values = [...new Set(Array.isArray(e.values) ? e.values.map(String) : [])].sort();
  switch (e.operator) {
    case 'In':
      return { key, text: `${key} in (${values.join(',')})` };
    case 'NotIn':
      return { key, text: `${key} notin (${values.join(',')})` };
    case 'Exists':
      return { key, text: key };
    case 'DoesNotExist':
      return { key, text: `!${key}` };
    default:
      return undefined;
  }
}

/**
 * A `LabelSelector` as a selector string, like `metav1.LabelSelectorAsSelector(...).String()`:
 * requirements sorted by key, `a=b`, `k in (x,y)`, `k notin (x)`, `k`, `!k`, joined by commas.
 */
export function selectorString(selector: unknown): string {
  if (!isObject(selector)) return '';
  const reqs: Requirement[] = [];
  if (isObject(selector.matchLabels)) for (const [k, v] of Object.entries(selector.matchLabels)) reqs.push({ key: k, text: `${k}=${String(v)}` });
  for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []) {
    const req = isObject(e) ? expressionRequirement(e) : undefined;
    if (req) reqs.push(req);
  }
  return reqs
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.text)
    .join(',');
}

const int = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) ? v : 0);

/** The Scale of a parent object, as `GET .../<name>/scale` answers it. */
export function toScale(parent: KubeObject, paths: ScalePaths): JsonObject {
  const m = parent.metadata;
  const metadata: JsonObject = { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp };
  for (const k of Object.keys(metadata)) if (metadata[k] === undefined) delete metadata[k];
  const replicas = int(readPath(parent, paths.specReplicasPath));
  const raw = paths.labelSelectorPath === '' ? undefined : readPath(parent, paths.labelSelectorPath);
  const selector = typeof raw === 'string' ? raw : selectorString(raw);
  const status: JsonObject = { replicas: int(readPath(parent, paths.statusReplicasPath)) };
  if (selector !== '') status.selector = selector;
  // ScaleSpec.replicas is `omitempty` in autoscaling/v1: zero replicas leave `spec` empty.
  return { kind: 'Scale', apiVersion: SCALE_API_VERSION, metadata, spec: replicas === 0 ? {} : { replicas }, status };
}

const INT32_MAX = 2 ** 31 - 1;

/** The desired replicas of a Scale sent by a client: 400 when not an int32, 422 when negative. */
export function desiredReplicas(scale: JsonObject, name: string): number {
  const value = isObject(scale.spec) ? scale.spec.replicas : undefined;
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > INT32_MAX) {
    const what = typeof value === 'number' ? `number ${value}` : Array.isArray(value) ? 'array' : typeof value;
    throw badRequest(
      `Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${what} into Go struct field ScaleSpec.spec.replicas of type int32`,
    );
  }
  if (value < 0) {
    throw invalid({ group: 'autoscaling', kind: 'Scale' }, name, [
      { reason: 'FieldValueInvalid', message: `Invalid value: ${value}: must be greater than or equal to 0`, field: 'spec.replicas' },
    ]);
  }
  return value;
}

/** A parent-shaped object carrying only what a scale write changes: the replicas (and a resourceVersion precondition). */
export function parentWrite(
  rt: { kind: string },
  apiVersion: string,
  name: string,
  paths: ScalePaths,
  replicas: number | undefined,
  resourceVersion: unknown,
): KubeObject {
  const obj: KubeObject = { apiVersion, kind: rt.kind, metadata: { name } };
  if (typeof resourceVersion === 'string' && resourceVersion !== '') obj.metadata.resourceVersion = resourceVersion;
  if (replicas !== undefined) writePath(obj as JsonObject, paths.specReplicasPath, replicas);
  return obj;
}

/** The parent after a scale write: `current` with the replicas of `incoming` and nothing else changed. */
export function withReplicasOf(current: KubeObject, incoming: KubeObject, paths: ScalePaths): KubeObject {
  const next = { ...clone(current), metadata: { ...clone(current.metadata) } };
  writePath(next as JsonObject, paths.specReplicasPath, readPath(incoming, paths.specReplicasPath));
  return next;
}

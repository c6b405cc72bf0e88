/**
 * Deletion: preconditions, propagation policy (Background / Foreground / Orphan), finalizers and
 * `deletionTimestamp`, namespaces going Terminating (internal). Graceful pod termination only
 * when `api.gracefulPods` is on: a pod bound to a node and not finished is kept with
 * `deletionTimestamp` (now + grace) and `deletionGracePeriodSeconds` until a kubelet deletes it
 * again with `gracePeriodSeconds: 0`; otherwise objects without finalizers go at once.
 */
import type { KubeApi } from './kube-api.js';
import { editable, now } from './object-meta.js';
import type { ResourceType } from './resource-type.js';
import { conflict, forbidden } from './status.js';
import { isObject, type JsonObject, type KubeObject, type StoredObject } from './types.js';

/** `DeleteOptions`, from the body and the query. */
export interface DeleteOptions {
  readonly propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  readonly orphanDependents?: boolean;
  readonly gracePeriodSeconds?: number;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  readonly dryRun: boolean;
}

export const ORPHAN = 'orphan';
export const FOREGROUND = 'foregroundDeletion';
const IMMORTAL = new Set(['default', 'kube-system', 'kube-public']);

/** Reads DeleteOptions from a request body (may be empty) and query. */
export function deleteOptionsOf(body: unknown, query: URLSearchParams): DeleteOptions {
  const b: JsonObject = isObject(body) ? body : {};
  // validated by ./options.ts
  const policy = (query.get('propagationPolicy') ?? b.propagationPolicy) as unknown;
  const grace = query.get('gracePeriodSeconds') ?? b.gracePeriodSeconds;
  const orphan = query.get('orphanDependents') ?? b.orphanDependents;
  const opts: { -readonly [K in keyof DeleteOptions]: DeleteOptions[K] } = {
    dryRun: query.getAll('dryRun').includes('All') || (Array.isArray(b.dryRun) && b.dryRun.includes('All')),
  };
  if (policy) opts.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
  if (grace !== undefined && grace !== null) opts.gracePeriodSeconds = Number(grace);
  if (orphan !== undefined && orphan !== null) opts.orphanDependents = orphan === true || orphan === 'true';
  if (isObject(b.preconditions)) opts.preconditions = b.preconditions as DeleteOptions['preconditions'];
  return opts;
}

/** The result of a delete: the object, and whether it is gone already. */
export interface DeleteResult {
  readonly object: StoredObject;
  readonly deleted: boolean;
}

/** `rest.BeforeDelete`'s early precondition check: a Conflict on the object's kind (not its resource). */
function checkPreconditions(rt: ResourceType, obj: StoredObject, opts: DeleteOptions): void {
  const pre = opts.preconditions;
  const kind = { group: rt.group, plural: rt.kind };
  if (pre?.uid && pre.uid !== obj.metadata.uid) {
    const why = `the UID in the precondition (${pre.uid}) does not match the UID in record (${obj.metadata.uid}). The object might have been deleted and then recreated`;
    throw conflict(kind, obj.metadata.name, why);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
    const why = `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${obj.metadata.resourceVersion}). The object might have been modified`;
    throw conflict(kind, obj.metadata.name, why);
  }
}

/** Finalizers after applying the propagation policy. */
function finalizersFor(obj: KubeObject, opts: DeleteOptions): string[] {
  const current = obj.metadata.finalizers ?? [];
  let policy = opts.propagationPolicy;
  if (policy === undefined && opts.orphanDependents !== undefined) policy = opts.orphanDependents ? 'Orphan' : 'Background';
  if (policy === undefined) return current;
  const rest = current.filter((f) => f !== ORPHAN && f !== FOREGROUND);
  if (policy === 'Orphan') return [...rest, ORPHAN];
  if (policy === 'Foreground') return [...rest, FOREGROUND];
  return rest;
}

/** Deletes one object following kube's rules. */
export function deleteObject(api: KubeApi, rt: ResourceType, namespace: string, name: string, opts: DeleteOptions): DeleteResult {
  const obj = api.get(rt, namespace, name);
  checkPreconditions(rt, obj, opts);
  if (rt.key === '/namespaces' && IMMORTAL.has(name)) throw forbidden(rt, name, 'this namespace may not be deleted');
  if (obj.metadata.deletionTimestamp !== undefined) return updateDeleting(api, rt, obj, opts);
  const next = editable(obj);
  next.metadata.finalizers = finalizersFor(obj, opts);
  if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
  const terminating = rt.key === '/namespaces';
  const grace = gracePeriodOf(api, rt, obj, opts);
  if ((next.metadata.finalizers ?? []).length === 0 && !terminating && grace === 0) {
    if (opts.dryRun) return { object: obj, deleted: true };
    return { object: api.store.remove(rt.key, obj), deleted: true };
  }
  next.metadata.deletionTimestamp = nowPlus(grace);
  next.metadata.deletionGracePeriodSeconds = grace;
  if ((next.metadata.generation ?? 0) > 0) next.metadata.generation = (next.metadata.generation ?? 0) + 1;
  if (terminating) next.status = { ...(isObject(next.status) ? next.status : {}), phase: 'Terminating' };
  if (opts.dryRun) return { object: next, deleted: false };
  return { object: api.commit(rt, next, obj), deleted: false };
}

/**
 * The grace period of a deletion: 0 except for pods under `gracefulPods` that are bound to a node
 * and not finished, which get `gracePeriodSeconds`, else `spec.terminationGracePeriodSeconds`, else 30.
 */
function gracePeriodOf(api: KubeApi, rt: ResourceType, obj: StoredObject, opts: DeleteOptions): number {
  if (rt.key !== '/pods' || !api.gracefulPods) return 0;
  const spec = isObject(obj.spec) ? obj.spec : {};
  const phase = isObject(obj.status) ? obj.status.phase : undefined;
  if (typeof spec.nodeName !== 'string' || spec.nodeName === '' || phase === 'Succeeded' || phase === 'Failed') return 0;
  const fallback = typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30;
  const asked = opts.gracePeriodSeconds ?? fallback;
  return Number.isFinite(asked) && asked > 0 ? Math.floor(asked) : 0;
}

/** `now()` plus some seconds, in the API's timestamp format. */
function nowPlus(seconds: number): string {
  return seconds === 0 ? now() : new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A second delete of an object already being deleted may still switch the propagation finalizers,
 * and may shorten the grace period of a terminating pod (0 removes it once no finalizers are left).
 */
function updateDeleting(api: KubeApi, rt: ResourceType, obj: StoredObject, opts: DeleteOptions): DeleteResult {
  const finalizers = finalizersFor(obj, opts);
  const same = finalizers.length === (obj.metadata.finalizers ?? []).length && finalizers.every((f) => obj.metadata.finalizers?.includes(f));
  const current = obj.metadata.deletionGracePeriodSeconds ?? 0;
  const grace = current > 0 && opts.gracePeriodSeconds !== undefined ? Math.min(current, gracePeriodOf(api, rt, obj, opts)) : current;
  if ((same && grace === current) || opts.dryRun) return { object: obj, deleted: false };
  const next = editable(obj);
  next.metadata.finalizers = finalizers;
  if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
  if (grace !== current) {
    next.metadata.deletionGracePeriodSeconds = grace;
    next.metadata.deletionTimestamp = nowPlus(grace);
  }
  const stored = api.commit(rt, next, obj);
  return { object: stored, deleted: api.store.get(rt.key, stored.metadata.namespace ?? '', stored.metadata.name) === undefined };
}

/** Removes one finalizer (as a controller would); the object goes when none are left. */
export function removeFinalizer(api: KubeApi, rt: ResourceType, obj: StoredObject, finalizer: string): void {
  if (!obj.metadata.finalizers?.includes(finalizer)) return;
  const next = editable(obj);
  next.metadata.finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
  api.commit(rt, next, obj);
}

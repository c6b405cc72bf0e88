/** Which cache events are worth a reconcile. */
import { Annotation } from '../vocabulary.js';
import type { KubeObject } from '../resource.js';
import { jsonEqual } from './status.js';

/**
 * Whether an update changed more than status and bookkeeping (resourceVersion,
 * managedFields): our own status writes then cause no extra reconcile.
 */
export function changedBeyondStatus(previous: KubeObject | undefined, next: KubeObject): boolean {
  if (previous === undefined) return true;
  return !jsonEqual(strip(previous), strip(next));
}

/**
 * `changedBeyondStatus`, except when the only other change is `finalizer` being added: a
 * controller that adds its finalizer and goes on in the same pass (as `withFinalizer` does) needs
 * no second pass for that write. A finalizer removed, or added by anyone besides, still counts.
 */
export function changedBeyondStatusOrFinalizer(finalizer: string): (previous: KubeObject | undefined, next: KubeObject) => boolean {
  return (previous, next) => {
    if (!changedBeyondStatus(previous, next)) return false;
    const before = previous?.metadata?.finalizers ?? [];
    const after = next.metadata?.finalizers ?? [];
    if (previous === undefined || before.includes(finalizer) || !after.includes(finalizer)) return true;
    const others = after.filter((f) => f !== finalizer);
    const { finalizers: _all, ...meta } = next.metadata ?? {};
    const withoutIt = { ...next, metadata: others.length > 0 || previous.metadata?.finalizers !== undefined ? { ...meta, finalizers: others } : meta };
    return changedBeyondStatus(previous, withoutIt);
  };
}

function strip(object: KubeObject): unknown {
  const { status: _status, metadata = {}, ...rest } = object as KubeObject & { status?: unknown };
  const { resourceVersion: _rv, managedFields: _mf, ...meta } = metadata;
  return { ...rest, metadata: meta };
}

/** `spec.paused: true`, or the `kubeception.io/paused` annotation with any value but "false". */
export function isPaused(object: KubeObject): boolean {
  const annotation = object.metadata?.annotations?.[Annotation.Paused];
  if (annotation !== undefined && annotation !== 'false') return true;
  return (object as { spec?: { paused?: unknown } }).spec?.paused === true;
}

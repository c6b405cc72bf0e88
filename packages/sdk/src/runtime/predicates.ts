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

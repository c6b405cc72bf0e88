/**
 * `withFinalizer`: the one place the finalizer protocol is written.
 */
import { type ResultAsync, errAsync, okAsync } from 'neverthrow';
import type { KubeError } from '../kube/errors.js';
import type { KubeObject, Persisted } from '../resource.js';
import { done, type Action } from './action.js';
import type { ReconcileContext, Reconciler } from './controller.js';

/** The two halves of a finalized reconcile. */
export interface FinalizerHandlers<T extends KubeObject, I extends KubeObject, E> {
  /** Converges the world toward the object. Runs only while the finalizer is on the object. */
  readonly apply: Reconciler<T, I, E>;
  /**
   * Removes everything `apply` made. Must tolerate `apply` never having run, and being run
   * again after a crash. `done` lets the finalizer go; `requeueAfter`/`waitFor` keep it.
   */
  readonly cleanup: Reconciler<T, I, E>;
}

/** What can fail in {@link withFinalizer}. */
export type FinalizerError<E> =
  | { readonly kind: 'AddFinalizer'; readonly cause: KubeError }
  | { readonly kind: 'RemoveFinalizer'; readonly cause: KubeError }
  | { readonly kind: 'ApplyFailed'; readonly cause: E }
  | { readonly kind: 'CleanupFailed'; readonly cause: E };

/**
 * Wraps `apply` and `cleanup` into one reconcile function guarded by finalizer `name`.
 *
 * ## Guarantees
 * - The finalizer is on the object (stored, with a resourceVersion precondition) before
 *   `apply` is called, so nothing `apply` creates can outlive the object unnoticed.
 * - Once `deletionTimestamp` is set, `cleanup` runs (again on every reconcile) until it
 *   returns `done`; only then is the finalizer removed, again with a resourceVersion
 *   precondition, so a concurrent change makes the removal fail and retry, never lose work.
 * - An object being deleted that does not carry the finalizer gets no `apply` and no
 *   `cleanup`: nothing was created for it, and it is never written to (never resurrected).
 *
 * ## Assumptions
 * - One controller owns finalizer `name`.
 * - `apply` and `cleanup` are idempotent: a crash between `cleanup` and the finalizer's
 *   removal runs `cleanup` once more.
 *
 * ## Errors
 * `AddFinalizer` / `RemoveFinalizer` wrap the API error (a Conflict just means "retry");
 * `ApplyFailed` / `CleanupFailed` wrap the handler's error. Terminal handler errors stay
 * terminal (`terminal` is copied).
 */
export function withFinalizer<T extends KubeObject, I extends KubeObject, E>(
  name: string,
  handlers: FinalizerHandlers<T, I, E>,
): Reconciler<T, I, FinalizerError<E>> {
  return (object, ctx): ResultAsync<Action, FinalizerError<E>> => {
    const has = (object.metadata.finalizers ?? []).includes(name);
    if (object.metadata.deletionTimestamp !== undefined) {
      if (!has) return okAsync(done());
      return handlers
        .cleanup(object, ctx)
        .mapErr((cause) => wrap('CleanupFailed', cause))
        .andThen((action) => (action.type === 'done' ? removeFinalizer<T, I, E>(object, ctx, name) : okAsync(action)));
    }
    const ready: ResultAsync<Persisted<T>, FinalizerError<E>> = has ? okAsync(object) : addFinalizer<T, I, E>(object, ctx, name);
    return ready.andThen((current) => handlers.apply(current, ctx).mapErr((cause) => wrap('ApplyFailed', cause)));
  };
}

function addFinalizer<T extends KubeObject, I extends KubeObject, E>(
  object: Persisted<T>,
  ctx: ReconcileContext<T, I>,
  name: string,
): ResultAsync<Persisted<T>, FinalizerError<E>> {
  const finalizers = [...(object.metadata.finalizers ?? []), name];
  return patchMeta(object, ctx, finalizers).mapErr((cause) => ({ kind: 'AddFinalizer', cause }) as const);
}

function removeFinalizer<T extends KubeObject, I extends KubeObject, E>(
  object: Persisted<T>,
  ctx: ReconcileContext<T, I>,
  name: string,
): ResultAsync<Action, FinalizerError<E>> {
  const finalizers = (object.metadata.finalizers ?? []).filter((f) => f !== name);
  return patchMeta(object, ctx, finalizers)
    .orElse((cause) => (cause.kind === 'NotFound' ? okAsync(object) : errAsync(cause)))
    .map(() => done())
    .mapErr((cause) => ({ kind: 'RemoveFinalizer', cause }) as const);
}

/** A merge patch of the finalizer list, conditional on the resourceVersion we read. */
function patchMeta<T extends KubeObject, I extends KubeObject>(object: Persisted<T>, ctx: ReconcileContext<T, I>, finalizers: string[]) {
  const { name, namespace, resourceVersion } = object.metadata;
  return ctx.client.patch(name, { type: 'merge', body: { metadata: { finalizers, resourceVersion } } }, namespace === undefined ? {} : { namespace });
}

function wrap<E>(kind: 'ApplyFailed' | 'CleanupFailed', cause: E): FinalizerError<E> {
  const terminal = typeof cause === 'object' && cause !== null && (cause as { terminal?: unknown }).terminal === true;
  return (terminal ? { kind, cause, terminal: true } : { kind, cause }) as FinalizerError<E>;
}

/** Status reporting shared by the PKI controllers (internal). */
import { ConditionType, type PkiError } from '@kubeception/sdk';
import { done, patchConditions, type Action, type ReconcileContext } from '@kubeception/sdk/runtime';
import { ResultAsync, errAsync, okAsync, type Result } from 'neverthrow';
import type { KubeError } from '@kubeception/sdk/kube';
import type { KubeObject, Persisted, Condition } from '@kubeception/sdk';

/** An object with `status.conditions`. */
export type WithConditions = KubeObject & { status?: { conditions?: Condition[] } };

/** Errors of the PKI controllers. */
export type PkiControllerError =
  { readonly kind: 'Pki'; readonly cause: PkiError; readonly terminal?: true } | { readonly kind: 'Kube'; readonly cause: KubeError };

/** Sets Ready=False with a reason and message; writes only if that changes anything. */
export function notReady<T extends WithConditions, I extends KubeObject>(object: Persisted<T>, ctx: ReconcileContext<T, I>, reason: string, message: string) {
  return patchConditions(ctx.client, object, [{ type: ConditionType.Ready, status: 'False', reason, message }]).mapErr((cause): PkiControllerError => ({
    kind: 'Kube',
    cause,
  }));
}

/**
 * Reports a PKI failure on the object: terminal ones (a role violation, permission denied)
 * end the pass with `Ready=False` and no retry until something changes; transient ones are
 * reported and retried with backoff.
 */
export function reportPkiError<T extends WithConditions, I extends KubeObject>(
  object: Persisted<T>,
  ctx: ReconcileContext<T, I>,
  error: PkiError,
): ResultAsync<Action, PkiControllerError> {
  const reason = error.terminal ? error.kind : `Retrying${error.kind}`;
  return notReady(object, ctx, reason, error.message).andThen(() =>
    error.terminal ? okAsync(done()) : errAsync<Action, PkiControllerError>({ kind: 'Pki', cause: error }),
  );
}

/** Continues with `onOk` or `onErr`: both branches produce the same kind of result. */
export function branch<T, E, A, F>(
  result: ResultAsync<T, E>,
  onOk: (value: T) => ResultAsync<A, F>,
  onErr: (error: E) => ResultAsync<A, F>,
): ResultAsync<A, F> {
  const next = async (): Promise<Result<A, F>> => (await result).match(onOk, onErr);
  return new ResultAsync(next());
}

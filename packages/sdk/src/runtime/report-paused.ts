/**
 * The `Paused` condition of a reconciled object (`spec.paused` or the `kubeception.io/paused`
 * annotation, see `isPaused`): a controller does not reconcile a paused object, and says so.
 *
 * ## Guarantees
 * - `Paused=True` is written once when a pause is seen, `Paused=False` once on the first
 *   reconcile after it; nothing is written otherwise (a steady state writes nothing).
 * - A failed write is logged, never an error of the reconcile: the next pass tries again.
 */
import type { Logger } from 'pino';
import { getCondition } from '../conditions.js';
import type { ResourceClient } from '../kube/resource-client.js';
import type { KubeObject, Persisted } from '../resource.js';
import { ConditionType, Reason } from '../vocabulary.js';
import { patchConditions } from './status.js';
import { objectKey } from './store.js';

/** The `Paused` condition to write on `object`, or `undefined` when it already says `paused`. */
export function pausedCondition(object: KubeObject, paused: boolean) {
  const conditions = (object as { status?: { conditions?: [] } }).status?.conditions;
  const current = getCondition(conditions, ConditionType.Paused)?.status;
  if (paused ? current === 'True' : current !== 'True') return undefined;
  return paused
    ? ({ type: ConditionType.Paused, status: 'True', reason: Reason.Paused, message: 'reconciliation is paused' } as const)
    : ({ type: ConditionType.Paused, status: 'False', reason: Reason.AsExpected, message: 'reconciliation resumed' } as const);
}

/**
 * Reports `Paused=True` (paused) or `False` (resumed after a pause) through `client` when the
 * condition says otherwise. Resolves to the object as written, so that a reconcile after it starts
 * from it (a status computed from the cached object would write `Paused=True` back).
 */
export async function reportPaused<T extends KubeObject, I extends KubeObject>(
  client: Pick<ResourceClient<T, I>, 'patchStatus'>,
  object: Persisted<T>,
  paused: boolean,
  log: Logger,
): Promise<Persisted<T>> {
  const condition = pausedCondition(object, paused);
  if (condition === undefined) return object;
  return patchConditions(client, object, [condition]).match(
    (written) => {
      log.info({ key: objectKey(object) }, paused ? 'paused' : 'resumed');
      return written as Persisted<T>;
    },
    (error) => {
      log.warn({ key: objectKey(object), err: error.message }, `could not report Paused=${condition.status}`);
      return object;
    },
  );
}

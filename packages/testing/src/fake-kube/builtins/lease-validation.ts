/**
 * Lease validation, as kube-apiserver 1.32's `ValidateLeaseSpec` (internal): `leaseDurationSeconds`
 * greater than 0 and `leaseTransitions` not negative when set. (Malformed `acquireTime`/`renewTime`
 * fail earlier, when the body is decoded: see `decode.ts`.)
 */
import { isObject, type KubeObject, type StatusCause } from '../types.js';
import { invalid } from './causes.js';

/** The causes of a Lease. */
export function leaseErrors(obj: KubeObject): StatusCause[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  const errs: StatusCause[] = [];
  const duration = spec.leaseDurationSeconds;
  if (typeof duration === 'number' && duration <= 0) errs.push(invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  const transitions = spec.leaseTransitions;
  if (typeof transitions === 'number' && transitions < 0) errs.push(invalid('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
  return errs;
}

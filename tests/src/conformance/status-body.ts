/**
 * Whole `metav1.Status` bodies as kube-apiserver writes them, for exact comparison with
 * `toStrictEqual`: a field the server omits (`details`, `details.name`, `reason`) is left out here
 * too, so a server that sends it empty fails the case.
 */
import { expect } from 'vitest';
import type { RawResponse } from './raw.js';

/** A field cause of a 422. */
export interface Cause {
  readonly reason: string;
  readonly message: string;
  readonly field?: string;
}

/** A Failure Status. `details` undefined: the server sends none; `{}`: it sends an empty one. */
export function failure(code: number, reason: string | undefined, message: unknown, details?: Record<string, unknown>): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    ...(reason === undefined ? {} : { reason }),
    ...(details === undefined ? {} : { details }),
    code,
  };
}

/** kube's error aggregate of causes: `field: message` once, several in brackets. */
const joined = (causes: readonly Cause[]) => {
  const bodies = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  return bodies.length === 1 ? bodies[0] : `[${bodies.join(', ')}]`;
};

/** 422 Invalid of `kind` (`Kind.group` in the message), on an object named `name` ('' for none). */
export function invalidStatus(kind: { readonly group?: string; readonly kind: string }, name: string, causes: readonly Cause[]): Record<string, unknown> {
  const group = kind.group ?? '';
  const qualified = group === '' ? kind.kind : `${kind.kind}.${group}`;
  const details = { ...(name === '' ? {} : { name }), ...(group === '' ? {} : { group }), ...(kind.kind === '' ? {} : { kind: kind.kind }), causes };
  return failure(422, 'Invalid', `${qualified} "${name}" is invalid: ${joined(causes)}`, details);
}

/** 422 Invalid of request options (`PatchOptions.meta.k8s.io "" is invalid: …`). */
export const optionsInvalid = (kind: string, causes: readonly Cause[]) => invalidStatus({ group: 'meta.k8s.io', kind }, '', causes);

/** Expects `answer` to be exactly `status` (its code as the HTTP status). */
export function expectStatus(answer: RawResponse, status: Record<string, unknown>): void {
  expect({ code: answer.status, body: answer.json() }).toStrictEqual({ code: status.code, body: status });
}

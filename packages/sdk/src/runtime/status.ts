/**
 * Status writes that cost nothing in a steady state: the status is compared with what the
 * object already has and patched through the status subresource only when it differs.
 */
import { okAsync, type ResultAsync } from 'neverthrow';
import { setCondition, type ConditionInput } from '../conditions.js';
import type { KubeError } from '../kube/errors.js';
import type { ResourceClient } from '../kube/resource-client.js';
import type { Condition } from '../schema/condition.js';
import type { KubeObject, Persisted } from '../resource.js';

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * An object that may have a status.
 * @inline
 */
type WithStatus = KubeObject & { status?: object };

/**
 * Writes `status` (merged over the current one) through `/status` when it differs from the
 * object's; otherwise writes nothing and returns the object as it is.
 */
export function patchStatusIfChanged<T extends WithStatus>(
  client: Pick<ResourceClient<T, never>, 'patchStatus'>,
  object: Persisted<T>,
  status: NonNullable<T['status']>,
): ResultAsync<Persisted<T>, KubeError> {
  const next = { ...(object.status ?? {}), ...status };
  if (jsonEqual(object.status ?? {}, next)) return okAsync(object);
  const namespace = object.metadata.namespace;
  return client.patchStatus(object.metadata.name, { type: 'merge', body: { status: next } }, namespace === undefined ? {} : { namespace });
}

/**
 * Sets conditions (transition times kept when the status stays) with `observedGeneration`,
 * and writes only if anything changed.
 */
export function patchConditions<T extends WithStatus & { status?: { conditions?: Condition[] } }>(
  client: Pick<ResourceClient<T, never>, 'patchStatus'>,
  object: Persisted<T>,
  conditions: readonly Omit<ConditionInput, 'observedGeneration'>[],
  extra: Partial<Omit<NonNullable<T['status']>, 'conditions'>> = {},
): ResultAsync<Persisted<T>, KubeError> {
  const generation = object.metadata.generation;
  let list = object.status?.conditions ?? [];
  for (const condition of conditions) list = setCondition(list, { ...condition, observedGeneration: generation });
  return patchStatusIfChanged(client, object, { ...extra, conditions: list } as NonNullable<T['status']>);
}

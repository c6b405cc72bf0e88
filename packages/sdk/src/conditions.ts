/**
 * Helpers for `status.conditions` in the metav1.Condition shape. All are pure: they return
 * new arrays and never mutate their input.
 */
import type { Condition } from './schema/condition.js';
import { ConditionStatus, ConditionType, Reason } from './vocabulary.js';

export type { Condition };

/** What a reconciler says about one condition; the helper adds `lastTransitionTime`. */
export interface ConditionInput {
  /** Condition type, e.g. `Ready`. */
  readonly type: string;
  /** `True`, `False` or `Unknown`. */
  readonly status: ConditionStatus;
  /** UpperCamelCase reason. */
  readonly reason: string;
  /** @default '' */
  readonly message?: string;
  /** The `metadata.generation` the condition was computed from. */
  readonly observedGeneration?: number;
}

/**
 * Sets one condition. `lastTransitionTime` changes only when `status` changes. When nothing
 * changes, the input array itself is returned, so `result === conditions` means "no write needed".
 */
export function setCondition(conditions: readonly Condition[] | undefined, input: ConditionInput, now: Date = new Date()): Condition[] {
  const list = conditions ?? [];
  const index = list.findIndex((c) => c.type === input.type);
  const current = list[index];
  const next: Condition = {
    type: input.type,
    status: input.status,
    reason: input.reason,
    message: input.message ?? '',
    lastTransitionTime: current !== undefined && current.status === input.status ? current.lastTransitionTime : formatTime(now),
    ...(input.observedGeneration === undefined ? {} : { observedGeneration: input.observedGeneration }),
  };
  if (current !== undefined && sameCondition(current, next)) return list as Condition[];
  return index < 0 ? [...list, next] : list.map((c, i) => (i === index ? next : c));
}

/** Removes a condition by type; returns the input array itself when it had none. */
export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  const list = (conditions ?? []) as Condition[];
  return list.some((c) => c.type === type) ? list.filter((c) => c.type !== type) : list;
}

/** The condition of a type, if set. */
export function getCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** Whether the condition of a type is set and `True`. */
export function isTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return getCondition(conditions, type)?.status === ConditionStatus.True;
}

/** Whether the condition of a type is set and `False`. */
export function isFalse(conditions: readonly Condition[] | undefined, type: string): boolean {
  return getCondition(conditions, type)?.status === ConditionStatus.False;
}

/** Options of {@link summarizeReady}. */
export interface SummaryOptions {
  /** Condition types that must all be True for Ready to be True, in the order they are reported. */
  readonly of: readonly string[];
  /** `observedGeneration` of the `Ready` condition. */
  readonly observedGeneration?: number;
  /** Time of a transition. @default the current time */
  readonly now?: Date;
}

/**
 * Sets `Ready` from other conditions: True when all of `of` are True; otherwise False if any
 * is False, else Unknown. The reason is the first non-True condition's; the message lists
 * each non-True condition as `Type: message`.
 */
export function summarizeReady(conditions: readonly Condition[] | undefined, options: SummaryOptions): Condition[] {
  const pending = options.of.map((type) => getCondition(conditions, type) ?? missing(type)).filter((c) => c.status !== ConditionStatus.True);
  const first = pending[0];
  const input: ConditionInput =
    first === undefined
      ? { type: ConditionType.Ready, status: ConditionStatus.True, reason: Reason.AsExpected, message: '' }
      : {
          type: ConditionType.Ready,
          status: pending.some((c) => c.status === ConditionStatus.False) ? ConditionStatus.False : ConditionStatus.Unknown,
          reason: (pending.find((c) => c.status === ConditionStatus.False) ?? first).reason,
          message: pending.map((c) => `${c.type}: ${c.message || c.reason}`).join('; '),
        };
  return setCondition(
    conditions,
    { ...input, ...(options.observedGeneration === undefined ? {} : { observedGeneration: options.observedGeneration }) },
    options.now,
  );
}

function missing(type: string): Condition {
  return { type, status: ConditionStatus.Unknown, reason: Reason.Unknown, message: 'not reported yet', lastTransitionTime: '' };
}

function sameCondition(a: Condition, b: Condition): boolean {
  return (
    a.status === b.status &&
    a.reason === b.reason &&
    a.message === b.message &&
    a.lastTransitionTime === b.lastTransitionTime &&
    a.observedGeneration === b.observedGeneration
  );
}

/** metav1.Time format: RFC 3339 with second precision. */
function formatTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

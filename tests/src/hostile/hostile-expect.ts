/**
 * How a hostile case states its outcome (internal): short builders of the expectations that
 * `hostile-check.ts` asserts.
 */
import type { Refused, Reported } from './hostile-support.js';

/** The Cluster most cases create. */
export const BAD = 'bad';

/** Refused at admission naming `path` (and `message`), with `code` (default 422). */
export const refused = (path: string, message?: string, code?: number): Refused => ({
  outcome: 'refused',
  path,
  ...(message ? { message } : {}),
  ...(code ? { code } : {}),
});

/** Refused as an unknown field: sent with `fieldValidation=Strict` (the SDK client, kubectl), it is not pruned. */
export const unknownField = (path: string): Refused => refused(path, 'unknown field', 400);

/** `kind/name` reports `Ready=False` with `reason` and a message containing `message` (unless `extra` says otherwise). */
export const reported = (kind: Reported['kind'], name: Reported['name'], reason: string, message: string, extra: Partial<Reported> = {}): Reported => ({
  outcome: 'reported',
  kind,
  name,
  reason,
  message,
  ...extra,
});

/** The Cluster `name` (default `bad`) reports `Ready=False InvalidSpec` with a message containing `message`. */
export const invalid = (message: string, name = BAD): Reported => reported('Cluster', name, 'InvalidSpec', message);

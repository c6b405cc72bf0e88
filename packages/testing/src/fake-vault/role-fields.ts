/**
 * Role fields as tables (internal): each field of a PKI or token role is read from a write body
 * by its kind (boolean, integer, string, list, duration), under Vault's own field name, with a
 * fallback; the role's type is the table's values.
 */
import { parseVaultDuration } from './duration.js';
import { bool, int, list, str } from './types.js';

type Body = Readonly<Record<string, unknown>>;

/** How one field is read from a write body. */
export interface Field<T> {
  /** The value when neither the body nor a stored role gives one. */
  readonly fallback: T;
  /** The field under `key` in `body`, or `otherwise` when the body does not give it. */
  read(body: Body, key: string, otherwise: T): T;
}

/** A boolean (`true`, `"true"`, `1`, `"1"`). */
export const boolField = (fallback: boolean): Field<boolean> => ({ fallback, read: bool });

/** An integer. */
export const intField = (fallback: number): Field<number> => ({ fallback, read: int });

/** A string. */
export const strField = (fallback: string): Field<string> => ({ fallback, read: str });

/** A list, given as an array or a comma-separated string. */
export const listField = (fallback: readonly string[]): Field<readonly string[]> => ({
  fallback,
  read: (body, key, otherwise) => list(body, key) ?? otherwise,
});

/** A duration in seconds (Vault's syntax), also read under `alias` when the body lacks `key`. */
export const durationField = (fallback: number, alias?: string): Field<number> => ({
  fallback,
  read: (body, key, otherwise) => parseVaultDuration(body[key] ?? (alias === undefined ? undefined : body[alias]), key) ?? otherwise,
});

/** The values of a table of fields. */
export type FieldValues<F> = { readonly [K in keyof F]: F[K] extends Field<infer T> ? T : never };

/**
 * Reads every field of `fields` from `body`; a field the body does not give keeps its value in
 * `existing` (a write that merges), else takes its fallback (a write that replaces).
 */
export function readFields<F extends Readonly<Record<string, Field<unknown>>>>(fields: F, body: Body, existing?: FieldValues<F>): FieldValues<F> {
  const values: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(fields))
    values[key] = field.read(body, key, existing ? (existing as Record<string, unknown>)[key] : field.fallback);
  return values as FieldValues<F>;
}

/**
 * The request log of every fake (internal): records in arrival order, bounded (past `limit` the
 * oldest half goes), filtered field by field.
 */

/** A request log: every request the fake answered, in arrival order. */
export interface RequestLogView<R, F> {
  /** Every record so far (a copy). */
  all(): R[];
  /** The records matching `match`. */
  filter(match: F): R[];
  /** How many records match `match` (all of them without it). */
  count(match?: F): number;
  /** Forgets every record. */
  clear(): void;
}

/** A log of records `R` filtered by `F`, as the fake holds it. */
export interface BoundedLog<R, F> extends RequestLogView<R, F> {
  /** Adds a record (the fake's side). */
  add(record: R): void;
}

/** Creates a log keeping at most `limit` records. */
export function boundedLog<R, F extends object>(limit: number, matches: (record: R, filter: F) => boolean): BoundedLog<R, F> {
  let records: R[] = [];
  return {
    add(record) {
      records.push(record);
      if (records.length > limit) records = records.slice(records.length - Math.floor(limit / 2));
    },
    all: () => [...records],
    filter: (filter) => records.filter((r) => matches(r, filter)),
    count: (filter = {} as F) => records.filter((r) => matches(r, filter)).length,
    clear() {
      records = [];
    },
  };
}

/** How one filter field is tested against a record, when not by equality with the same-named field. */
export type FieldTests<R, F> = { readonly [K in keyof F]?: (record: R, wanted: Exclude<F[K], undefined>) => boolean };

/** Options of {@link fieldMatcher}. */
export interface FieldMatcherOptions<R, F> {
  /** Tests of fields not compared by equality. @default none */
  readonly tests?: FieldTests<R, F>;
  /**
   * What a field given as `undefined` asks for: `any` record, or records where the field is
   * `absent` (equality with `undefined`). @default 'any'
   */
  readonly givenUndefined?: 'any' | 'absent';
}

/**
 * A record filter: every given field must match, by equality with the record's same-named field
 * unless `tests` says otherwise; `faulted` asks whether the record has a `fault`.
 */
export function fieldMatcher<R extends { readonly fault?: string }, F extends { readonly faulted?: boolean }>(
  options: FieldMatcherOptions<R, F> = {},
): (record: R, filter: F) => boolean {
  const tests = (options.tests ?? {}) as Partial<Record<string, (record: R, wanted: unknown) => boolean>>;
  const anyWhenUndefined = (options.givenUndefined ?? 'any') === 'any';
  return (record, filter) =>
    Object.entries(filter).every(([key, wanted]) => {
      if (wanted === undefined && anyWhenUndefined) return true;
      if (key === 'faulted') return (record.fault !== undefined) === wanted;
      const test = tests[key];
      return test ? test(record, wanted) : (record as Record<string, unknown>)[key] === wanted;
    });
}

/** A bounded log of `limit` records, filtered by {@link fieldMatcher} with `options`. */
export function requestLog<R extends { readonly fault?: string }, F extends { readonly faulted?: boolean }>(
  limit: number,
  options: FieldMatcherOptions<R, F> = {},
): BoundedLog<R, F> {
  return boundedLog(limit, fieldMatcher(options));
}

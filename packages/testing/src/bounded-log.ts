/**
 * The request log of every fake: records in arrival order, bounded (past `limit` the oldest
 * half goes), filtered by a fake-specific matcher (internal).
 */

/** A log of records `R` filtered by `F`. */
export interface BoundedLog<R, F> {
  /** Every record so far (a copy). */
  all(): R[];
  /** Records matching a filter. */
  filter(match: F): R[];
  /** How many records match a filter. */
  count(match?: F): number;
  /** Forgets every record. */
  clear(): void;
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

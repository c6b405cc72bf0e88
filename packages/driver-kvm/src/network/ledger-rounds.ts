/**
 * The network ledger's rounds (internal): one read-decide-write round at a time within this
 * process, for every request waiting when it starts (group commit). The ledger is read once, each
 * request decided in turn on the entries the ones before it left, and written once. Its workers
 * would otherwise race each other for the one ConfigMap (O(n²) conflicts for n at once), and one
 * round per request made n clusters waiting at once read and write the ledger n times, each worker
 * blocked behind the others; other processes still race through the resourceVersion. On a
 * conflict the whole round is decided again on what the winner wrote.
 */
import { err, okAsync, ResultAsync, type Result } from 'neverthrow';
import type { NetworkAllocation } from './allocate.js';

/** A decision over the current entries: its result, and the entries to write (none: nothing to write). */
export type Decide<T, E> = (entries: readonly NetworkAllocation[]) => Result<{ value: T; entries?: readonly NetworkAllocation[] | undefined }, E>;

/** The ledger as read: its entries, and whatever writing over it needs (the ConfigMap and its resourceVersion). */
export interface LedgerRead {
  readonly entries: readonly NetworkAllocation[];
}

/** How the rounds read and write the ledger. */
export interface LedgerRoundsOptions<S extends LedgerRead, E> {
  /** Reads the ledger. */
  readonly read: () => ResultAsync<S, E>;
  /** Writes `entries` over `snapshot`; `false` when someone else wrote first. */
  readonly write: (snapshot: S, entries: readonly NetworkAllocation[]) => ResultAsync<boolean, E>;
  /** Rounds lost to other writers before giving up. */
  readonly maxAttempts: number;
  /** What every request of a round lost `maxAttempts` times gets. */
  readonly contended: E;
}

/** The decisions of one round: each request's outcome, and the entries to write (undefined: nothing changed). */
export interface DecidedBatch<E> {
  readonly outcomes: readonly Result<unknown, E>[];
  readonly entries?: readonly NetworkAllocation[];
}

/** A request waiting for its round. */
interface Pending<E> {
  readonly decide: Decide<unknown, E>;
  readonly settle: (result: Result<unknown, E>) => void;
  readonly fail: (error: unknown) => void;
}

/** Queues decisions for the next round: `update(decide)` is the decision's result once its round is written. */
export function createLedgerRounds<S extends LedgerRead, E>(options: LedgerRoundsOptions<S, E>): <T>(decide: Decide<T, E>) => ResultAsync<T, E> {
  const waiting: Pending<E>[] = [];
  let draining = false;
  const drain = async (): Promise<void> => {
    draining = true;
    while (waiting.length > 0) {
      const batch = waiting.splice(0);
      // a throw (a bug) rejects this round's requests, as it would a lone request's, and the
      // requests queued behind it still get their round
      await round(options, batch, 1).catch((error: unknown) => batch.forEach((p) => p.fail(error)));
    }
    draining = false;
  };
  return <T>(decide: Decide<T, E>): ResultAsync<T, E> =>
    new ResultAsync(
      new Promise<Result<T, E>>((settle, fail) => {
        waiting.push({ decide, settle: settle as Pending<E>['settle'], fail });
        if (!draining) void drain();
      }),
    );
}

/** One read-decide-write round of `batch`; decided again on a lost write, up to `maxAttempts` rounds. */
async function round<S extends LedgerRead, E>(options: LedgerRoundsOptions<S, E>, batch: readonly Pending<E>[], attempt: number): Promise<void> {
  const settleAll = (result: Result<unknown, E>) => batch.forEach((p) => p.settle(result));
  const decided = await options.read().andThen((snapshot) => {
    const { outcomes, entries } = decideBatch(
      batch.map((p) => p.decide),
      snapshot.entries,
    );
    return (entries !== undefined ? options.write(snapshot, entries) : okAsync(true)).map((written) => ({ written, outcomes }));
  });
  await decided.match(
    ({ written, outcomes }) => {
      if (written) return batch.forEach((p, i) => p.settle(outcomes[i] as Result<unknown, E>));
      if (attempt < options.maxAttempts) return round(options, batch, attempt + 1);
      return settleAll(err(options.contended));
    },
    (error) => settleAll(err(error)),
  );
}

/** Decides each request in turn on the entries the ones before it left (pure). */
export function decideBatch<E>(decisions: readonly Decide<unknown, E>[], initial: readonly NetworkAllocation[]): DecidedBatch<E> {
  let entries = initial;
  let changed = false;
  const outcomes = decisions.map((decide) =>
    decide(entries).map(({ value, entries: next }) => {
      if (next !== undefined) [entries, changed] = [next, true];
      return value;
    }),
  );
  return { outcomes, ...(changed ? { entries } : {}) };
}

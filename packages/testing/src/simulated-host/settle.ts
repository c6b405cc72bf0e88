/** Waiting for a simulation to settle (internal): the same quiet state seen a few polls running. */

/** One look at a simulation: whether it has nothing to do, and a signature that changes with any progress. */
export interface SettleProbe {
  readonly quiet: boolean;
  readonly signature: string;
}

/** Polls in a row that must see the same quiet state. */
const STABLE_POLLS = 3;
const POLL_MS = 5;

/**
 * Resolves once `probe` reported quiet with an unchanged signature {@link STABLE_POLLS} polls
 * running (every {@link POLL_MS} ms of wall time); rejects with "`what` did not settle in …" once
 * `timeoutMs` have passed. `probe` gets the deadline (`Date.now()` ms).
 */
export async function settleWhen(what: string, timeoutMs: number, probe: (deadline: number) => SettleProbe | Promise<SettleProbe>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let stable = 0;
  let last = '';
  while (stable < STABLE_POLLS) {
    const { quiet, signature } = await probe(deadline);
    stable = quiet && signature === last ? stable + 1 : 0;
    last = signature;
    if (Date.now() > deadline) throw new Error(`${what} did not settle in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

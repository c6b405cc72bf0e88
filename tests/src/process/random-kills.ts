/**
 * SIGKILL at random moments: an operator process killed again and again while the test changes
 * the world between kills, each kill followed by a restart after a short random pause. The
 * moments come from a seeded source, and each kill is described in a line (when, how long after
 * the run's start or readiness, after which of the test's changes) for the test to print.
 */
import type { OperatorProcess } from './operator-process.js';
import type { SeededRandom } from './seeded-random.js';

/** Options of {@link killAtRandomMoments}. */
export interface RandomKillsOptions {
  /** The operator, started: it is killed and started again `kills` times (its last run left running). */
  readonly operator: OperatorProcess;
  readonly random: SeededRandom;
  readonly kills: number;
  /** Share of the kills that race the run's start-up (loading, syncing caches) instead of coming after readiness. @default 0.25 */
  readonly duringStartUp?: number;
  /** Runs at the start of each round (1 to `kills`), before its moment; what it did, for the kill's line. @default nothing */
  readonly round?: (round: number) => Promise<string | undefined>;
}

/** What {@link killAtRandomMoments} did. */
export interface RandomKills {
  /** One line per kill. */
  readonly lines: readonly string[];
  /** How many kills raced a start-up. */
  readonly duringStartUp: number;
  /** How long the kills took, from the first round to the last restart. */
  readonly ms: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spreads `items` over rounds 1 to `rounds`: the first in round 1, the others in distinct random
 * rounds of 2 to `rounds`, in order.
 */
export function spreadOverRounds<T>(items: readonly T[], rounds: number, random: SeededRandom): Map<number, T[]> {
  const chosen = [1, ...random.sample(Math.max(0, items.length - 1), 2, rounds)];
  const byRound = new Map<number, T[]>();
  items.forEach((item, i) => {
    const round = chosen[i] ?? 1;
    byRound.set(round, [...(byRound.get(round) ?? []), item]);
  });
  return byRound;
}

/** Waits for a random moment of the current run; what it was. The first round's moment comes after readiness. */
async function randomMoment(options: RandomKillsOptions, round: number): Promise<{ startUp: boolean; text: string }> {
  const { operator, random } = options;
  if (round > 1 && random.next() < (options.duringStartUp ?? 0.25)) {
    const ms = random.int(800, 3_000); // node and tsx start in about 2 s: loading, syncing caches, first reconciles
    await sleep(ms);
    return { startUp: true, text: `${ms} ms after its start` };
  }
  await operator.waitReady(60_000);
  const ms = random.int(0, 2_500);
  await sleep(ms);
  return { startUp: false, text: `${ms} ms after ready` };
}

/** Kills `operator` at `kills` random moments, restarting it 0 to 500 ms after each. */
export async function killAtRandomMoments(options: RandomKillsOptions): Promise<RandomKills> {
  const { operator, random } = options;
  const started = Date.now();
  const lines: string[] = [];
  let duringStartUp = 0;
  for (let round = 1; round <= options.kills; round++) {
    const did = await options.round?.(round);
    const moment = await randomMoment(options, round);
    await operator.kill();
    if (moment.startUp) duringStartUp++;
    const at = ((Date.now() - started) / 1000).toFixed(1);
    lines.push(`kill ${String(round).padStart(2)} at +${at} s: ${moment.text}${did ? ` (after: ${did})` : ''}`);
    await sleep(random.int(0, 500));
    await operator.start({ waitReady: false });
  }
  return { lines, duringStartUp, ms: Date.now() - started };
}

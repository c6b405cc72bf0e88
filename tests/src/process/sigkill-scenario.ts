/**
 * The scenario every SIGKILL test of an operator process runs: a seeded workload's actions spread
 * over the rounds of {@link killAtRandomMoments} (the last two rounds kill it while it converges),
 * then, from outside, everything the workload left alive converged, then those deleted too and
 * nothing left. What differs per operator is the workload's actions and the convergence check.
 */
import { awaitNoProblems } from './convergence.js';
import type { OperatorProcess } from './operator-process.js';
import { killAtRandomMoments, spreadOverRounds } from './random-kills.js';
import type { SeededRandom } from './seeded-random.js';

/** The objects a test expects: named, alive (converged) or gone (deleted with everything they had). */
export interface ExpectedObjects {
  readonly alive: readonly string[];
  readonly gone: readonly string[];
}

/** A workload: its actions in order, and which objects exist at its end and which were deleted. */
export interface ScenarioWorkload<A> extends ExpectedObjects {
  readonly actions: readonly A[];
}

/** Options of {@link runSigkillScenario}. */
export interface SigkillScenarioOptions<A> {
  /** The operator, started. */
  readonly operator: OperatorProcess;
  readonly random: SeededRandom;
  readonly kills: number;
  readonly workload: ScenarioWorkload<A>;
  /** Does an action through the API server (a failure throws). */
  run(action: A): Promise<void>;
  /** What an action does, in a line. */
  describe(action: A): string;
  /** Deletes one of the alive objects (the test's cleanup after convergence). */
  remove(name: string): Promise<void>;
  /** Everything that keeps the world from being as `expected`; empty once converged. */
  problems(expected: ExpectedObjects): Promise<string[]>;
  /** Told the problems left after each wait (the test's `expect(problems).toEqual([])`: throwing ends the scenario). */
  check(problems: readonly string[]): void;
  /** How long each wait for convergence may take. */
  readonly timeoutMs: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** How a scenario ended, for the test to expect: no exit it did not cause, JSON lines only, exit code 0 on SIGTERM. */
export interface SigkillScenarioEnd {
  /** The summary line (printed too). */
  readonly summary: string;
  readonly unexpectedExits: readonly string[];
  /** Lines of any run that were not JSON. */
  readonly notJson: readonly string[];
  /** The exit code of the last run, stopped with SIGTERM. */
  readonly code: number | null;
}

/**
 * Kills the operator at random moments while the workload runs, prints each kill, waits for
 * convergence, deletes what is alive and waits for nothing to be left, then stops the operator.
 */
export async function runSigkillScenario<A>(options: SigkillScenarioOptions<A>): Promise<SigkillScenarioEnd> {
  const { operator, random, kills: count, workload } = options;
  const byRound = spreadOverRounds(workload.actions, count - 2, random);
  const kills = await killAtRandomMoments({
    operator,
    random,
    kills: count,
    round: async (round) => {
      const actions = byRound.get(round) ?? [];
      for (const action of actions) await options.run(action);
      return actions.length > 0 ? actions.map((a) => options.describe(a)).join(', ') : undefined;
    },
  });
  console.log(kills.lines.join('\n'));
  const lastKill = Date.now();
  options.check(await awaitNoProblems(() => options.problems(workload), options.timeoutMs));
  const ready = Date.now();
  for (const name of workload.alive) await options.remove(name);
  const all = [...workload.alive, ...workload.gone];
  options.check(await awaitNoProblems(() => options.problems({ alive: [], gone: all }), options.timeoutMs));
  const summary =
    `seed ${random.seed}: ${count} SIGKILLs over ${seconds(kills.ms)} (${kills.duringStartUp} racing start-up), ${workload.actions.length} actions; ` +
    `${workload.alive.length} converged ${seconds(ready - lastKill)} after the last kill, all ${all.length} gone ${seconds(Date.now() - ready)} later; ` +
    `${operator.runs()} runs, ${operatorWarnings(operator)}`;
  console.log(summary);
  const notJson = operator.logs().flatMap((line) => (line.json === undefined ? [line.text] : []));
  const unexpectedExits = operator.unexpectedExits();
  return { summary, unexpectedExits, notJson, code: (await operator.stop()).code };
}

/** The operator's lines at warn and above, counted by message and error kind: `no warnings`, or `warnings: reconcile failed (Conflict) × 3, …`. */
export function operatorWarnings(operator: OperatorProcess): string {
  const counts = new Map<string, number>();
  for (const { json } of operator.logs()) {
    if (typeof json?.level !== 'number' || json.level < 40) continue;
    const kind = (json.err as { kind?: unknown } | undefined)?.kind;
    const key = `${String(json.msg)}${typeof kind === 'string' ? ` (${kind})` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts.size === 0 ? 'no warnings' : `warnings: ${[...counts].map(([key, n]) => `${key} × ${n}`).join(', ')}`;
}

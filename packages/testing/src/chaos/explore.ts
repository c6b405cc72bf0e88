/** `exploreCrashPoints`: record an operator's mutating calls, then crash it after each one and check the scenario's invariants. */
import { CrashGate, type CrashCall, type CrashEvent, INSTANCE_PREFIX } from './crash-gate.js';
import { type CrashFailure, CrashPointsError, type CrashReport } from './report.js';
import type { Converge, CrashScenario, OperatorFactory, Probe, RunningOperator } from './scenario.js';

/** Options of {@link exploreCrashPoints}. */
export interface ExploreCrashPointsOptions<W> {
  /** The scenario: its world, steps and invariants. */
  readonly scenario: CrashScenario<W>;
  /** Starts a fresh operator against a world. */
  readonly operator: OperatorFactory<W>;
  /** Explores only this crash point (to reproduce a failure). @default every point */
  readonly only?: number;
  /** Explores at most this many points, spread evenly over the recorded ones. @default every point */
  readonly limit?: number;
  /** Explores only the points whose call (as the report names it, e.g. `CreateRouteTable`) passes. @default every point */
  readonly where?: (call: CrashCall, k: number) => boolean;
  /** How long each `converge` may wait, in milliseconds. @default 5000 */
  readonly convergeMs?: number;
  /** How often probes are polled, in milliseconds. @default 10 */
  readonly pollMs?: number;
  /**
   * How many runs a point gets before it counts as `unreached`: a run that made fewer than k
   * mutating calls (how many status writes an operator makes can depend on timing) is run again.
   * @default 3
   */
  readonly attempts?: number;
  /** `throw` a {@link CrashPointsError} when a point fails, or just `report` it. @default 'throw' */
  readonly onFailure?: 'throw' | 'report';
}

interface PointResult {
  readonly calls: readonly CrashCall[];
  readonly failure?: Omit<CrashFailure, 'k' | 'call'>;
  readonly crash?: CrashEvent;
}

/** An invariant that did not converge (internal). */
class Unconverged extends Error {
  constructor(
    readonly invariant: string,
    message: string,
  ) {
    super(message);
  }
}

/** Polls `probe` until it holds or `ms` passed; the last message when it did not. */
async function poll(probe: Probe, ms: number, every: number): Promise<string | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    const wrong = await Promise.resolve(probe()).catch((e: unknown) => `probe threw: ${String(e)}`);
    if (wrong === undefined || Date.now() >= deadline) return wrong;
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

function converger(ms: number, every: number): Converge {
  return async (invariant, probe) => {
    const wrong = await poll(probe, ms, every);
    if (wrong !== undefined) throw new Unconverged(invariant, wrong);
  };
}

/** The failure a scenario's `drive` ended with, if any. */
async function driven(drive: Promise<void>): Promise<PointResult['failure']> {
  try {
    await drive;
    return undefined;
  } catch (e) {
    return e instanceof Unconverged ? { invariant: e.invariant, message: e.message } : { invariant: 'scenario', message: String(e) };
  }
}

/** The operator instances of one run: the first, and a fresh one after the crash. */
function instances<W>(options: ExploreCrashPointsOptions<W>, world: W, gate: () => CrashGate) {
  let index = 0;
  let current: RunningOperator | undefined;
  const start = async () => {
    const userAgent = `${INSTANCE_PREFIX}${index}`;
    gate().startInstance(userAgent);
    current = await options.operator(world, { index: index++, userAgent });
  };
  const stop = async () => {
    await current?.stop().catch(() => undefined);
    current = undefined;
  };
  const restart = async (event: CrashEvent) => {
    await poll(() => (event.settled() ? undefined : 'unsettled'), options.convergeMs ?? 5000, 1);
    await stop();
    await start();
  };
  return { start, stop, restart };
}

/** Runs the scenario once on a fresh world, crashing the operator after its k-th mutating call (never for Infinity). */
async function runPoint<W>(options: ExploreCrashPointsOptions<W>, k: number): Promise<PointResult> {
  const { scenario } = options;
  const world = await scenario.setup();
  const fakes = scenario.fakes(world);
  let crash: CrashEvent | undefined;
  let restarted: Promise<void> = Promise.resolve();
  const operator = instances(options, world, () => gate);
  const gate = new CrashGate(k, (event) => {
    crash = event;
    restarted = operator.restart(event);
  });
  gate.attach(fakes);
  try {
    await operator.start();
    const failure = await driven(scenario.drive(world, converger(options.convergeMs ?? 5000, options.pollMs ?? 10)));
    await restarted;
    return { calls: gate.calls, failure, crash };
  } finally {
    await restarted.catch(() => undefined);
    await operator.stop();
    gate.detach(fakes);
    await scenario.teardown(world);
  }
}

/** Runs point k until a run reaches it (crashes there), fails, or `attempts` runs were made. */
async function runReaching<W>(options: ExploreCrashPointsOptions<W>, k: number): Promise<PointResult> {
  const attempts = Math.max(1, options.attempts ?? 3);
  for (let attempt = 1; ; attempt++) {
    const run = await runPoint(options, k);
    if (run.crash || run.failure || attempt >= attempts) return run;
  }
}

/** The points to explore among the recorded `calls`: `only`, else those `where` keeps, at most `limit` of them spread evenly. */
function pointsToExplore(calls: readonly CrashCall[], { only, where, limit }: Pick<ExploreCrashPointsOptions<unknown>, 'only' | 'where' | 'limit'>): number[] {
  if (only !== undefined) return [only];
  const kept = calls.flatMap((call, i) => (where === undefined || where(call, i + 1) ? [i + 1] : []));
  if (limit === undefined || limit >= kept.length) return kept;
  const step = kept.length / limit;
  return Array.from({ length: limit }, (_, i) => kept[Math.floor(i * step)] ?? kept.length);
}

/**
 * Explores the crash points of an operator on a scenario. A recorded run (no crash) counts the
 * operator's mutating calls — Kubernetes create/update/patch/delete (status included), Vault
 * POST/PUT/PATCH/DELETE, EC2 actions other than `Describe*`/`Get*`/`List*` — as the fakes see them.
 * Then, for each point k, on a fresh world (again, up to `attempts` runs, while a run makes fewer than k calls): the fakes fail every request of the operator
 * instance right after its k-th mutating call (a crash gate in their request path: the process
 * died), the explorer stops that instance, starts a fresh one from the factory (new clients, caches
 * and queues, a new `User-Agent`), and the scenario's steps wait for its invariants.
 *
 * Resolves the report; with a failing point (and `onFailure: 'throw'`, the default) rejects with
 * a {@link CrashPointsError} carrying it and the line that reproduces the first failure (`only: k`).
 *
 * @example
 * ```ts
 * const report = await exploreCrashPoints({ scenario: summariesScenario, operator: startSummaries });
 * console.log(formatCrashReport(report)); // certificate-summaries: 4/4 crash points explored, 0 failing, ...
 * ```
 */
export async function exploreCrashPoints<W>(options: ExploreCrashPointsOptions<W>): Promise<CrashReport> {
  const started = Date.now();
  const recorded = await runPoint(options, Infinity);
  const failures: CrashFailure[] = recorded.failure ? [{ k: 0, call: '(no crash)', ...recorded.failure }] : [];
  const ks = recorded.failure ? [] : pointsToExplore(recorded.calls, options);
  const unreached: number[] = [];
  for (const k of ks) {
    const run = await runReaching(options, k);
    if (!run.crash) unreached.push(k);
    if (run.failure) failures.push({ k, call: run.crash?.call ?? recorded.calls[k - 1] ?? '(not reached)', ...run.failure });
  }
  const report: CrashReport = {
    scenario: options.scenario.name,
    points: recorded.calls.length,
    explored: ks.length,
    unreached,
    failures,
    ms: Date.now() - started,
  };
  if (failures.length > 0 && (options.onFailure ?? 'throw') === 'throw') throw new CrashPointsError(report);
  return report;
}

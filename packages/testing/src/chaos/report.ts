/** The crash-point explorer's report: what was explored, what failed, and the table it prints. */
import type { CrashCall } from './crash-gate.js';

/** One crash point where an invariant did not hold. */
export interface CrashFailure {
  /** The crash point: the operator was torn down right after its k-th mutating call (0: the run without a crash). */
  readonly k: number;
  /** The call that preceded the crash (`patch /api/v1/...`, `POST pki-a/root/generate/internal`, `CreateVpc`). */
  readonly call: CrashCall;
  /** The invariant that did not hold (as the scenario names it), or `scenario` when the scenario itself threw. */
  readonly invariant: string;
  /** What the probe last said, or the error. */
  readonly message: string;
}

/** What one exploration found. */
export interface CrashReport {
  /** The scenario's name. */
  readonly scenario: string;
  /** Crash points the recorded run found: the operator's mutating calls. */
  readonly points: number;
  /** Crash points explored (all of them, or those `only`, `where` and `limit` chose). */
  readonly explored: number;
  /** Explored points whose run made fewer mutating calls than k (the operator is not deterministic there). */
  readonly unreached: readonly number[];
  /** Points where an invariant did not hold. */
  readonly failures: readonly CrashFailure[];
  /** Wall time of the whole exploration, recorded run included, in milliseconds. */
  readonly ms: number;
}

/** The report as a table: one line per failure under a summary line. */
export function formatCrashReport(report: CrashReport): string {
  const head = `${report.scenario}: ${report.explored}/${report.points} crash points explored, ${report.failures.length} failing, ${report.unreached.length} unreached, ${report.ms} ms`;
  const rows = report.failures.map((f) => `  k=${String(f.k).padEnd(4)} after ${f.call.padEnd(60)} ${f.invariant}: ${f.message}`);
  return [head, ...rows].join('\n');
}

/** How to reproduce one failing point. */
export function reproduction(report: CrashReport, failure: CrashFailure): string {
  if (failure.k === 0) return `scenario '${report.scenario}' does not converge even without a crash: fix the scenario or the operator first`;
  return `reproduce: exploreCrashPoints({ ...options, only: ${failure.k} }) on scenario '${report.scenario}' (crash after ${failure.call})`;
}

/** Thrown by `exploreCrashPoints` when a point failed (unless `onFailure: 'report'`); carries the report. */
export class CrashPointsError extends Error {
  /** The exploration's report. */
  readonly report: CrashReport;

  /** An error whose message is the report's table and the line reproducing its first failure. */
  constructor(report: CrashReport) {
    const first = report.failures[0];
    super(`${formatCrashReport(report)}${first ? `\n${reproduction(report, first)}` : ''}`);
    this.name = 'CrashPointsError';
    this.report = report;
  }
}

/**
 * The crash-point explorer: crash an operator after each of its mutating calls, restart it fresh,
 * and check that the scenario's invariants still hold (decision 023).
 */
export { type CrashCall, type CrashFakes } from './crash-gate.js';
export { exploreCrashPoints, type ExploreCrashPointsOptions } from './explore.js';
export { type CrashFailure, CrashPointsError, type CrashReport, formatCrashReport, reproduction } from './report.js';
export type { Converge, CrashInstance, CrashScenario, OperatorFactory, Probe, ProbeResult, RunningOperator } from './scenario.js';

/** What a crash scenario is: a world of fakes, an operator factory, the steps, and the invariants they wait for. */
import type { CrashFakes } from './crash-gate.js';

/** What a probe says: `undefined` when its invariant holds, else what is wrong (the report's message). */
export type ProbeResult = string | undefined;

/** Checks one invariant now. */
export type Probe = () => ProbeResult | Promise<ProbeResult>;

/**
 * Waits until `probe` holds (polling the fakes), within the exploration's `convergeMs`; fails the
 * crash point with `invariant` and the probe's last message when it does not.
 */
export type Converge = (invariant: string, probe: Probe) => Promise<void>;

/** One operator instance the explorer starts: its number, and the `User-Agent` its Kubernetes clients must send. */
export interface CrashInstance {
  /** 0 for the first instance of a run, 1 for the one started after the crash. */
  readonly index: number;
  /** The `User-Agent` that tells this instance's requests apart in the fake API server (give it to `createKubeClient`). */
  readonly userAgent: string;
}

/** A started operator: the explorer stops it when it crashes (errors ignored) and at the end of the run. */
export interface RunningOperator {
  /** Stops it (its managers, informers, queues). */
  stop(): Promise<unknown>;
}

/**
 * Starts a fresh operator against the world's fakes: new clients (with `instance.userAgent`), new
 * caches, new queues; nothing shared with an earlier instance. Clients should not retry (the
 * explorer's restart is the retry), and the manager's shutdown should be short.
 */
export type OperatorFactory<W> = (world: W, instance: CrashInstance) => RunningOperator | Promise<RunningOperator>;

/** A crash scenario over a world `W` (the fakes and the clients the steps use). */
export interface CrashScenario<W> {
  /** Its name in the report. */
  readonly name: string;
  /** Starts a fresh world (fakes in milliseconds): one per explored point. */
  setup(): Promise<W>;
  /** The fakes the operator talks to: the explorer gates each. */
  fakes(world: W): CrashFakes;
  /**
   * The steps (create, wait Ready, change, delete...), each followed by `converge` on the
   * invariants that must hold after it: converged, no duplicates (by the scenario's identity),
   * nothing left after deletion, no status that lies.
   */
  drive(world: W, converge: Converge): Promise<void>;
  /** Stops the world's fakes and clients. */
  teardown(world: W): Promise<void>;
}

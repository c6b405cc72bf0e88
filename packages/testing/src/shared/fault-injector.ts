/**
 * The fault injector every fake consults on each request (internal): failure and latency rules
 * over the protocol's own match, and a pause holding every new request until resumed.
 */
import { type FaultHandle, FaultRules, failureTimes, type RuleLimits } from './fault-rules.js';

/** Latency to add before matching requests are handled. */
export interface LatencyRule extends RuleLimits {
  /** Delay added to each matching request, in milliseconds (real time). */
  readonly ms: number;
  /** How many matching requests are delayed. @default Infinity */
  readonly times?: number;
}

/** Fault injection every fake offers: failures, latency, and removing them. */
export interface RuleFaults<F, L> {
  /** Answers the next matching requests (`times` of them, one by default) with an error. */
  fail(spec: F): FaultHandle;
  /** Delays matching requests by `ms` (real time). */
  latency(spec: L): FaultHandle;
  /** Removes every failure and latency rule. */
  clear(): void;
}

/**
 * A gate every request passes before the failure rules (a crash gate: the chaos explorer's way of
 * killing one client): the failure to answer the request with, or `undefined` to let it through.
 */
export type RequestGate<F, T> = (request: T) => F | undefined;

/** What a protocol tells the injector. */
export interface FaultProtocol<F, L, T> {
  /** Whether a failure or latency rule's match applies to a request. */
  applies(spec: F | L, target: T): boolean;
  /** How the request log names an injected failure (`fail 503`, `status 429`, `throttle`). */
  describe(failure: F): string;
}

/** Waits `ms` milliseconds of real time. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Failure rules `F` and latency rules `L` for requests described by `T` (a fake's request record). */
export class FaultInjector<F extends RuleLimits, L extends LatencyRule, T> implements RuleFaults<F, L> {
  private readonly failures: FaultRules<F, T>;
  private readonly latencies: FaultRules<L, T>;
  private paused: (() => void)[] | undefined;
  private requestGate: RequestGate<F, T> | undefined;

  /** @param random the source of `probability` draws @default Math.random */
  constructor(
    private readonly protocol: FaultProtocol<F, L, T>,
    random: () => number = Math.random,
  ) {
    const applies = (spec: F | L, target: T) => protocol.applies(spec, target);
    this.failures = new FaultRules<F, T>(applies, random);
    this.latencies = new FaultRules<L, T>(applies, random);
  }

  /** Fails matching requests: `times`, once, or without end when by `probability`. */
  fail(spec: F): FaultHandle {
    return this.failures.add(spec, failureTimes(spec));
  }

  /** Delays matching requests (`times`, or without end). */
  latency(spec: L): FaultHandle {
    return this.latencies.add(spec, spec.times ?? Infinity);
  }

  /** Holds every new request until `resume()`. */
  pause(): void {
    this.paused ??= [];
  }

  /** Releases held requests. */
  resume(): void {
    const waiting = this.paused ?? [];
    this.paused = undefined;
    for (const release of waiting) release();
  }

  /** Removes every failure and latency rule, and resumes. */
  clear(): void {
    this.failures.clear();
    this.latencies.clear();
    this.resume();
  }

  /** Waits while paused, then for the first matching latency rule; returns its milliseconds (0 for none). */
  async delay(target: T): Promise<number> {
    const paused = this.paused;
    if (paused) await new Promise<void>((resolve) => paused.push(resolve));
    const ms = this.latencies.take(target)?.ms ?? 0;
    if (ms > 0) await sleep(ms);
    return ms;
  }

  /** Sets the gate every request passes before the failure rules (`undefined` removes it; `clear` leaves it). */
  gate(gate: RequestGate<F, T> | undefined): void {
    this.requestGate = gate;
  }

  /** The failure to answer with, if any: the gate's, else a rule's (using one of its times). */
  failureFor(target: T): F | undefined {
    return this.requestGate?.(target) ?? this.failures.take(target);
  }

  /**
   * Runs the faults for one request: the pause, a latency, then the failure to answer with (the
   * caller turns it into the protocol's error). Marks the record's `fault` with what happened.
   */
  async inject(record: T & { fault?: string }): Promise<F | undefined> {
    const ms = await this.delay(record);
    if (ms > 0) record.fault = `latency ${ms}ms`;
    const failure = this.failureFor(record);
    if (failure) record.fault = this.protocol.describe(failure);
    return failure;
  }
}

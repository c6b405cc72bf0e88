/** Fault injection on the fake EC2: failures, throttling, latency and eventual consistency. */
import {
  type FaultHandle,
  FaultInjector,
  type FaultProtocol,
  FaultRules,
  type LatencyRule,
  oneOf,
  type RequestGate,
  type RuleFaults,
} from '../shared/index.js';
import type { ResourceType } from './model.js';
import type { Ec2RequestRecord } from './request-log.js';

/** Which requests a fault applies to; every given field must match. */
export interface Ec2FaultMatch {
  /** EC2 action name(s), e.g. `RunInstances`. @default every action */
  readonly action?: string | readonly string[];
  /** Region(s). @default every region */
  readonly region?: string | readonly string[];
}

/** An error answer to inject. */
export interface Ec2FailureSpec extends Ec2FaultMatch {
  /** HTTP status. @default 500 */
  readonly status?: number;
  /** The error code. @default by status: 500 `InternalError`, 503 `Unavailable`, other 4xx `InvalidRequest` */
  readonly code?: string;
  /** The message. @default EC2's wording for the code */
  readonly message?: string;
  /** How many matching requests fail. @default 1, or unlimited when `probability` is given */
  readonly times?: number;
  /** Chance (0–1) that a matching request fails, drawn from the fake's `random`. @default 1 */
  readonly probability?: number;
}

/** Throttling: `RequestLimitExceeded` (HTTP 503, `Request limit exceeded.`), as EC2 throttles. */
export interface Ec2ThrottleSpec extends Ec2FaultMatch {
  /** @default 1, or unlimited when `probability` is given */
  readonly times?: number;
  /** Chance (0–1) that a matching request is throttled. @default 1 */
  readonly probability?: number;
}

/** Latency (real time) before matching requests are answered. */
export interface Ec2LatencySpec extends Ec2FaultMatch, LatencyRule {}

/** Eventual consistency: resources created while it is on stay invisible to Describe calls for a while. */
export interface Ec2ConsistencySpec {
  /**
   * How many Describe calls of the resource's type (in its region) miss a new resource: it is
   * left out of lists and is `InvalidXxxID.NotFound` when asked for by id.
   */
  readonly describeCalls: number;
  /** Resource types affected. @default every type */
  readonly types?: readonly ResourceType[];
}

/** A handle on one injected fault (`remaining` is Infinity for unlimited rules and consistency). */
export type Ec2FaultHandle = FaultHandle;

/** Fault injection on the fake. */
export interface Ec2Faults extends RuleFaults<Ec2FailureSpec, Ec2LatencySpec> {
  /** Answers matching requests with an error (5xx, or any code and status); every request without a spec. */
  fail(spec?: Ec2FailureSpec): Ec2FaultHandle;
  /** Throttles matching requests with `RequestLimitExceeded`. */
  throttle(spec?: Ec2ThrottleSpec): Ec2FaultHandle;
  /** Turns eventual consistency on for resources created from now on, until cancelled. */
  eventualConsistency(spec: Ec2ConsistencySpec): Ec2FaultHandle;
  /** Removes every fault. */
  clear(): void;
  /** Sets a gate every request passes before the failure rules (`undefined` removes it); see `exploreCrashPoints`. */
  gate(gate: RequestGate<Ec2FailureSpec, Ec2GateTarget> | undefined): void;
}

/** The parts of a record a fault (and a gate) sees. */
export type Ec2GateTarget = Pick<Ec2RequestRecord, 'action' | 'region'>;
type Target = Ec2GateTarget;

/** A failure rule: a failure, or a throttle (`RequestLimitExceeded`). */
export type Ec2Failure = Ec2FailureSpec & { readonly throttle?: boolean };

/** EC2's side of fault injection: the match, and the log's `throttle` or `fail <status>`. */
const EC2_FAULTS: FaultProtocol<Ec2Failure, Ec2LatencySpec, Target> = {
  applies: (m, t) => oneOf(m.action, t.action) && oneOf(m.region, t.region),
  describe: (failure) => (failure.throttle ? 'throttle' : `fail ${failure.status ?? 500}`),
};

/** The fault injector the dispatcher consults, and the eventual-consistency rules (internal). */
export class Ec2FaultEngine extends FaultInjector<Ec2Failure, Ec2LatencySpec, Target> {
  private readonly consistency = new FaultRules<Ec2ConsistencySpec, ResourceType>((spec, type) => !spec.types || spec.types.includes(type));

  /** @param random the source of `probability` draws */
  constructor(random: () => number) {
    super(EC2_FAULTS, random);
  }

  /** The public face. */
  api(): Ec2Faults {
    return {
      fail: (spec = {}) => this.fail(spec),
      throttle: (spec = {}) => this.fail({ ...spec, throttle: true, status: 503, code: 'RequestLimitExceeded' }),
      latency: (spec) => this.latency(spec),
      eventualConsistency: (spec) => this.consistency.add(spec, Infinity),
      clear: () => this.clear(),
      gate: (gate) => this.gate(gate),
    };
  }

  /** Removes every fault. */
  override clear(): void {
    super.clear();
    this.consistency.clear();
  }

  /** Describe calls a resource of `type` created now stays invisible for. */
  hiddenFor(type: ResourceType): number {
    return Math.max(0, ...this.consistency.matching(type).map((spec) => spec.describeCalls));
  }
}

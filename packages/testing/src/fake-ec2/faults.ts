/** Fault injection and the request log of the fake EC2. */
import type { ResourceType } from './model.js';
import { boundedLog } from '../bounded-log.js';

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
export interface Ec2LatencySpec extends Ec2FaultMatch {
  /** Delay added to each matching request, in milliseconds. */
  readonly ms: number;
  /** @default unlimited */
  readonly times?: number;
}

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

/** A handle on one injected fault. */
export interface Ec2FaultHandle {
  /** Requests still to be affected (Infinity for unlimited rules and consistency). */
  readonly remaining: number;
  /** Removes the fault. */
  cancel(): void;
}

/** Fault injection on the fake. */
export interface Ec2Faults {
  /** Answers matching requests with an error (5xx, or any code and status). */
  fail(spec?: Ec2FailureSpec): Ec2FaultHandle;
  /** Throttles matching requests with `RequestLimitExceeded`. */
  throttle(spec?: Ec2ThrottleSpec): Ec2FaultHandle;
  /** Delays matching requests. */
  latency(spec: Ec2LatencySpec): Ec2FaultHandle;
  /** Turns eventual consistency on for resources created from now on, until cancelled. */
  eventualConsistency(spec: Ec2ConsistencySpec): Ec2FaultHandle;
  /** Removes every fault. */
  clear(): void;
}

/** One request the fake answered. */
export interface Ec2RequestRecord {
  /** The EC2 action, e.g. `RunInstances`. */
  readonly action: string;
  /** The region the request was sent to. */
  readonly region: string;
  /** The request parameters (without `Action`/`Version`; values over 200 characters shortened, `UserData` as its length). */
  readonly params: Readonly<Record<string, string>>;
  /** HTTP status of the answer. */
  status: number;
  /** The error code when the answer was an error. */
  code?: string;
  /** Set when an injected fault answered or delayed it (`throttle`, `fail 500`, `latency 20ms`). */
  fault?: string;
  /** The request id the fake answered with. */
  readonly requestId: string;
  /** Arrival on the fake's clock. */
  readonly at: Date;
}

/** A filter over records: every given field must match. */
export interface Ec2RequestFilter {
  /** Only this EC2 action. */
  readonly action?: string;
  /** Only this region. */
  readonly region?: string;
  /** Only answers with this HTTP status. */
  readonly status?: number;
  /** Only error answers with this code. */
  readonly code?: string;
  /** Only records with (true) or without (false) a fault. */
  readonly faulted?: boolean;
}

/** The request log. */
export interface Ec2RequestLog {
  /** Every record so far (a copy). */
  all(): Ec2RequestRecord[];
  /** The records matching `match`. */
  filter(match: Ec2RequestFilter): Ec2RequestRecord[];
  /** How many records match `match` (all of them without it). */
  count(match?: Ec2RequestFilter): number;
  /** Forgets every record. */
  clear(): void;
}

interface Rule<S> {
  readonly spec: S;
  remaining: number;
}

type Target = { readonly action: string; readonly region: string };

const asList = <T>(v: T | readonly T[] | undefined): readonly T[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? (v as readonly T[]) : [v as T];

function applies(m: Ec2FaultMatch, t: Target): boolean {
  const actions = asList(m.action);
  const regions = asList(m.region);
  return (!actions || actions.includes(t.action)) && (!regions || regions.includes(t.region));
}

/** The fault engine the dispatcher consults (internal). */
export class FaultEngine {
  private failures: Rule<Ec2FailureSpec & { throttle?: boolean }>[] = [];
  private latencies: Rule<Ec2LatencySpec>[] = [];
  private consistency: Rule<Ec2ConsistencySpec>[] = [];

  constructor(private readonly random: () => number) {}

  /** The public face. */
  api(): Ec2Faults {
    const limit = (s: { times?: number; probability?: number }) => s.times ?? (s.probability === undefined ? 1 : Infinity);
    return {
      fail: (spec = {}) => this.add(this.failures, spec, limit(spec)),
      throttle: (spec = {}) => this.add(this.failures, { ...spec, throttle: true, status: 503, code: 'RequestLimitExceeded' }, limit(spec)),
      latency: (spec) => this.add(this.latencies, spec, spec.times ?? Infinity),
      eventualConsistency: (spec) => this.add(this.consistency, spec, Infinity),
      clear: () => {
        for (const r of [...this.failures, ...this.latencies, ...this.consistency]) r.remaining = 0;
        this.failures = [];
        this.latencies = [];
        this.consistency = [];
      },
    };
  }

  /** The latency for a request, if any (consumes one use). */
  latencyFor(t: Target): number {
    const rule = this.latencies.find((r) => r.remaining > 0 && applies(r.spec, t));
    if (!rule) return 0;
    rule.remaining--;
    return rule.spec.ms;
  }

  /** The failure to answer with, if any (consumes one use). */
  failureFor(t: Target): (Ec2FailureSpec & { throttle?: boolean }) | undefined {
    for (const rule of this.failures) {
      if (rule.remaining <= 0 || !applies(rule.spec, t)) continue;
      if (rule.spec.probability !== undefined && this.random() >= rule.spec.probability) continue;
      rule.remaining--;
      return rule.spec;
    }
    return undefined;
  }

  /** Describe calls a resource of `type` created now stays invisible for. */
  hiddenFor(type: ResourceType): number {
    let n = 0;
    for (const r of this.consistency) if (r.remaining > 0 && (!r.spec.types || r.spec.types.includes(type))) n = Math.max(n, r.spec.describeCalls);
    return n;
  }

  private add<S>(rules: Rule<S>[], spec: S, times: number): Ec2FaultHandle {
    const rule: Rule<S> = { spec, remaining: times };
    rules.push(rule);
    return {
      get remaining() {
        return rule.remaining;
      },
      cancel: () => {
        rule.remaining = 0;
      },
    };
  }
}

/** Creates an empty request log (the oldest half goes past `limit`). */
export function createRequestLog(limit: number): Ec2RequestLog & { add(r: Ec2RequestRecord): void } {
  return boundedLog<Ec2RequestRecord, Ec2RequestFilter>(
    limit,
    (r, m) =>
      (m.action === undefined || m.action === r.action) &&
      (m.region === undefined || m.region === r.region) &&
      (m.status === undefined || m.status === r.status) &&
      (m.code === undefined || m.code === r.code) &&
      (m.faulted === undefined || (r.fault !== undefined) === m.faulted),
  );
}

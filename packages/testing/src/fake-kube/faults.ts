/** Fault injection: failing requests, latency, dropped watches, compaction, pause. */
import type { RequestRecord } from './request-log.js';

/** Which requests a fault applies to; every given field must match. */
export interface FaultMatch {
  /** One verb or several (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`). */
  readonly verb?: string | readonly string[];
  /** Plural resource name, e.g. `clusters`. */
  readonly resource?: string;
  /** Only requests in this namespace. */
  readonly namespace?: string;
  /** Only requests for the object of this name. */
  readonly name?: string;
  /** `status` to match only status subresource writes. */
  readonly subresource?: string;
}

/** A failure to inject. */
export interface FailureSpec extends FaultMatch {
  /** HTTP status: 429 (with Retry-After), 500, 503, 409, 404, 410, 504, 403... */
  readonly status: number;
  /** How many matching requests fail. @default 1 */
  readonly times?: number;
  /** `Retry-After` seconds for 429/503. @default 1 */
  readonly retryAfterSeconds?: number;
  /** Status message. @default the real server's wording for that code */
  readonly message?: string;
}

/** Latency to add. */
export interface LatencySpec extends FaultMatch {
  /** Milliseconds before the request is handled. */
  readonly ms: number;
  /** How many matching requests are delayed. @default Infinity */
  readonly times?: number;
}

/** A handle to remove one injected fault early. */
export interface FaultHandle {
  /** Requests still to be affected. */
  readonly remaining: number;
  /** Removes the fault. */
  cancel(): void;
}

/** Fault injection on a running fake server. */
export interface Faults {
  /** Fails the next `times` requests matching `spec` with `spec.status`. */
  fail(spec: FailureSpec): FaultHandle;
  /** Delays matching requests. */
  latency(spec: LatencySpec): FaultHandle;
  /** Destroys every open watch connection now; returns how many were dropped. */
  dropWatches(): number;
  /** Forgets the event history: watches from any earlier resourceVersion get 410 Gone; continue tokens expire. */
  compact(): void;
  /** Holds every new request until `resume()`. */
  pause(): void;
  /** Releases held requests. */
  resume(): void;
  /** Removes every failure and latency rule (and resumes). */
  clear(): void;
}

interface Rule<S> {
  readonly spec: S;
  remaining: number;
}

function matches(m: FaultMatch, r: RequestRecord): boolean {
  if (m.verb !== undefined && !(typeof m.verb === 'string' ? [m.verb] : m.verb).includes(r.verb)) return false;
  if (m.resource !== undefined && m.resource !== r.resource) return false;
  if (m.namespace !== undefined && m.namespace !== r.namespace) return false;
  if (m.name !== undefined && m.name !== r.name) return false;
  if (m.subresource !== undefined && m.subresource !== (r.subresource ?? '')) return false;
  return true;
}

/** The fault engine the server consults on each request (internal). */
export class FaultEngine implements Faults {
  private failures: Rule<FailureSpec>[] = [];
  private latencies: Rule<LatencySpec>[] = [];
  private paused: (() => void)[] | undefined;

  constructor(private readonly hooks: { dropWatches(): number; compact(): void }) {}

  fail(spec: FailureSpec): FaultHandle {
    return this.add(this.failures, spec, spec.times ?? 1);
  }

  latency(spec: LatencySpec): FaultHandle {
    return this.add(this.latencies, spec, spec.times ?? Infinity);
  }

  dropWatches(): number {
    return this.hooks.dropWatches();
  }

  compact(): void {
    this.hooks.compact();
  }

  pause(): void {
    this.paused ??= [];
  }

  resume(): void {
    const waiting = this.paused ?? [];
    this.paused = undefined;
    for (const release of waiting) release();
  }

  clear(): void {
    this.failures = [];
    this.latencies = [];
    this.resume();
  }

  /** Waits while paused, then for any matching latency. */
  async delay(r: RequestRecord): Promise<number> {
    const paused = this.paused;
    if (paused) await new Promise<void>((resolve) => paused.push(resolve));
    const rule = this.take(this.latencies, r);
    if (rule) await new Promise((resolve) => setTimeout(resolve, rule.spec.ms));
    return rule?.spec.ms ?? 0;
  }

  /** The failure to answer with, if any (consumes one use). */
  failureFor(r: RequestRecord): FailureSpec | undefined {
    return this.take(this.failures, r)?.spec;
  }

  private add<S extends FaultMatch>(list: Rule<S>[], spec: S, times: number): FaultHandle {
    const rule: Rule<S> = { spec, remaining: times };
    list.push(rule);
    return {
      get remaining() {
        return rule.remaining;
      },
      cancel: () => {
        rule.remaining = 0;
      },
    };
  }

  private take<S extends FaultMatch>(list: Rule<S>[], r: RequestRecord): Rule<S> | undefined {
    const rule = list.find((x) => x.remaining > 0 && matches(x.spec, r));
    if (rule) rule.remaining--;
    return rule;
  }
}

/** Fault injection: failing requests, latency, dropped watches, compaction, pause. */
import { type FaultProtocol, FaultInjector, type LatencyRule, oneOf, type RequestGate, type RuleFaults } from '../shared/index.js';
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
  /**
   * `Retry-After` seconds: a 429 always carries one (default 1, as the real server's max-in-flight
   * filter sends); a 503 only when this is given (a server or proxy that is down sends none).
   */
  readonly retryAfterSeconds?: number;
  /** Status message. @default the real server's wording for that code */
  readonly message?: string;
}

/** Latency to add. */
export interface LatencySpec extends FaultMatch, LatencyRule {}

export type { FaultHandle } from '../shared/index.js';

/** Fault injection on a running fake server. */
export interface Faults extends RuleFaults<FailureSpec, LatencySpec> {
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
  /** Sets a gate every request passes before the failure rules (`undefined` removes it); see `exploreCrashPoints`. */
  gate(gate: RequestGate<FailureSpec, RequestRecord> | undefined): void;
}

/** The Kubernetes API's side of fault injection: the match, and the log's `status <code>`. */
const KUBE_FAULTS: FaultProtocol<FailureSpec, LatencySpec, RequestRecord> = {
  applies: (m, r) =>
    oneOf(m.verb, r.verb) &&
    oneOf(m.resource, r.resource) &&
    oneOf(m.namespace, r.namespace) &&
    oneOf(m.name, r.name) &&
    oneOf(m.subresource, r.subresource ?? ''),
  describe: (failure) => `status ${failure.status}`,
};

/** The fault engine the server consults on each request (internal): `delay`, then `failureFor`. */
export class FaultEngine extends FaultInjector<FailureSpec, LatencySpec, RequestRecord> implements Faults {
  constructor(private readonly hooks: { dropWatches(): number; compact(): void }) {
    super(KUBE_FAULTS);
  }

  dropWatches(): number {
    return this.hooks.dropWatches();
  }

  compact(): void {
    this.hooks.compact();
  }
}

/** The request log of the fake EC2. */
import { type BoundedLog, requestLog, type RequestLogView } from '../shared/index.js';

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
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the shared log under the fake's own name, for the API reference
export interface Ec2RequestLog extends RequestLogView<Ec2RequestRecord, Ec2RequestFilter> {}

/** Creates an empty request log (the oldest half goes past `limit`). */
export function createRequestLog(limit: number): BoundedLog<Ec2RequestRecord, Ec2RequestFilter> {
  return requestLog<Ec2RequestRecord, Ec2RequestFilter>(limit);
}

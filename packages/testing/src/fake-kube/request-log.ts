/** The request log tests assert on. */
import { requestLog, type RequestLogView } from '../shared/index.js';

/** What one request was, in API terms. */
export interface RequestRecord {
  /** `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`, or `discovery`. */
  readonly verb: string;
  /** Plural resource name (`clusters`), `''` for discovery and other paths. */
  readonly resource: string;
  /** API group (`''` for core). */
  readonly group: string;
  /** Namespace in the path, if any. */
  readonly namespace: string | undefined;
  /** Object name in the path, if any. */
  readonly name: string | undefined;
  /** Subresource in the path (`status`, `scale`, `eviction`), if any. */
  readonly subresource: string | undefined;
  /** HTTP method. */
  readonly method: string;
  /** Path and query as sent. */
  readonly url: string;
  /**
   * The client's `User-Agent` (`''` when it sent none): what made the request, as the audit log's
   * `userAgent` tells it.
   */
  readonly userAgent: string;
  /**
   * Who made it: the common name of the client certificate, when the server authenticates
   * clients (`clientCertificates`); otherwise the fake authenticates nobody and it is absent.
   */
  user?: string;
  /** HTTP status code sent (200 for watches that started). */
  code: number;
  /** Set when the answer was an injected fault (its description). */
  fault?: string;
  /** Milliseconds since the server started. */
  readonly at: number;
}

/** A filter over records: every given field must match. */
export type RequestFilter = Partial<
  Pick<RequestRecord, 'verb' | 'resource' | 'group' | 'namespace' | 'name' | 'subresource' | 'code' | 'method' | 'userAgent' | 'user'>
> & {
  /** Only records with (true) or without (false) an injected fault. */
  readonly faulted?: boolean;
};

/** The request log: every request the server answered, in arrival order. */
export interface RequestLog extends RequestLogView<RequestRecord, RequestFilter> {
  /** Records matching a filter (a field given as `undefined` asks for records without it). */
  filter(match: RequestFilter): RequestRecord[];
}

/** Creates an empty log (bounded: the oldest records go past `limit`). */
export function createRequestLog(limit: number): RequestLog & { add(r: RequestRecord): void } {
  return requestLog<RequestRecord, RequestFilter>(limit, { givenUndefined: 'absent' });
}

/** The request log of the fake Vault. */
import { type BoundedLog, requestLog, type RequestLogView } from '../shared/index.js';
import type { Operation } from './types.js';

/** One request the fake answered. */
export interface VaultRequestRecord {
  /** HTTP method as sent. */
  readonly method: string;
  /** Path after `/v1/`, without query. */
  readonly path: string;
  /** Vault's operation for the request (`read`, `list`, `create`, `update`, `delete`, `patch`). */
  readonly operation: Operation;
  /** Status sent. */
  status: number;
  /** Set when the answer was an injected fault or a seal (`fail 503`, `latency 20ms`, `sealed`). */
  fault?: string;
  /** Time of arrival on the fake's clock. */
  readonly at: Date;
}

/** A filter over records: every given field must match. */
export interface VaultRequestFilter {
  /** Only this HTTP method. */
  readonly method?: string;
  /** Path prefix. */
  readonly path?: string;
  /** Only this Vault operation. */
  readonly operation?: Operation;
  /** Only answers with this HTTP status. */
  readonly status?: number;
  /** Only records with (true) or without (false) a fault. */
  readonly faulted?: boolean;
}

/** The request log. */
export interface VaultRequestLog extends RequestLogView<VaultRequestRecord, VaultRequestFilter> {
  /** The records matching `match` (`path` as a prefix, `method` in any case). */
  filter(match: VaultRequestFilter): VaultRequestRecord[];
}

/** A method in upper case, to compare methods in any case (internal). */
export const upper = (method: string): string => method.toUpperCase();

/** Whether `path` lies under `prefix` (a leading slash of the prefix is ignored) (internal). */
export const underPath = (prefix: string, path: string): boolean => path.startsWith(prefix.replace(/^\/+/, ''));

/** Creates an empty request log (the oldest half goes past `limit`). */
export function createRequestLog(limit: number): BoundedLog<VaultRequestRecord, VaultRequestFilter> {
  return requestLog<VaultRequestRecord, VaultRequestFilter>(limit, {
    tests: { method: (r, method) => upper(method) === upper(r.method), path: (r, prefix) => underPath(prefix, r.path) },
  });
}

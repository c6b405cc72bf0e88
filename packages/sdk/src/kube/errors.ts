import { err, ok, type Result } from 'neverthrow';

/**
 * `KubeError`: every failure of a Kubernetes API call, as a value keyed by `kind`.
 * `toKubeError` is the one place where client-node's exceptions become values.
 */

/** The kinds of {@link KubeError}. */
export const KubeErrorKind = {
  /** 404: the object (or its namespace) does not exist. */
  NotFound: 'NotFound',
  /** 409 with reason AlreadyExists: create of a name that is taken. */
  AlreadyExists: 'AlreadyExists',
  /** 409: stale `resourceVersion`, or a server-side apply field conflict. */
  Conflict: 'Conflict',
  /** 422: the object failed validation; `causes` lists the fields. */
  Invalid: 'Invalid',
  /** Any other 4xx: the request was malformed. */
  BadRequest: 'BadRequest',
  /** 401: missing or rejected credentials. */
  Unauthorized: 'Unauthorized',
  /** 403: RBAC denies the request. */
  Forbidden: 'Forbidden',
  /** 410 (or reason Expired/Gone): the `resourceVersion` is too old, list again. */
  Gone: 'Gone',
  /** 429: throttled; `retryAfterMs` when the server says when to come back. */
  TooManyRequests: 'TooManyRequests',
  /** 504, 408 or reason Timeout: the server gave up waiting. */
  Timeout: 'Timeout',
  /** Any other 5xx. */
  ServerError: 'ServerError',
  /** No HTTP answer (connection refused or reset, TLS, DNS); `code` is 0. */
  Transport: 'Transport',
} as const;
/** The kinds of {@link KubeError}. */
export type KubeErrorKind = (typeof KubeErrorKind)[keyof typeof KubeErrorKind];

/** One field problem of a 422 Invalid (`details.causes`). */
export interface StatusCause {
  /** Machine-readable cause, e.g. `FieldValueRequired`. */
  readonly reason?: string;
  /** Human-readable description. */
  readonly message?: string;
  /** Path of the field at fault, e.g. `spec.masters.replicas`. */
  readonly field?: string;
}

/** What every {@link KubeError} carries; `kind` tells them apart. */
export interface KubeErrorBase<K extends KubeErrorKind> {
  /** What failed: one of {@link KubeErrorKind}. */
  readonly kind: K;
  /** The server's message (from its Status), or the transport error's. */
  readonly message: string;
  /** HTTP status code; 0 for transport errors. */
  readonly code: number;
  /** `Status.reason` as the server sent it. */
  readonly reason?: string;
  /** The Status object, when the server sent one. */
  readonly status?: KubeStatus;
  /** The original exception. */
  readonly cause?: unknown;
}

/** A failed Kubernetes API call. */
export type KubeError =
  | KubeErrorBase<'NotFound'>
  | KubeErrorBase<'AlreadyExists'>
  | KubeErrorBase<'Conflict'>
  | (KubeErrorBase<'Invalid'> & {
      /** The fields at fault (`details.causes`); may be empty. */
      readonly causes: readonly StatusCause[];
    })
  | KubeErrorBase<'BadRequest'>
  | KubeErrorBase<'Unauthorized'>
  | KubeErrorBase<'Forbidden'>
  | KubeErrorBase<'Gone'>
  | (KubeErrorBase<'TooManyRequests'> & {
      /** How long the server asked to wait (`Retry-After`), when it said. */
      readonly retryAfterMs?: number;
    })
  | KubeErrorBase<'Timeout'>
  | (KubeErrorBase<'ServerError'> & {
      /** How long the server asked to wait (`Retry-After`), when it said. */
      readonly retryAfterMs?: number;
    })
  | KubeErrorBase<'Transport'>;

/** The `Status` object (`meta/v1`) of a failed request. */
export interface KubeStatus {
  /** Always `Status`. */
  readonly kind?: 'Status';
  /** `Failure` for errors. */
  readonly status?: string;
  /** Human-readable description. */
  readonly message?: string;
  /** Machine-readable reason, e.g. `NotFound`, `AlreadyExists`, `Conflict`. */
  readonly reason?: string;
  /** HTTP status code. */
  readonly code?: number;
  /** The object concerned, field causes (422) and retry hints (429). */
  readonly details?: {
    readonly name?: string;
    readonly group?: string;
    readonly kind?: string;
    readonly causes?: StatusCause[];
    readonly retryAfterSeconds?: number;
  };
}

/** Converts anything a client-node call threw or rejected with into a {@link KubeError}. */
export function toKubeError(thrown: unknown): KubeError {
  const code = statusCode(thrown);
  if (code === undefined) return { kind: 'Transport', code: 0, message: transportMessage(thrown), cause: thrown };
  const status = parseStatus((thrown as { body?: unknown }).body);
  const reason = status?.reason;
  const message = status?.message ?? ((thrown as Error).message || `HTTP ${code}`);
  const base = { code, message, cause: thrown, ...(status ? { status } : {}), ...(reason ? { reason } : {}) };
  const retryAfterMs = retryAfter(thrown, status);
  const withRetry = retryAfterMs === undefined ? {} : { retryAfterMs };
  switch (true) {
    case code === 404:
      return { kind: 'NotFound', ...base };
    case code === 409:
      return reason === 'AlreadyExists' ? { kind: 'AlreadyExists', ...base } : { kind: 'Conflict', ...base };
    case code === 422:
      return { kind: 'Invalid', ...base, causes: status?.details?.causes ?? [] };
    case code === 401:
      return { kind: 'Unauthorized', ...base };
    case code === 403:
      return { kind: 'Forbidden', ...base };
    case code === 410 || reason === 'Expired' || reason === 'Gone':
      return { kind: 'Gone', ...base };
    case code === 429:
      return { kind: 'TooManyRequests', ...base, ...withRetry };
    case code === 504 || code === 408 || reason === 'Timeout':
      return { kind: 'Timeout', ...base };
    case code >= 500:
      return { kind: 'ServerError', ...base, ...withRetry };
    default:
      return { kind: 'BadRequest', ...base };
  }
}

/** Converts a watch `ERROR` event's Status into a {@link KubeError}. */
export function statusToKubeError(status: KubeStatus): KubeError {
  return toKubeError(Object.assign(new Error(status.message ?? 'watch error'), { code: status.code ?? 500, body: status }));
}

/** Whether `error` is a NotFound. */
export function isNotFound(error: KubeError): boolean {
  return error.kind === 'NotFound';
}

/** Whether `error` is a Conflict (stale resourceVersion, SSA field conflict). */
export function isConflict(error: KubeError): boolean {
  return error.kind === 'Conflict';
}

/**
 * Maps NotFound to `undefined`, so "already gone" is not an error.
 *
 * @example
 * ```ts
 * const result = await client.get('demo').orElse(ignoreNotFound); // Result<Cluster | undefined, KubeError>
 * ```
 */
export function ignoreNotFound(error: KubeError): Result<undefined, KubeError> {
  return error.kind === 'NotFound' ? ok(undefined) : err(error);
}

function statusCode(thrown: unknown): number | undefined {
  if (typeof thrown !== 'object' || thrown === null) return undefined;
  const { code, statusCode: sc } = thrown as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'number' && code >= 100) return code;
  if (typeof sc === 'number' && sc >= 100) return sc;
  return undefined;
}

function parseStatus(body: unknown): KubeStatus | undefined {
  if (typeof body === 'object' && body !== null) return body as KubeStatus;
  if (typeof body !== 'string' || body === '') return undefined;
  try {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as KubeStatus) : undefined;
  } catch {
    return undefined;
  }
}

function retryAfter(thrown: unknown, status: KubeStatus | undefined): number | undefined {
  const headers = (thrown as { headers?: Record<string, string | undefined> }).headers;
  const header = headers?.['retry-after'] ?? headers?.['Retry-After'];
  const seconds = header !== undefined ? Number(header) : status?.details?.retryAfterSeconds;
  return seconds !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function transportMessage(thrown: unknown): string {
  if (!(thrown instanceof Error)) return String(thrown);
  const cause = (thrown as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `${thrown.message}: ${cause.code}${cause.message ? ` (${cause.message})` : ''}` : thrown.message;
}

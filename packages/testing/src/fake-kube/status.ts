/** `metav1.Status` failures worded like kube-apiserver's (internal). */
import type { ResourceType } from './resource-type.js';
import type { Status, StatusCause } from './types.js';

/** A request failure carrying the Status to send. */
export class ApiError extends Error {
  constructor(
    readonly status: Status,
    readonly headers: Record<string, string> = {},
  ) {
    super(status.message);
  }
  get code(): number {
    return this.status.code;
  }
}

type Details = NonNullable<Status['details']>;

function failure(code: number, reason: string | undefined, message: string, details?: Details): ApiError {
  const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message } as Status;
  if (reason !== undefined) status.reason = reason;
  if (details !== undefined) status.details = details;
  status.code = code;
  return new ApiError(status);
}

/** `clusters.kubeception.io` or `pods`. */
export const qualifiedResource = (rt: Pick<ResourceType, 'group' | 'plural'>): string => (rt.group === '' ? rt.plural : `${rt.plural}.${rt.group}`);
/** `Cluster.kubeception.io` or `Pod`. */
export const qualifiedKind = (rt: Pick<ResourceType, 'group' | 'kind'>): string => (rt.group === '' ? rt.kind : `${rt.kind}.${rt.group}`);

function resourceDetails(rt: Pick<ResourceType, 'group' | 'plural'>, name: string): Details {
  return rt.group === '' ? { name, kind: rt.plural } : { name, group: rt.group, kind: rt.plural };
}

export const notFound = (rt: Pick<ResourceType, 'group' | 'plural'>, name: string) =>
  failure(404, 'NotFound', `${qualifiedResource(rt)} "${name}" not found`, resourceDetails(rt, name));

export const alreadyExists = (rt: Pick<ResourceType, 'group' | 'plural'>, name: string) =>
  failure(409, 'AlreadyExists', `${qualifiedResource(rt)} "${name}" already exists`, resourceDetails(rt, name));

/** 409 Conflict: `Operation cannot be fulfilled on <resource> "<name>": <why>`. */
export const conflict = (rt: Pick<ResourceType, 'group' | 'plural'>, name: string, why: string) =>
  failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(rt)} "${name}": ${why}`, resourceDetails(rt, name));

export const STALE_OBJECT = 'the object has been modified; please apply your changes to the latest version and try again';

/**
 * 422 Invalid with field causes. The message lists each distinct `<field>: <message>` once, as
 * kube's error aggregate does; the causes are kept as given.
 */
export function invalid(rt: Pick<ResourceType, 'group' | 'kind'>, name: string, causes: readonly StatusCause[]): ApiError {
  const bodies = [...new Set(causes.map((c) => (c.field ? `${c.field}: ${c.message}` : (c.message ?? ''))))];
  const joined = bodies.length === 1 ? bodies[0] : `[${bodies.join(', ')}]`;
  // Go's StatusDetails omits empty fields: no `name` for a nameless object, no `kind` for `GroupKind{}`
  const details: Details = { ...(name === '' ? {} : { name }), ...(rt.kind === '' ? {} : { kind: rt.kind }), causes: [...causes] };
  if (rt.group !== '') details.group = rt.group;
  return failure(422, 'Invalid', `${qualifiedKind(rt)} "${name}" is invalid: ${joined}`, details);
}

/** The API group of request options kinds (`CreateOptions`, `PatchOptions`, …). */
export const META_GROUP = 'meta.k8s.io';

/** 422 Invalid for request options (`PatchOptions.meta.k8s.io "" is invalid: …`), as the handlers' `Validate*Options` answer. */
export const optionsInvalid = (kind: string, causes: readonly StatusCause[]): ApiError => invalid({ group: META_GROUP, kind }, '', causes);

const GO_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 34: '\\"', 92: '\\\\' };
/** What Go's `strconv.IsPrint` accepts beyond ASCII: letters, marks, numbers, punctuation and symbols. */
const GO_PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/**
 * A string as Go's `%q` (`strconv.Quote`) prints it, as kube shows a bad value: `"a\nb"`, control
 * characters as `\x07`-style or named escapes, unprintable runes as `\u00a0`. (A lone surrogate
 * stands for the U+FFFD Go's JSON decoder puts in its place.)
 */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    const escape = GO_ESCAPES[c];
    if (escape !== undefined) out += escape;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (c < 0x80) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\ufffd';
    else if (GO_PRINTABLE.test(ch)) out += ch;
    else out += c > 0xffff ? `\\U${c.toString(16).padStart(8, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

/** 403: `<resource> "<name>" is forbidden: <why>`. */
export function forbidden(rt: Pick<ResourceType, 'group' | 'plural'>, name: string, why: string, causes?: StatusCause[]): ApiError {
  const details = resourceDetails(rt, name);
  if (causes) details.causes = causes;
  return failure(403, 'Forbidden', `${qualifiedResource(rt)} "${name}" is forbidden: ${why}`, details);
}

export const badRequest = (message: string) => failure(400, 'BadRequest', message);
/** 405 MethodNotAllowed; go-restful's answer for a method a path does not serve carries empty details. */
export const methodNotAllowed = (message = 'the server does not allow this method on the requested resource', details: Details = {}) =>
  failure(405, 'MethodNotAllowed', message, details);
/** 415; go-restful's own answer (a patch type the route does not consume) carries empty details, the apiserver's none. */
export const unsupportedMediaType = (message: string, details?: Details) => failure(415, 'UnsupportedMediaType', message, details);
/** 406; go-restful's own answer carries empty details, the apiserver's none. */
export const notAcceptable = (message: string, details?: Details) => failure(406, 'NotAcceptable', message, details);
export const pathNotFound = () => failure(404, 'NotFound', 'the server could not find the requested resource', {});

/** An answer that is no Status: plain text, as Go's HTTP mux writes it. */
export class PlainTextError extends ApiError {
  constructor(
    code: number,
    readonly text: string,
  ) {
    super({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: text.trim(), code });
  }
}

/** `404 page not found` in plain text: a path under no API group version kube-apiserver's handlers serve (or one served by CRDs only). */
export const muxNotFound = () => new PlainTextError(404, '404 page not found\n');
/** 410 Gone with reason Expired, as the watch cache sends it. */
export const expired = (message: string) => failure(410, 'Expired', message);
export const internalError = (message: string) => failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
export const timeout = (message: string, retryAfterSeconds = 1) => failure(504, 'Timeout', message, { retryAfterSeconds });

/** A Status for an injected fault with the given HTTP code. */
export function faultStatus(code: number, target: { rt?: ResourceType; name?: string }, message?: string, retryAfterSeconds?: number): ApiError {
  const { rt, name = '' } = target;
  let err: ApiError;
  switch (code) {
    case 429:
      err = failure(429, 'TooManyRequests', message ?? 'Too many requests, please try again later.', { retryAfterSeconds: retryAfterSeconds ?? 1 });
      err.headers['Retry-After'] = String(retryAfterSeconds ?? 1);
      return err;
    case 409:
      return rt ? conflict(rt, name, message ?? STALE_OBJECT) : failure(409, 'Conflict', message ?? 'conflict');
    case 404:
      return rt ? notFound(rt, name) : pathNotFound();
    case 410:
      return expired(message ?? 'too old resource version');
    case 500:
      return internalError(message ?? 'injected fault');
    case 503:
      err = failure(503, 'ServiceUnavailable', message ?? 'the server is currently unable to handle the request');
      if (retryAfterSeconds !== undefined) err.headers['Retry-After'] = String(retryAfterSeconds);
      return err;
    case 504:
      return timeout(message ?? 'the server was unable to return a response in the time allotted, but may still be processing the request');
    case 403:
      return rt ? forbidden(rt, name, message ?? 'injected fault') : failure(403, 'Forbidden', message ?? 'forbidden');
    case 401:
      return failure(401, 'Unauthorized', message ?? 'Unauthorized');
    case 400:
      return badRequest(message ?? 'injected fault');
    case 405:
      return methodNotAllowed(message ?? 'the server does not allow this method on the requested resource');
    case 415:
      return unsupportedMediaType(message ?? 'the body of the request was in an unknown format');
    case 422:
      return rt
        ? invalid(rt, name, [{ reason: 'FieldValueInvalid', message: message ?? 'Invalid value: injected fault' }])
        : failure(422, 'Invalid', message ?? 'injected fault');
    default:
      return failure(code, undefined, message ?? `injected fault ${code}`);
  }
}

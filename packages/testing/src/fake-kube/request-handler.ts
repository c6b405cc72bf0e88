/**
 * Serving one request of the fake API server, in stages (internal): route it, record it in the
 * request log, authenticate it, apply injected faults, then answer it (discovery document or
 * resource handler), every failure answered as kube-apiserver answers it.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { handleDoc } from './discovery.js';
import type { FaultEngine } from './faults.js';
import { handleResource, type HandlerContext } from './handlers.js';
import { sendError } from './http-io.js';
import { errorFormat } from './negotiation.js';
import { answerPodStream, isPodStream } from './pod-subresources.js';
import type { Authorization } from './rbac/rbac-authorization.js';
import { alwaysAllow } from './rbac/reviewer.js';
import { answerSelfReview, isSelfReview } from './rbac/self-reviews.js';
import { requestUser, type UserInfo } from './rbac/user.js';
import type { RequestRecord } from './request-log.js';
import type { Registry } from './registry.js';
import { route, type DocRoute, type ResourceRoute } from './router.js';
import { faultStatus, pathNotFound } from './status.js';

/** How the server authenticates clients. */
export interface Authentication {
  /** By client certificate (the TLS server asked for one and checked it against its CA). */
  readonly clientCertificates: boolean;
  /** By this bearer token (ignored with `clientCertificates`). */
  readonly token?: string;
}

/** What serving a request needs. */
export interface RequestHandlerDeps {
  readonly ctx: HandlerContext;
  readonly log: { add(r: RequestRecord): void };
  readonly faults: FaultEngine;
  readonly auth: Authentication;
  /** When the server started (`Date.now()`): records carry the time since. */
  readonly started: number;
  /** `127.0.0.1:<port>`, once listening: discovery documents name it. */
  readonly host: () => string;
  /** With `authorization: 'RBAC'`: authorizes each authenticated request (./rbac/). */
  readonly authorization?: Authorization;
}

/** The user the request log records for a request authenticated by the bearer token. */
const TOKEN_USER = 'token-user';

/** Whether the request carries `Authorization: Bearer <token>` (compared in constant time). */
function bearerMatches(req: IncomingMessage, token: string): boolean {
  const given = Buffer.from(req.headers.authorization ?? '', 'utf8');
  const expected = Buffer.from(`Bearer ${token}`, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The user of a request over a TLS connection whose client certificate the server's CA signed: its common name. */
function certificateUser(req: IncomingMessage): string | undefined {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized) return undefined;
  const cn = socket.getPeerCertificate().subject?.CN as string | string[] | undefined;
  return Array.isArray(cn) ? cn[0] : cn;
}

/** The authenticated user of a request (`undefined` when the server authenticates nobody); throws 401 Unauthorized for a stranger. */
export function authenticate(req: IncomingMessage, auth: Authentication): string | undefined {
  if (auth.clientCertificates) {
    const user = certificateUser(req);
    if (user === undefined) throw faultStatus(401, {}, 'Unauthorized');
    return user;
  }
  if (auth.token === undefined) return undefined;
  if (!bearerMatches(req, auth.token)) throw faultStatus(401, {}, 'Unauthorized');
  return TOKEN_USER;
}

/** The request as the request log records it, before it is answered (`code` 0). */
export function recordOf(req: IncomingMessage, r: ResourceRoute | DocRoute | undefined, started: number): RequestRecord {
  const isRes = r?.kind === 'resource';
  return {
    verb: isRes ? r.verb : 'discovery',
    resource: isRes ? r.rt.plural : '',
    group: isRes ? r.rt.group : (r?.group ?? ''),
    namespace: isRes ? r.namespace : undefined,
    name: isRes ? r.name : undefined,
    subresource: isRes && r.subresource !== '' ? r.subresource : undefined,
    method: req.method ?? 'GET',
    url: req.url ?? '/',
    userAgent: req.headers['user-agent'] ?? '',
    code: 0,
    at: Date.now() - started,
  };
}

/** The route of a request, or the error a path the server does not serve is answered with (later: the request is logged first). */
function routeOf(req: IncomingMessage, url: URL, registry: Registry): { readonly route?: ResourceRoute | DocRoute; readonly notFound?: unknown } {
  try {
    return { route: route(req.method ?? 'GET', url.pathname, url.searchParams, registry) };
  } catch (e) {
    return { notFound: e };
  }
}

/** Applies the injected latency and failure that match the request (noted in its record); throws the failure. */
async function injectFaults(faults: FaultEngine, record: RequestRecord, r: ResourceRoute | DocRoute | undefined): Promise<void> {
  const delayed = await faults.delay(record);
  if (delayed > 0) record.fault = `latency ${delayed}ms`;
  const failure = faults.failureFor(record);
  if (failure) {
    record.fault = `status ${failure.status}`;
    const rt = r?.kind === 'resource' ? r.rt : undefined;
    throw faultStatus(failure.status, rt ? { rt, name: record.name ?? '' } : {}, failure.message, failure.retryAfterSeconds);
  }
}

/** Answers a resource request: a self review of `user`, a pod's log or stream, or a request for stored objects. */
function answerResource(
  deps: RequestHandlerDeps,
  r: ResourceRoute,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  user: UserInfo,
): Promise<number> | number {
  if (isSelfReview(r)) return answerSelfReview(deps.authorization?.reviewer ?? alwaysAllow, user, r, req, res);
  if (isPodStream(r)) return answerPodStream(deps.ctx.api, r, req, res, url.searchParams);
  return handleResource(deps.ctx, r, req, res, url.searchParams);
}

/** Serves one request; its record's `code` is the status sent. */
async function serve(deps: RequestHandlerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { api } = deps.ctx;
  const url = new URL(req.url ?? '/', 'http://fake');
  const { route: r, notFound } = routeOf(req, url, api.registry);
  const record = recordOf(req, r, deps.started);
  deps.log.add(record);
  try {
    const name = authenticate(req, deps.auth);
    if (name !== undefined) record.user = name;
    const user = requestUser(req, name);
    // RBAC refuses before anything else looks at the request
    if (name !== undefined) deps.authorization?.authorize(req, url, user);
    await injectFaults(deps.faults, record, r);
    if (notFound !== undefined || !r) throw notFound ?? pathNotFound();
    record.code = r.kind === 'doc' ? handleDoc(r, api.registry, deps.host(), res, req.headers) : await answerResource(deps, r, req, res, url, user);
  } catch (e) {
    record.code = sendError(res, e, errorFormat(req.headers.accept));
  }
}

/** The server's `request` listener. */
export function requestHandler(deps: RequestHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => void serve(deps, req, res);
}

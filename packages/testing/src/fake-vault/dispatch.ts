/**
 * The request pipeline: faults and latency, the seal, routing, token authentication, ACL checks,
 * handlers, response wrapping and the request log (internal).
 */
import { parseVaultDuration } from './duration.js';
import { INVALID_TOKEN, PERMISSION_DENIED, VaultError } from './errors.js';
import { injectedFailure, type VaultFaultInjector } from './faults.js';
import { capabilitiesFor, type Capability } from './policy.js';
import type { VaultRequestRecord } from './request-log.js';
import type { VaultState } from './state.js';
import type { TokenEntry } from './token-store.js';
import { wrapResponse } from './token-routes.js';
import type { Handler, Operation, Reply, Route, VaultRequest } from './types.js';

/** What the dispatcher needs. */
export interface DispatchDeps {
  readonly state: VaultState;
  readonly faults: VaultFaultInjector;
  readonly log: { add(r: VaultRequestRecord): void };
  /** `sys/...` and `auth/token/...` routes (mount routes come from the state). */
  readonly routes: readonly Route[];
}

type MutableRecord = { -readonly [K in keyof VaultRequestRecord]: VaultRequestRecord[K] };

const SEAL_EXEMPT = new Set(['sys/health', 'sys/seal-status', 'sys/unseal']);

function baseOperation(method: string, url: URL): Operation {
  const listQuery = ['true', '1'].includes(url.searchParams.get('list') ?? '');
  if (method === 'LIST' || (method === 'GET' && listQuery)) return 'list';
  if (method === 'GET' || method === 'HEAD') return 'read';
  if (method === 'DELETE') return 'delete';
  if (method === 'PATCH') return 'patch';
  return 'update';
}

/** The capabilities a token has on a path (`['root']` for root tokens). */
export function tokenCapabilities(state: VaultState, token: TokenEntry, path: string): Capability[] | ['root'] {
  if (token.policies.includes('root')) return ['root'];
  return [...capabilitiesFor(state.rulesOf(token.policies), path)].sort();
}

function authenticate(state: VaultState, headers: Headers): TokenEntry {
  const id = headers.get('x-vault-token') ?? headers.get('authorization')?.replace(/^Bearer\s+/i, '') ?? '';
  if (id === '') throw VaultError.denied('permission denied');
  const token = state.tokens.lookup(id);
  if (!token) throw VaultError.denied(INVALID_TOKEN);
  return token;
}

function authorize(state: VaultState, token: TokenEntry, path: string, op: Operation, sudo: boolean): void {
  if (token.policies.includes('root')) return;
  const caps = capabilitiesFor(state.rulesOf(token.policies), op === 'list' ? `${path}/` : path);
  if (!caps.has(op as Capability) || (sudo && !caps.has('sudo'))) throw VaultError.denied(PERMISSION_DENIED);
}

function resolve(deps: DispatchDeps, path: string): { route: Route; params: string[] } | undefined {
  const inMount = deps.state.mountFor(path);
  const [routes, rest] = inMount ? [inMount.mount.routes, inMount.rest] : [deps.routes, path];
  for (const route of routes) {
    const m = route.pattern.exec(rest);
    if (m) return { route, params: m.slice(1).map((p) => p ?? '') };
  }
  return undefined;
}

function handlerFor(route: Route, op: Operation): Handler | undefined {
  if (op === 'read') return route.read;
  if (op === 'list') return route.list;
  if (op === 'delete') return route.delete;
  return route.write;
}

async function readBody(request: Request): Promise<Record<string, unknown>> {
  const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch (e) {
    throw VaultError.badRequest(`failed to parse JSON input: ${(e as Error).message}`);
  }
}

async function applyFaults(deps: DispatchDeps, record: MutableRecord): Promise<void> {
  const failure = await deps.faults.inject(record);
  if (failure) throw injectedFailure(failure, record.path);
  if (deps.state.sealed && !SEAL_EXEMPT.has(record.path)) {
    record.fault = 'sealed';
    throw VaultError.sealed();
  }
}

async function process(deps: DispatchDeps, request: Request, url: URL, record: MutableRecord): Promise<Reply> {
  await applyFaults(deps, record);
  const body = await readBody(request);
  const found = resolve(deps, record.path);
  let token: TokenEntry | undefined;
  if (!found?.route.unauthenticated) {
    token = authenticate(deps.state, request.headers);
    if (record.operation === 'update' && found?.route.exists) record.operation = found.route.exists(found.params) ? 'update' : 'create';
    authorize(deps.state, token, record.path, record.operation, found?.route.sudo ?? false);
    deps.state.tokens.use(token);
  }
  if (!found) throw VaultError.noRoute(record.path);
  const handler = handlerFor(found.route, record.operation);
  if (!handler) throw VaultError.unsupported();
  const req: VaultRequest = {
    method: record.method,
    path: record.path,
    operation: record.operation,
    query: url.searchParams,
    body,
    headers: request.headers,
    token,
  };
  const reply = await handler(req, found.params);
  const wrapTtl = parseVaultDuration(request.headers.get('x-vault-wrap-ttl') ?? undefined, 'wrap_ttl');
  if (wrapTtl && reply.status === 200 && reply.body && typeof reply.body === 'object') {
    return wrapResponse(deps.state, reply.body as Record<string, unknown>, wrapTtl, record.path);
  }
  return reply;
}

function toResponse(reply: Reply): Response {
  const headers = new Headers(reply.headers);
  if (reply.raw) {
    headers.set('content-type', reply.raw.contentType);
    return new Response(reply.raw.data, { status: reply.status, headers });
  }
  if (reply.body === undefined || reply.status === 204) return new Response(null, { status: reply.status, headers });
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(reply.body), { status: reply.status, headers });
}

/** Builds the function that answers one fetch `Request` like Vault. */
export function createDispatcher(deps: DispatchDeps): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const method = request.method.toUpperCase();
    const path = decodeURIComponent(url.pathname.replace(/^\/v1\/?/, '')).replace(/\/+$/, '');
    const record: MutableRecord = { method, path, operation: baseOperation(method, url), status: 0, at: deps.state.settings.now() };
    try {
      const reply = await process(deps, request, url, record);
      record.status = reply.status;
      return toResponse(reply);
    } catch (e) {
      const err = e instanceof VaultError ? e : new VaultError(500, [(e as Error).message]);
      record.status = err.status;
      return toResponse({ status: err.status, body: { errors: err.errors }, headers: err.headers });
    } finally {
      deps.log.add(record);
    }
  };
}

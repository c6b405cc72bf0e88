/** HTTP handlers of resource endpoints: get, list, watch, create, update, patch, delete, and the scale and eviction subresources (internal). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FieldValidation } from './admission.js';
import { deleteObject, deleteOptionsOf } from './deletion.js';
import { evictPod } from './eviction.js';
import { decodeObject, readBody, warningHeaders } from './http-io.js';
import type { KubeApi, WriteOptions } from './kube-api.js';
import type { Lister } from './list.js';
import { requesterOf } from './rbac/request-info.js';
import { negotiate, sendEncoded } from './negotiation.js';
import { checkDeleteOptions, checkListOptions, checkPatchOptions, checkWriteOptions } from './options.js';
import { checkBodyType, requireResourceVersion } from './request-body.js';
import { deletedStatus, renderList, renderObject, returnsDeletedObject } from './responses.js';
import { checkRoute } from './route-checks.js';
import type { ResourceRoute } from './router.js';
import { patchScale, readScale, updateScale } from './scale-subresource.js';
import { selectorsOf, type ParsedSelector } from './selectors.js';
import { methodNotAllowed } from './status.js';
import { partialMetadata, renderingOf, scaleTable } from './table.js';
import type { KubeObject, StoredObject } from './types.js';
import { httpWatchSink, type WatchHub } from './watch-hub.js';
import { checkWatchOptions } from './watch-options.js';

/** What handlers need from the server. */
export interface HandlerContext {
  readonly api: KubeApi;
  readonly lister: Lister;
  readonly hub: WatchHub;
}

/** Handles one resource request; returns the HTTP status sent. */
export async function handleResource(
  ctx: HandlerContext,
  requested: ResourceRoute,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
): Promise<number> {
  const r = checkRoute(requested);
  if (r.verb !== 'watch') negotiate(req.headers.accept);
  if (r.subresource === 'scale') return scale(ctx, r, req, res, query);
  if (r.subresource === 'eviction') return eviction(ctx, r, req, res, query);
  switch (r.verb) {
    case 'get':
      return sendObject(ctx, r, req, res, 200, ctx.api.get(r.rt, r.namespace ?? '', r.name as string), {}, query);
    case 'list':
      return list(ctx, r, req, res, query);
    case 'watch':
      return watch(ctx, r, req, res, query);
    case 'create':
    case 'update':
    case 'patch':
      return write(ctx, r, req, res, query);
    case 'delete':
    case 'deletecollection':
      return remove(ctx, r, req, res, query);
    default:
      throw methodNotAllowed();
  }
}

function sendObject(
  ctx: HandlerContext,
  r: ResourceRoute,
  req: IncomingMessage,
  res: ServerResponse,
  code: number,
  obj: KubeObject,
  headers: Record<string, string>,
  query: URLSearchParams,
): number {
  const { format, rendering } = negotiate(req.headers.accept);
  sendEncoded(res, code, renderObject(ctx.api, r, obj, rendering, query), format, headers);
  return code;
}

function selectorFor(r: ResourceRoute, query: URLSearchParams): ParsedSelector {
  const parsed = selectorsOf(query, r.rt);
  const { name } = r;
  const base = parsed.selector;
  return name === undefined ? parsed : { selector: (o) => o.metadata.name === name && base(o), requirements: parsed.requirements };
}

function list(ctx: HandlerContext, r: ResourceRoute, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): number {
  checkListOptions(query);
  const limit = query.get('limit');
  const page = ctx.lister.list({
    rt: r.rt,
    namespace: r.namespace,
    ...selectorFor(r, query),
    filtered: query.has('labelSelector') || query.has('fieldSelector'),
    limit: limit === null ? undefined : Number(limit),
    continueToken: query.get('continue'),
    resourceVersion: query.get('resourceVersion'),
    resourceVersionMatch: query.get('resourceVersionMatch'),
  });
  const { format, rendering } = negotiate(req.headers.accept);
  sendEncoded(res, 200, renderList(ctx.api, r, page, rendering, query), format);
  return 200;
}

function watch(ctx: HandlerContext, r: ResourceRoute, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): number {
  checkWatchOptions(query);
  const timeoutSeconds = query.get('timeoutSeconds');
  const selection = selectorFor(r, query); // a bad selector is a 400, answered before the stream starts
  ctx.hub.start(httpWatchSink(res), {
    rt: r.rt,
    version: r.version,
    namespace: r.namespace,
    ...selection,
    rendering: renderingOf(req.headers.accept),
    includeObject: query.get('includeObject'),
    bookmarks: query.get('allowWatchBookmarks') === 'true',
    resourceVersion: query.get('resourceVersion'),
    sendInitialEvents: query.get('sendInitialEvents') === 'true',
    timeoutSeconds: timeoutSeconds === null ? undefined : Number(timeoutSeconds),
  });
  return 200;
}

function writeOptions(req: IncomingMessage, query: URLSearchParams): WriteOptions {
  // checked by ./options.ts; empty means the default
  const fv = query.get('fieldValidation') || 'Warn';
  const ua = req.headers['user-agent'] ?? '';
  const manager = query.get('fieldManager') ?? (ua.split('/')[0] || 'unknown');
  return {
    manager,
    dryRun: query.getAll('dryRun').includes('All'),
    fieldValidation: fv as FieldValidation,
    force: query.get('force') === 'true',
    warnings: [],
    requester: requesterOf(req),
  };
}

async function write(ctx: HandlerContext, r: ResourceRoute, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<number> {
  const contentType = req.headers['content-type'] ?? '';
  if (r.verb === 'patch') checkPatchOptions(contentType, query);
  else checkWriteOptions(r.verb === 'create' ? 'create' : 'update', query);
  const opts = writeOptions(req, query);
  const raw = await readBody(req);
  const ns = r.namespace ?? '';
  let obj: StoredObject;
  let code = 200;
  if (r.verb === 'create') {
    obj = ctx.api.create(r.rt, r.version, ns, checkBodyType(r, decodeObject(raw, contentType, r.rt.kind), raw), opts);
    code = 201;
  } else if (r.verb === 'update') {
    const body = checkBodyType(r, decodeObject(raw, contentType, r.rt.kind), raw);
    requireResourceVersion(ctx.api, r, body);
    // a PUT may create the object (the kind's AllowCreateOnUpdate, ./builtins/strategy.ts)
    const existed = r.subresource !== '' || ctx.api.store.get(r.rt.key, r.rt.namespaced ? ns : '', r.name as string) !== undefined;
    obj = ctx.api.update(r.rt, r.version, ns, r.name as string, body, opts, r.subresource);
    if (!existed) code = 201;
  } else {
    const existed = ctx.api.store.get(r.rt.key, r.rt.namespaced ? ns : '', r.name as string) !== undefined;
    obj = ctx.api.patch(r.rt, r.version, ns, r.name as string, contentType, raw, opts, r.subresource);
    if (!existed) code = 201;
  }
  return sendObject(ctx, r, req, res, code, obj, warningHeaders(opts.warnings), query);
}

/** The scale subresource: get, update and patch of an `autoscaling/v1` Scale. */
async function scale(ctx: HandlerContext, r: ResourceRoute, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<number> {
  const { format, rendering } = negotiate(req.headers.accept);
  if (r.verb === 'get') {
    const obj = readScale(ctx.api, r);
    const body = rendering === 'table' ? scaleTable(obj, query.get('includeObject')) : rendering === 'metadata' ? partialMetadata(obj as KubeObject) : obj;
    sendEncoded(res, 200, body, format);
    return 200;
  }
  const contentType = req.headers['content-type'] ?? '';
  if (r.verb === 'patch') checkPatchOptions(contentType, query);
  else checkWriteOptions('update', query);
  const opts = writeOptions(req, query);
  const raw = await readBody(req);
  const obj = r.verb === 'update' ? updateScale(ctx.api, r, decodeObject(raw, contentType, 'Scale'), opts) : patchScale(ctx.api, r, contentType, raw, opts);
  sendEncoded(res, 200, obj, format, warningHeaders(opts.warnings));
  return 200;
}

/** The eviction subresource of pods: `POST` an Eviction (see `eviction.ts`). */
async function eviction(ctx: HandlerContext, r: ResourceRoute, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<number> {
  checkWriteOptions('create', query);
  const raw = await readBody(req);
  const eviction = decodeObject(raw, req.headers['content-type'], 'Eviction');
  const status = evictPod(ctx.api, r.rt, r.namespace ?? '', r.name as string, eviction, query.getAll('dryRun').includes('All'));
  sendEncoded(res, status.code, status, negotiate(req.headers.accept).format);
  return status.code;
}

async function remove(ctx: HandlerContext, r: ResourceRoute, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<number> {
  const raw = await readBody(req);
  const body = raw.trim() === '' ? {} : decodeObject(raw, req.headers['content-type'], 'DeleteOptions');
  checkDeleteOptions(body, query);
  const opts = deleteOptionsOf(body, query);
  const ns = r.namespace ?? '';
  const { format, rendering } = negotiate(req.headers.accept);
  if (r.verb === 'deletecollection') {
    checkListOptions(query);
    const page = ctx.lister.list({
      rt: r.rt,
      namespace: r.namespace,
      ...selectorFor(r, query),
      filtered: true,
      limit: undefined,
      continueToken: null,
      resourceVersion: null,
      resourceVersionMatch: null,
    });
    const items = page.items.map((o) => deleteObject(ctx.api, r.rt, o.metadata.namespace ?? '', o.metadata.name, opts).object);
    const deleted = { items, metadata: { resourceVersion: String(ctx.api.store.revision) } };
    sendEncoded(res, 200, renderList(ctx.api, r, deleted, rendering, query), format);
    return 200;
  }
  const result = deleteObject(ctx.api, r.rt, ns, r.name as string, opts);
  const code = !result.deleted && opts.orphanDependents === false ? 202 : 200;
  if (!result.deleted || returnsDeletedObject(r)) return sendObject(ctx, r, req, res, code, result.object, {}, query);
  sendEncoded(res, code, deletedStatus(r, result.object), format);
  return code;
}

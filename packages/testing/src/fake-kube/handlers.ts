/** HTTP handlers of resource endpoints: get, list, watch, create, update, patch, delete, and the scale and eviction subresources (internal). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FieldValidation } from './admission.js';
import { deleteObject, deleteOptionsOf } from './deletion.js';
import { evictPod } from './eviction.js';
import { decodeObject, readBody, sendJson, warningHeaders } from './http-io.js';
import type { KubeApi, WriteOptions } from './kube-api.js';
import type { Lister } from './list.js';
import { apiVersionOf } from './resource-type.js';
import { scaleOf } from './registry.js';
import type { ResourceRoute } from './router.js';
import { patchScale, readScale, updateScale } from './scale-subresource.js';
import { selectorsOf, type ParsedSelector } from './selectors.js';
import { badRequest, methodNotAllowed, pathNotFound } from './status.js';
import { partialMetadata, renderingOf, scaleTable, toTable } from './table.js';
import type { JsonObject, KubeObject, StoredObject } from './types.js';
import { httpWatchSink, type WatchHub } from './watch-hub.js';

/** What handlers need from the server. */
export interface HandlerContext {
  readonly api: KubeApi;
  readonly lister: Lister;
  readonly hub: WatchHub;
}

/** Handles one resource request; returns the HTTP status sent. */
export async function handleResource(
  ctx: HandlerContext,
  r: ResourceRoute,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
): Promise<number> {
  if (r.subresource === 'scale') return scale(ctx, r, req, res, query);
  if (r.subresource === 'eviction' && r.rt.key === '/pods') return eviction(ctx, r, req, res, query);
  if (r.subresource !== '' && r.subresource !== 'status' && !(r.subresource === 'finalize' && r.rt.key === '/namespaces')) throw pathNotFound();
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
      throw methodNotAllowed(`the server does not allow this method on the requested resource`);
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
  const presented = ctx.api.present(obj, r.rt, r.version);
  const rendering = renderingOf(req.headers.accept);
  if (rendering === 'table')
    sendJson(res, code, toTable(r.rt, r.version, [presented], { resourceVersion: obj.metadata.resourceVersion }, query.get('includeObject')), headers);
  else if (rendering === 'metadata') sendJson(res, code, partialMetadata(presented), headers);
  else sendJson(res, code, presented, headers);
  return code;
}

function selectorFor(r: ResourceRoute, query: URLSearchParams): ParsedSelector {
  const parsed = selectorsOf(query, r.rt);
  const { name } = r;
  const base = parsed.selector;
  return name === undefined ? parsed : { selector: (o) => o.metadata.name === name && base(o), requirements: parsed.requirements };
}

function list(ctx: HandlerContext, r: ResourceRoute, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): number {
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
  const items = page.items.map((o) => ctx.api.present(o, r.rt, r.version));
  const rendering = renderingOf(req.headers.accept);
  if (rendering === 'table') sendJson(res, 200, toTable(r.rt, r.version, items, page.metadata, query.get('includeObject')));
  else if (rendering === 'metadata')
    sendJson(res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: page.metadata, items: items.map(partialMetadata) });
  else sendJson(res, 200, { kind: r.rt.listKind, apiVersion: apiVersionOf(r.rt.group, r.version), metadata: page.metadata, items });
  return 200;
}

function watch(ctx: HandlerContext, r: ResourceRoute, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): number {
  const timeoutSeconds = query.get('timeoutSeconds');
  ctx.hub.start(httpWatchSink(res), {
    rt: r.rt,
    version: r.version,
    namespace: r.namespace,
    ...selectorFor(r, query),
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
  const fv = query.get('fieldValidation') ?? 'Warn';
  if (fv !== 'Strict' && fv !== 'Warn' && fv !== 'Ignore')
    throw badRequest(`fieldValidation: Unsupported value: ${JSON.stringify(fv)}: supported values: "Ignore", "Warn", "Strict"`);
  const ua = req.headers['user-agent'] ?? '';
  const manager = query.get('fieldManager') ?? (ua.split('/')[0] || 'unknown');
  return {
    manager,
    dryRun: query.getAll('dryRun').includes('All'),
    fieldValidation: fv as FieldValidation,
    force: query.get('force') === 'true',
    warnings: [],
  };
}

async function write(ctx: HandlerContext, r: ResourceRoute, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<number> {
  const opts = writeOptions(req, query);
  const raw = await readBody(req);
  const ns = r.namespace ?? '';
  let obj: StoredObject;
  let code = 200;
  if (r.verb === 'create') {
    if (r.subresource !== '' || r.name !== undefined) throw methodNotAllowed('the server does not allow this method on the requested resource');
    obj = ctx.api.create(r.rt, r.version, ns, decodeObject(raw, req.headers['content-type']), opts);
    code = 201;
  } else if (r.verb === 'update') {
    obj = ctx.api.update(r.rt, r.version, ns, r.name as string, decodeObject(raw, req.headers['content-type']), opts, r.subresource);
  } else {
    const existed = ctx.api.store.get(r.rt.key, r.rt.namespaced ? ns : '', r.name as string) !== undefined;
    obj = ctx.api.patch(r.rt, r.version, ns, r.name as string, req.headers['content-type'] ?? '', raw, opts, r.subresource);
    if (!existed) code = 201;
  }
  return sendObject(ctx, r, req, res, code, obj, warningHeaders(opts.warnings), query);
}

/** The scale subresource: get, update and patch of an `autoscaling/v1` Scale. */
async function scale(ctx: HandlerContext, r: ResourceRoute, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<number> {
  if (!scaleOf(r.rt, r.version) || r.name === undefined) throw pathNotFound();
  if (r.verb === 'get') {
    const obj = readScale(ctx.api, r);
    const rendering = renderingOf(req.headers.accept);
    if (rendering === 'table') sendJson(res, 200, scaleTable(obj, query.get('includeObject')));
    else sendJson(res, 200, rendering === 'metadata' ? partialMetadata(obj as KubeObject) : obj);
    return 200;
  }
  if (r.verb !== 'update' && r.verb !== 'patch') throw methodNotAllowed('the server does not allow this method on the requested resource');
  const opts = writeOptions(req, query);
  const raw = await readBody(req);
  const contentType = req.headers['content-type'];
  const obj = r.verb === 'update' ? updateScale(ctx.api, r, decodeObject(raw, contentType), opts) : patchScale(ctx.api, r, contentType ?? '', raw, opts);
  sendJson(res, 200, obj, warningHeaders(opts.warnings));
  return 200;
}

/** The eviction subresource of pods: `POST` an Eviction (see `eviction.ts`). */
async function eviction(ctx: HandlerContext, r: ResourceRoute, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<number> {
  if (r.verb !== 'create' || r.name === undefined) throw methodNotAllowed('the server does not allow this method on the requested resource');
  const raw = await readBody(req);
  const status = evictPod(ctx.api, r.rt, r.namespace ?? '', r.name, decodeObject(raw, req.headers['content-type']), query.getAll('dryRun').includes('All'));
  sendJson(res, status.code, status);
  return status.code;
}

async function remove(ctx: HandlerContext, r: ResourceRoute, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<number> {
  const raw = await readBody(req);
  const opts = deleteOptionsOf(raw.trim() === '' ? {} : JSON.parse(raw), query);
  const ns = r.namespace ?? '';
  if (r.verb === 'deletecollection') {
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
    const items = page.items.map((o) =>
      ctx.api.present(deleteObject(ctx.api, r.rt, o.metadata.namespace ?? '', o.metadata.name, opts).object, r.rt, r.version),
    );
    sendJson(res, 200, {
      kind: r.rt.listKind,
      apiVersion: apiVersionOf(r.rt.group, r.version),
      metadata: { resourceVersion: String(ctx.api.store.revision) },
      items,
    });
    return 200;
  }
  const result = deleteObject(ctx.api, r.rt, ns, r.name as string, opts);
  const code = !result.deleted && opts.orphanDependents === false ? 202 : 200;
  if (!result.deleted || returnsDeletedObject(r)) return sendObject(ctx, r, req, res, code, result.object, {}, query);
  const details: JsonObject = { name: result.object.metadata.name, kind: r.rt.plural, uid: result.object.metadata.uid };
  if (r.rt.group !== '') details.group = r.rt.group;
  sendJson(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details });
  return code;
}

/** Pods, Services and custom resources answer a delete with the deleted object; others with a Status. */
function returnsDeletedObject(r: ResourceRoute): boolean {
  return r.rt.crd !== undefined || r.rt.key === '/pods' || r.rt.key === '/services';
}

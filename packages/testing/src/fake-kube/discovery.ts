/** Non-resource paths: discovery, `/version`, health checks, OpenAPI (internal). */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { sendJson } from './http-io.js';
import type { Registry } from './registry.js';
import { openApiDocuments, serveOpenApiV2 } from './openapi-documents.js';
import type { DocRoute } from './router.js';
import { pathNotFound } from './status.js';

/** What `/version` reports. */
export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-kubeception-fake',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** Answers a non-resource path; returns the HTTP status sent. */
export function handleDoc(route: DocRoute, registry: Registry, host: string, res: ServerResponse, headers: IncomingHttpHeaders = {}): number {
  if (route.path === '/openapi/v2') return serveOpenApiV2(registry, headers, res);
  const body = docBody(route, registry, host);
  if (typeof body === 'string') {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return 200;
  }
  if (body === undefined) throw pathNotFound();
  sendJson(res, 200, body);
  return 200;
}

function docBody(route: DocRoute, registry: Registry, host: string): unknown {
  const { path } = route;
  if (path === '/healthz' || path === '/livez' || path === '/readyz') return 'ok';
  if (path === '/version') return SERVER_VERSION;
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }] };
  if (path === '/apis') return registry.apiGroupList();
  if (path === '/api/v1') return registry.apiResourceList('', 'v1');
  const parts = path.split('/').filter((p) => p !== '');
  if (path === '/openapi/v3') return openApiDocuments(registry).v3Index();
  if (parts[0] === 'openapi' && parts[1] === 'v3') {
    const [, , root, a, b] = parts;
    const gv = root === 'api' && b === undefined ? ['', a ?? ''] : root === 'apis' ? [a ?? '', b ?? ''] : undefined;
    return gv && openApiDocuments(registry).v3Document(gv[0] ?? '', gv[1] ?? '').doc;
  }
  if (parts[0] === 'apis' && parts.length === 2) return registry.apiGroupDoc(route.group);
  if (parts[0] === 'apis' && parts.length === 3) return registry.apiResourceList(route.group, route.version);
  return undefined;
}

/** URL → API request (internal). */
import type { Registry } from './registry.js';
import type { ResourceType } from './resource-type.js';
import { muxNotFound, pathNotFound } from './status.js';

/** A request for a resource endpoint. */
export interface ResourceRoute {
  readonly kind: 'resource';
  readonly rt: ResourceType;
  readonly version: string;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string;
  readonly verb: string;
}

/** A request for a non-resource path (discovery, version, health, OpenAPI). */
export interface DocRoute {
  readonly kind: 'doc';
  readonly path: string;
  readonly group: string;
  readonly version: string;
}

/** What the path names before the registry is consulted. */
interface Parsed {
  group: string;
  version: string;
  namespace?: string;
  plural: string;
  name?: string;
  subresource: string;
  legacyWatch: boolean;
}

function parseResourcePath(parts: string[]): Parsed | undefined {
  let group = '';
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    version = parts[1] ?? '';
    rest = parts.slice(2);
  } else {
    group = parts[1] ?? '';
    version = parts[2] ?? '';
    rest = parts.slice(3);
  }
  if (rest.length === 0) return undefined;
  const legacyWatch = rest[0] === 'watch';
  if (legacyWatch) rest = rest.slice(1);
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize'))) {
    return { group, version, namespace: rest[1], plural: rest[2] as string, name: rest[3], subresource: rest.slice(4).join('/'), legacyWatch };
  }
  return { group, version, plural: rest[0] as string, name: rest[1], subresource: rest.slice(2).join('/'), legacyWatch };
}

function verbOf(method: string, hasName: boolean, watch: boolean): string {
  switch (method) {
    case 'GET':
      return watch ? 'watch' : hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/**
 * Whether a group version has built-in resources: go-restful answers its unknown paths with a 404
 * Status; other paths (unknown groups, groups of custom resources only) reach the mux's text 404.
 */
function servesBuiltins(registry: Registry, group: string, version: string): boolean {
  return group === '' || registry.all().some((rt) => !rt.crd && rt.group === group && rt.versions.includes(version));
}

/** Routes a request; throws a 404 Status for unknown resources. */
export function route(method: string, pathname: string, query: URLSearchParams, registry: Registry): ResourceRoute | DocRoute {
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  const isApi = parts[0] === 'api' && parts.length > 2;
  const isApis = parts[0] === 'apis' && parts.length > 3;
  if (!isApi && !isApis) {
    const group = parts[0] === 'apis' ? (parts[1] ?? '') : '';
    const version = parts[0] === 'api' ? (parts[1] ?? '') : (parts[2] ?? '');
    return { kind: 'doc', path: `/${parts.join('/')}`, group, version };
  }
  const p = parseResourcePath(parts);
  const rt = p && registry.find(p.group, p.version, p.plural);
  if (!p || !rt) throw servesBuiltins(registry, p?.group ?? '', p?.version ?? '') ? pathNotFound() : muxNotFound();
  if (p.namespace !== undefined && !rt.namespaced) throw pathNotFound();
  const watch = p.legacyWatch || query.get('watch') === 'true' || query.get('watch') === '1';
  const hasName = p.name !== undefined && p.name !== '';
  return {
    kind: 'resource',
    rt,
    version: p.version,
    namespace: p.namespace,
    name: hasName ? p.name : undefined,
    subresource: p.subresource,
    verb: verbOf(method, hasName, watch && method === 'GET'),
  };
}

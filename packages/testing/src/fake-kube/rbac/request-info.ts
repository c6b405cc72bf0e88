/**
 * What a request asks, in authorization terms, read from its method and URL alone (before the
 * server knows whether the resource exists), as kube-apiserver's `RequestInfoFactory` reads it
 * (staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go).
 */
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from './user.js';

/** A request as an authorizer sees it. */
export interface RequestAttributes {
  readonly user: UserInfo;
  /** Under `/api/<version>/…` or `/apis/<group>/<version>/…`; else a non-resource path. */
  readonly resourceRequest: boolean;
  /** `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`; a non-resource request's method in lower case. */
  readonly verb: string;
  /** The URL path. */
  readonly path: string;
  readonly apiGroup: string;
  readonly apiVersion: string;
  /** `''` for cluster-scoped requests. */
  readonly namespace: string;
  readonly resource: string;
  readonly subresource: string;
  /** `''` for collections (unless a list or watch selects one name by `fieldSelector=metadata.name=<name>`). */
  readonly name: string;
}

/** The attributes of a request, without its user. */
export type RequestInfo = Omit<RequestAttributes, 'user'>;

const METHOD_VERBS: Readonly<Record<string, string>> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
/** What Go's `strconv.ParseBool` reads as true. */
const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

/** The name a `fieldSelector` requires exactly (`metadata.name=x` or `metadata.name==x`), if a valid path segment. */
function selectedName(query: URLSearchParams): string {
  for (const term of (query.get('fieldSelector') ?? '').split(',')) {
    const match = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    const name = match?.[1] ?? '';
    if (match && name !== '.' && name !== '..' && !/[/%]/.test(name)) return name;
  }
  return '';
}

/** `resource/name/subresource`, from the parts after the version (and a `watch` or `proxy` verb). */
function resourceParts(parts: readonly string[]): Pick<RequestInfo, 'namespace' | 'resource' | 'name' | 'subresource'> {
  let rest = parts;
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1] as string;
    // `namespaces/<ns>/status` and `…/finalize` are the namespace's subresources
    if (rest.length > 2 && rest[2] !== 'status' && rest[2] !== 'finalize') rest = rest.slice(2);
  }
  return { namespace, resource: rest[0] ?? '', name: rest[1] ?? '', subresource: rest[2] ?? '' };
}

/** Reads a request's attributes from its method, path and query. */
export function requestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const nonResource: RequestInfo = {
    resourceRequest: false,
    verb: method.toLowerCase(),
    path: pathname,
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
  };
  const all = pathname.replace(/^\/+|\/+$/g, '').split('/');
  const grouped = all[0] === 'apis';
  if ((all[0] !== 'api' && !grouped) || all.length < (grouped ? 4 : 3)) return nonResource;
  const [apiGroup, apiVersion] = grouped ? [all[1] as string, all[2] as string] : ['', all[1] as string];
  let parts = all.slice(grouped ? 3 : 2);
  let verb = METHOD_VERBS[method] ?? '';
  if ((parts[0] === 'watch' || parts[0] === 'proxy') && parts.length >= 2) {
    verb = parts[0];
    parts = parts.slice(1);
  }
  const info = { ...nonResource, resourceRequest: true, verb, apiGroup, apiVersion, ...resourceParts(parts) };
  if (verb === 'proxy') return { ...info, subresource: '' };
  if (info.name === '' && verb === 'get') return { ...info, verb: TRUE.has(query.get('watch') ?? '') ? 'watch' : 'list', name: selectedName(query) };
  if (info.name === '' && verb === 'delete') return { ...info, verb: 'deletecollection' };
  return info;
}

/** Who made a write over HTTP, and what the request was (for the checks RBAC makes on the object written). */
export type Requester = RequestAttributes;

const requesters = new WeakMap<IncomingMessage, Requester>();

/** Notes who made `req`, for the writes it leads to. */
export function noteRequester(req: IncomingMessage, requester: Requester): void {
  requesters.set(req, requester);
}

/** Who made `req` (`undefined` when the server authorizes nobody: a write without one is not checked). */
export const requesterOf = (req: IncomingMessage): Requester | undefined => requesters.get(req);

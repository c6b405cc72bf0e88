/**
 * Which methods a resource path serves (internal). Built-in kinds as kube-apiserver's installer
 * registers their routes: a path it does not serve is a 404, a method its route lacks a 405
 * MethodNotAllowed with empty details (go-restful's answers, before any handler runs). Custom
 * resources as apiextensions' crdHandler dispatches them: an unknown subresource is a NotFound of
 * the object, a verb a subresource lacks a 405 naming the resource, a collection PUT or PATCH a 400,
 * and a POST to an object's path a create.
 */
import { deletesCollections, hasStatus, scaleOf } from './registry.js';
import type { ResourceType } from './resource-type.js';
import type { ResourceRoute } from './router.js';
import { badRequest, methodNotAllowed, notFound, pathNotFound, qualifiedResource } from './status.js';

/** Verbs of the subresources the fake serves; `undefined` when the resource has no such subresource. */
function subresourceVerbs(rt: ResourceType, version: string, subresource: string): readonly string[] | undefined {
  switch (subresource) {
    case 'status':
      return hasStatus(rt, version) ? ['get', 'update', 'patch'] : undefined;
    case 'scale':
      return scaleOf(rt, version) ? ['get', 'update', 'patch'] : undefined;
    case 'finalize':
      return rt.key === '/namespaces' ? ['update'] : undefined;
    case 'eviction':
      return rt.key === '/pods' ? ['create'] : undefined;
    default:
      return undefined;
  }
}

/** Verbs of the collection path (no name) and of the object path. */
const COLLECTION_VERBS = new Set(['list', 'watch', 'create', 'deletecollection']);
const OBJECT_VERBS = new Set(['get', 'watch', 'update', 'patch', 'delete']);

/** crdHandler's answers; returns the route to serve (a POST to an object's path is a create of the collection). */
function checkCustomResourceRoute(r: ResourceRoute): ResourceRoute {
  const { rt } = r;
  if (r.subresource !== '') {
    const verbs = subresourceVerbs(rt, r.version, r.subresource);
    if (verbs === undefined) throw notFound(rt, r.name ?? '');
    if (!verbs.includes(r.verb))
      throw methodNotAllowed(`${r.verb} is not supported on resources of kind "${qualifiedResource(rt)}"`, { group: rt.group, kind: rt.plural });
    return r;
  }
  if (r.name === undefined && (r.verb === 'update' || r.verb === 'patch')) throw badRequest('name must be provided');
  return r.verb === 'create' ? { ...r, name: undefined } : r;
}

/** Throws the 404, 405 or 400 kube-apiserver answers when `r` names a path or method it does not serve; returns the route to serve. */
export function checkRoute(r: ResourceRoute): ResourceRoute {
  if (r.rt.crd) return checkCustomResourceRoute(r);
  if (r.subresource !== '') {
    const verbs = r.name === undefined ? undefined : subresourceVerbs(r.rt, r.version, r.subresource);
    if (verbs === undefined) throw pathNotFound();
    if (!verbs.includes(r.verb)) throw methodNotAllowed();
    return r;
  }
  const verbs = r.name === undefined ? COLLECTION_VERBS : OBJECT_VERBS;
  if (!verbs.has(r.verb) || (r.verb === 'deletecollection' && !deletesCollections(r.rt))) throw methodNotAllowed();
  return r;
}

/**
 * Response bodies of resource endpoints (internal): an object or list as negotiated (itself, a
 * Table, PartialObjectMetadata), and the Status a delete answers with. Built-in lists carry their
 * items without `apiVersion`/`kind` (typed Go lists encode none), custom resource lists with them.
 */
import type { KubeApi } from './kube-api.js';
import type { ListPage } from './list.js';
import { apiVersionOf } from './resource-type.js';
import type { ResourceRoute } from './router.js';
import { badRequest } from './status.js';
import { partialMetadata, toTable, type Rendering } from './table.js';
import type { JsonObject, KubeObject, StoredObject } from './types.js';

/** `includeObject` of a Table request (`ValidateTableOptions`): 400 when it is none of the known values. */
function includeObjectOf(rendering: Rendering, query: URLSearchParams): string | null {
  const include = query.get('includeObject');
  if (rendering === 'table' && include !== null && !['', 'None', 'Metadata', 'Object'].includes(include))
    throw badRequest(`Unable to convert to Table as requested: includeObject: Invalid value: "${include}": must be 'Metadata', 'Object', 'None', or empty`);
  return include;
}

/** One object, rendered. */
export function renderObject(api: KubeApi, r: ResourceRoute, obj: KubeObject, rendering: Rendering, query: URLSearchParams): unknown {
  const presented = api.present(obj, r.rt, r.version);
  if (rendering === 'table') return toTable(r.rt, r.version, [presented], { resourceVersion: obj.metadata.resourceVersion }, includeObjectOf(rendering, query));
  return rendering === 'metadata' ? partialMetadata(presented) : presented;
}

/** A list's item as the list carries it. */
function listItem(r: ResourceRoute, obj: KubeObject): KubeObject {
  if (r.rt.crd) return obj;
  const { apiVersion: _apiVersion, kind: _kind, ...item } = obj;
  return item as KubeObject;
}

/** A list (page) of objects, rendered. */
export function renderList(api: KubeApi, r: ResourceRoute, page: ListPage, rendering: Rendering, query: URLSearchParams): JsonObject {
  const items = page.items.map((o) => api.present(o, r.rt, r.version));
  if (rendering === 'table') return toTable(r.rt, r.version, items, page.metadata, includeObjectOf(rendering, query));
  // an empty PartialObjectMetadataList carries `items: null`, as kube-apiserver's (a nil Go slice without omitempty)
  if (rendering === 'metadata')
    return {
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      metadata: page.metadata,
      items: items.length === 0 ? null : items.map(partialMetadata),
    };
  return { kind: r.rt.listKind, apiVersion: apiVersionOf(r.rt.group, r.version), metadata: page.metadata, items: items.map((o) => listItem(r, o)) };
}

/** The `Status` of a finished delete: `Success` with the object's name, group, resource and uid. */
export function deletedStatus(r: ResourceRoute, obj: StoredObject): JsonObject {
  const details: JsonObject = { name: obj.metadata.name, kind: r.rt.plural, uid: obj.metadata.uid };
  if (r.rt.group !== '') details.group = r.rt.group;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

/**
 * Whether a finished delete answers with the deleted object (registries with `ReturnDeletedObject`:
 * pods, services, service accounts) rather than a Status (everything else, custom resources too).
 */
export function returnsDeletedObject(r: ResourceRoute): boolean {
  return !r.rt.crd && ['/pods', '/services', '/serviceaccounts'].includes(r.rt.key);
}

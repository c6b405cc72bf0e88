/**
 * Server-side apply (`application/apply-patch+yaml`): merges an applied configuration into the
 * live object by the schema's list/map semantics, removes fields the manager stopped applying
 * (unless another manager owns them), and reports 409 conflicts with other managers (internal).
 */
import type { FieldNav } from './field-nav.js';
import { appliedSet, changedSet, humanPath, joinPath, splitPath, type FieldSet } from './field-set.js';
import { decodeOwnership, encodeOwnership, ownerFor, type Ownership, type WriteContext } from './managed-fields.js';
import type { ResourceType } from './resource-type.js';
import { ApiError } from './status.js';
import { clone, deepEqual, isObject, type JsonObject, type ManagedFieldsEntry } from './types.js';

/** One apply request. */
export interface ApplyRequest {
  readonly rt: ResourceType;
  readonly name: string;
  readonly live: JsonObject | undefined;
  readonly config: JsonObject;
  readonly force: boolean;
  readonly nav: FieldNav;
  readonly scope: (top: string) => boolean;
  readonly ctx: WriteContext;
}

/** The merged object and its managedFields; throws a 409 ApiError on unforced conflicts. */
export function serverSideApply(req: ApplyRequest): { object: JsonObject; managedFields: ManagedFieldsEntry[] } {
  const { live, config, nav, scope, ctx } = req;
  const applied = appliedSet(config, nav, scope);
  const owners = decodeOwnership(live?.metadata && isObject(live.metadata) ? live.metadata.managedFields : undefined);
  const mine = ownerFor(owners, ctx, 'Apply');
  const merged = mergeConfig(live ?? {}, config, nav, scope);
  // what the manager stops applying goes, unless it is applied, owned by another manager, or
  // holds such a field (structured-merge-diff prunes, then adds back what others own)
  const kept = withAncestors([applied, ...owners.filter((o) => o !== mine).map((o) => o.set)]);
  for (const path of mine.set) if (!kept.has(path)) removePath(merged, path, nav);
  const changed = changedSet(live, merged, nav, scope);
  const conflicts = owners.filter((o) => o !== mine).flatMap((o) => [...o.set].filter((p) => changed.has(p)).map((path) => ({ owner: o, path })));
  if (conflicts.length > 0 && !req.force) throw applyConflict(conflicts);
  for (const { owner, path } of conflicts) owner.set.delete(path);
  mine.set = applied;
  mine.time = ctx.time;
  return { object: merged, managedFields: encodeOwnership(owners, merged) };
}

/** The paths of `sets`, and every path that leads to one of them. */
function withAncestors(sets: readonly FieldSet[]): FieldSet {
  const out: FieldSet = new Set();
  for (const set of sets)
    for (const path of set) {
      const parts = splitPath(path);
      for (let i = 1; i <= parts.length; i++) out.add(joinPath(parts.slice(0, i)));
    }
  return out;
}

function label(o: Ownership): string {
  return o.operation === 'Update' ? `"${o.manager}" using ${o.apiVersion}` : `"${o.manager}"`;
}

function applyConflict(conflicts: { owner: Ownership; path: string }[]): ApiError {
  const causes = conflicts.map(({ owner, path }) => ({ reason: 'FieldManagerConflict', message: `conflict with ${label(owner)}`, field: humanPath(path) }));
  let body: string;
  if (conflicts.length === 1) {
    const only = conflicts[0] as { owner: Ownership; path: string };
    body = `Apply failed with 1 conflict: conflict with ${label(only.owner)}: ${humanPath(only.path)}`;
  } else {
    const byOwner = new Map<string, string[]>();
    for (const { owner, path } of conflicts) byOwner.set(label(owner), [...(byOwner.get(label(owner)) ?? []), humanPath(path)]);
    const parts = [...byOwner].map(([who, paths]) => `conflicts with ${who}:\n${paths.map((p) => `- ${p}`).join('\n')}`);
    body = `Apply failed with ${conflicts.length} conflicts: ${parts.join('\n')}`;
  }
  // `NewApplyConflict`: a 409 whose details hold the causes only, no name or kind
  return new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: body, reason: 'Conflict', details: { causes }, code: 409 });
}

function mergeConfig(live: JsonObject, config: JsonObject, nav: FieldNav, scope: (top: string) => boolean): JsonObject {
  const out = clone(live);
  for (const [k, v] of Object.entries(config)) {
    if (k === 'apiVersion' || k === 'kind' || !scope(k)) continue;
    if (k === 'metadata' && isObject(v)) {
      const meta = isObject(out.metadata) ? out.metadata : {};
      for (const [mk, mv] of Object.entries(v))
        if (mk !== 'managedFields' && mk !== 'resourceVersion') meta[mk] = mergeValue(meta[mk], mv, nav.field('metadata').field(mk));
      out.metadata = meta;
    } else out[k] = mergeValue(out[k], v, nav.field(k));
  }
  return out;
}

function mergeValue(live: unknown, value: unknown, nav: FieldNav): unknown {
  if (Array.isArray(value)) {
    const lt = nav.listType();
    if (lt.type === 'atomic') return clone(value);
    const out = Array.isArray(live) ? [...live] : [];
    for (const item of value) {
      const at =
        lt.type === 'map' && isObject(item)
          ? out.findIndex((e) => isObject(e) && lt.keys.every((k) => deepEqual(e[k], item[k])))
          : out.findIndex((e) => deepEqual(e, item));
      if (at < 0) out.push(clone(item));
      else if (lt.type === 'map') out[at] = mergeValue(out[at], item, nav.items());
    }
    return out;
  }
  if (isObject(value) && !nav.atomicMap()) {
    const out: JsonObject = isObject(live) ? { ...live } : {};
    for (const [k, v] of Object.entries(value)) {
      if (v === null) delete out[k];
      else out[k] = mergeValue(out[k], v, nav.field(k));
    }
    return out;
  }
  return clone(value);
}

/** Removes one field path from an object in place. */
function removePath(obj: JsonObject, path: string, _nav: FieldNav): void {
  const parts = splitPath(path);
  let cur: unknown = obj;
  for (let i = 0; i < parts.length; i++) {
    const el = parts[i] as string;
    const last = i === parts.length - 1;
    if (el.startsWith('f:')) {
      if (!isObject(cur)) return;
      if (last) delete cur[el.slice(2)];
      else cur = cur[el.slice(2)];
    } else if (Array.isArray(cur)) {
      const list = cur;
      const at = el.startsWith('k:')
        ? list.findIndex((e) => isObject(e) && Object.entries(JSON.parse(el.slice(2)) as JsonObject).every(([k, v]) => deepEqual(e[k], v)))
        : list.findIndex((e) => deepEqual(e, JSON.parse(el.slice(2))));
      if (at < 0) return;
      if (last) list.splice(at, 1);
      else cur = list[at];
    } else return;
  }
}

export type { FieldSet };

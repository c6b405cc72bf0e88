/** `metadata.managedFields` bookkeeping for Update operations and shared helpers for apply (internal). */
import type { FieldNav } from './field-nav.js';
import { changedSet, existingFieldsV1, fromFieldsV1, type FieldSet } from './field-set.js';
import { deepEqual, isObject, type JsonObject, type KubeObject, type ManagedFieldsEntry } from './types.js';

/** Who writes, and where. */
export interface WriteContext {
  readonly manager: string;
  readonly apiVersion: string;
  /** `''` for the main resource, `'status'` for the status subresource. */
  readonly subresource: string;
  readonly time: string;
}

/** A managedFields entry with its decoded set. */
export interface Ownership {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly apiVersion: string;
  readonly subresource: string;
  time: string | undefined;
  set: FieldSet;
  /**
   * The stored entry, unchanged by this write: it is encoded as it was, and its `set` is not
   * decoded (empty) until the entry is written to.
   */
  kept?: JsonObject | undefined;
}

/**
 * Decodes managedFields entries (entries without a manager are dropped). Entries for which `keep`
 * answers true are not decoded: they are {@link Ownership.kept} as they are.
 */
export function decodeOwnership(entries: unknown, keep?: (entry: JsonObject) => boolean): Ownership[] {
  if (!Array.isArray(entries)) return [];
  return entries.filter(isObject).flatMap((e): Ownership[] => {
    if (typeof e.manager !== 'string' || (e.operation !== 'Apply' && e.operation !== 'Update')) return [];
    const kept = keep?.(e) === true;
    return [
      {
        manager: e.manager,
        operation: e.operation,
        apiVersion: String(e.apiVersion ?? ''),
        subresource: String(e.subresource ?? ''),
        time: typeof e.time === 'string' ? e.time : undefined,
        set: kept ? new Set() : fromFieldsV1(e.fieldsV1),
        ...(kept ? { kept: e } : {}),
      },
    ];
  });
}

/**
 * Encodes ownerships, dropping paths that no longer exist and empty entries, in kube-apiserver's
 * order (`sortEncodedManagedFields`): Apply before Update, then by time (in seconds), manager,
 * apiVersion and subresource.
 */
export function encodeOwnership(owners: readonly Ownership[], object: JsonObject): ManagedFieldsEntry[] {
  return encodeEntries(owners, object).sort(compareEntries);
}

const seconds = (time: string | undefined) => (time === undefined ? 0 : Math.floor(Date.parse(time) / 1000) || 0);

function compareEntries(p: ManagedFieldsEntry, q: ManagedFieldsEntry): number {
  if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
  const byTime = seconds(p.time) - seconds(q.time);
  if (byTime !== 0) return byTime;
  for (const k of ['manager', 'apiVersion', 'subresource'] as const) {
    const a = p[k] ?? '';
    const b = q[k] ?? '';
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

function encodeEntries(owners: readonly Ownership[], object: JsonObject): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const o of owners) {
    if (o.kept !== undefined) {
      out.push(o.kept as unknown as ManagedFieldsEntry);
      continue;
    }
    const fieldsV1 = existingFieldsV1(o.set, object);
    if (fieldsV1 === undefined) continue;
    const entry: ManagedFieldsEntry = { manager: o.manager, operation: o.operation, apiVersion: o.apiVersion, fieldsType: 'FieldsV1', fieldsV1 };
    if (o.time !== undefined) entry.time = o.time;
    if (o.subresource !== '') entry.subresource = o.subresource;
    out.push(entry);
  }
  return out;
}

/** The owner entry matching a manager/operation/subresource, created when missing. */
export function ownerFor(owners: Ownership[], ctx: WriteContext, operation: 'Apply' | 'Update'): Ownership {
  let own = owners.find(
    (o) =>
      o.manager === ctx.manager && o.operation === operation && o.subresource === ctx.subresource && (operation === 'Apply' || o.apiVersion === ctx.apiVersion),
  );
  if (!own) {
    own = { manager: ctx.manager, operation, apiVersion: ctx.apiVersion, subresource: ctx.subresource, time: ctx.time, set: new Set() };
    owners.push(own);
  }
  return own;
}

/**
 * managedFields after a non-apply write: the writer owns every field it added or changed,
 * and takes those fields away from other managers.
 */
export function recordUpdate(
  base: unknown,
  old: JsonObject | undefined,
  next: JsonObject,
  nav: FieldNav,
  scope: (top: string) => boolean,
  ctx: WriteContext,
): ManagedFieldsEntry[] {
  // the stored entries (as this encoder wrote them) of fields this write leaves as they were
  // come out as they went in: a status write does not decode and re-encode the spec's owners
  const stored = old !== undefined && isObject(old.metadata) && Array.isArray(base) && base === old.metadata.managedFields;
  const owners = decodeOwnership(base, stored ? untouchedBy(old, next) : undefined);
  const changed = changedSet(old, next, nav, scope);
  if (changed.size > 0) {
    const own = ownerFor(owners, ctx, 'Update');
    if (own.kept !== undefined) {
      own.set = fromFieldsV1(own.kept.fieldsV1);
      own.kept = undefined;
    }
    // a kept entry has no path under a field that changed
    for (const o of owners) if (o !== own && o.kept === undefined) o.set = new Set([...o.set].filter((p) => !changed.has(p)));
    own.set = new Set([...own.set, ...changed]);
    own.time = ctx.time;
  }
  return encodeOwnership(owners, next);
}

/**
 * Whether a managedFields entry owns nothing under a top-level field (or, in metadata, a
 * metadata field) whose value differs between `old` and `next`: only there can a write add,
 * change or remove a path, so such an entry's fields and their existence are as they were.
 */
function untouchedBy(old: JsonObject, next: JsonObject): (entry: JsonObject) => boolean {
  const top = new Set<string>();
  const meta = new Set<string>();
  for (const k of new Set([...Object.keys(old), ...Object.keys(next)])) {
    if (k === 'metadata') {
      const a = isObject(old.metadata) ? old.metadata : {};
      const b = isObject(next.metadata) ? next.metadata : {};
      for (const mk of new Set([...Object.keys(a), ...Object.keys(b)])) if (mk !== 'managedFields' && !deepEqual(a[mk], b[mk])) meta.add(`f:${mk}`);
    } else if (k !== 'apiVersion' && k !== 'kind' && !deepEqual(old[k], next[k])) top.add(`f:${k}`);
  }
  return (entry) => {
    const fields = entry.fieldsV1;
    if (!isObject(fields)) return false;
    for (const [k, v] of Object.entries(fields)) {
      if (k === 'f:metadata') {
        if (!isObject(v)) return false;
        for (const mk of Object.keys(v)) if (mk === '.' ? meta.size > 0 : meta.has(mk)) return false;
      } else if (k === '.' || top.has(k)) return false;
    }
    return true;
  };
}

const normalizeTime = (e: unknown): unknown =>
  isObject(e) && typeof e.time === 'string' && !Number.isNaN(Date.parse(e.time)) ? { ...e, time: new Date(e.time).toISOString().replace(/\.\d{3}Z$/, 'Z') } : e;

/** The managedFields a write starts from: the stored ones, unless the request replaced them. */
export function baseManagedFields(stored: unknown, requested: unknown): unknown {
  if (!Array.isArray(requested) || requested.length === 0) return stored;
  const normalized = requested.map(normalizeTime);
  if (deepEqual(normalized, stored)) return stored;
  const real = normalized.filter((e) => isObject(e) && Object.keys(e).length > 0);
  return real.length === 0 ? [] : normalized;
}

/**
 * `next` with `old`'s managedFields when its entries are `old`'s but for their times, as
 * kube-apiserver's `IgnoreManagedFieldsTimestampsTransformer` reverts them: a write whose only
 * change is a time (an apply of what is already there, in a later second) then compares equal to
 * `old` and is not written. Otherwise `next` itself.
 */
export function withStoredTimes<T extends KubeObject>(old: KubeObject, next: T): T {
  const before: readonly ManagedFieldsEntry[] = old.metadata.managedFields ?? [];
  const after: readonly ManagedFieldsEntry[] = next.metadata.managedFields ?? [];
  if (before.length === 0 || before === after || before.length !== after.length) return next;
  const untimed = (e: ManagedFieldsEntry | undefined) => ({ ...e, time: undefined });
  const sameButTimes = after.every((e, i) => e === before[i] || deepEqual(untimed(e), untimed(before[i])));
  return sameButTimes ? { ...next, metadata: { ...next.metadata, managedFields: before } } : next;
}

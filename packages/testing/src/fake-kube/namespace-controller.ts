/**
 * The namespace controller of kube-controller-manager (pkg/controller/namespace/deletion), in the
 * fake (internal): it deletes the content of a Terminating namespace, reports what remains in the
 * namespace's conditions, and drops the `kubernetes` finalizer once nothing is left. Unlike the
 * real controller it does not wait 5 s before its first pass.
 */
import type { KubeApi } from './kube-api.js';
import { NAMESPACES, finalizersOf } from './namespace-lifecycle.js';
import { editable, now } from './object-meta.js';
import type { ResourceType } from './resource-type.js';
import { isObject, type JsonObject, type StoredObject } from './types.js';

/** What is left in a namespace after a deletion pass. */
interface Remaining {
  /** `<resource>.<group>` (the core group is empty: `pods.`) → objects. */
  readonly resources: Map<string, number>;
  /** Finalizer → objects that carry it. */
  readonly finalizers: Map<string, number>;
}

/** `a has 1 resource instances, b has 2 …`, sorted, as the controller words its conditions. */
const listed = (counts: Map<string, number>, unit: string) =>
  [...counts]
    .map(([what, n]) => `${what}${unit}${n} resource instances`)
    .sort()
    .join(', ');

/** The controller's five conditions, in its order, for what remains. */
function conditionsFor(remaining: Remaining): JsonObject[] {
  const rows: [string, string, string, string][] = [
    ['NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered', 'All resources successfully discovered'],
    ['NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
    ['NamespaceDeletionContentFailure', 'False', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
    remaining.resources.size > 0
      ? ['NamespaceContentRemaining', 'True', 'SomeResourcesRemain', `Some resources are remaining: ${listed(remaining.resources, ' has ')}`]
      : ['NamespaceContentRemaining', 'False', 'ContentRemoved', 'All content successfully removed'],
    remaining.finalizers.size > 0
      ? [
          'NamespaceFinalizersRemaining',
          'True',
          'SomeFinalizersRemain',
          `Some content in the namespace has finalizers remaining: ${listed(remaining.finalizers, ' in ')}`,
        ]
      : ['NamespaceFinalizersRemaining', 'False', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
  ];
  return rows.map(([type, status, reason, message]) => ({ type, status, reason, message }));
}

/**
 * The conditions after this pass, as `updateConditions` makes them: each of the controller's
 * types replaced in place (a changed status gets a new `lastTransitionTime`, an unchanged
 * condition keeps its own) or appended; conditions of other types stay. Undefined when nothing changed.
 */
function nextConditions(current: unknown, wanted: JsonObject[]): JsonObject[] | undefined {
  const out = Array.isArray(current) ? current.filter(isObject) : [];
  let changed = false;
  for (const w of wanted) {
    const at = out.findIndex((c) => c.type === w.type);
    const before = out[at];
    if (before && before.status === w.status && before.reason === w.reason && before.message === w.message) continue;
    changed = true;
    const time = before && before.status === w.status ? before.lastTransitionTime : now();
    const next = { type: w.type, status: w.status, lastTransitionTime: time, reason: w.reason, message: w.message };
    if (before) out[at] = next;
    else out.push(next);
  }
  return changed ? out : undefined;
}

/** Deletes what is not being deleted yet, and counts what is left. */
function deleteContent(api: KubeApi, name: string, remove: (rt: ResourceType, obj: StoredObject) => void): Remaining {
  const remaining: Remaining = { resources: new Map(), finalizers: new Map() };
  for (const key of api.store.namespaceKeys(name)) {
    const rt = api.registry.byStorageKey(key);
    if (!rt) continue;
    for (const obj of api.store.list(key, name)) if (obj.metadata.deletionTimestamp === undefined) remove(rt, obj);
    const left = api.store.list(key, name);
    if (left.length > 0) remaining.resources.set(`${rt.plural}.${rt.group}`, left.length);
    for (const obj of left) for (const f of obj.metadata.finalizers ?? []) remaining.finalizers.set(f, (remaining.finalizers.get(f) ?? 0) + 1);
  }
  return remaining;
}

/**
 * One pass of the namespace controller over a Terminating namespace: delete its content, write
 * the conditions when they changed, and drop the `kubernetes` finalizer once nothing remains
 * (the namespace then goes, unless finalizers of others remain in `spec.finalizers`).
 */
export function syncTerminatingNamespace(api: KubeApi, name: string, remove: (rt: ResourceType, obj: StoredObject) => void): void {
  const nsRt = api.registry.byStorageKey(NAMESPACES);
  const ns = api.store.get(NAMESPACES, '', name);
  if (!nsRt || !ns || ns.metadata.deletionTimestamp === undefined || !finalizersOf(ns).includes('kubernetes')) return;
  const remaining = deleteContent(api, name, remove);
  const current = api.store.get(NAMESPACES, '', name) as StoredObject;
  const status = isObject(current.status) ? current.status : {};
  const conditions = nextConditions(status.conditions, conditionsFor(remaining));
  let latest = current;
  if (conditions !== undefined) {
    const next = editable(current);
    next.status = { ...status, phase: 'Terminating', conditions };
    latest = api.commit(nsRt, next, current);
  }
  if (remaining.resources.size > 0) return;
  const next = editable(latest);
  next.spec = { ...(isObject(latest.spec) ? latest.spec : {}), finalizers: finalizersOf(latest).filter((f) => f !== 'kubernetes') };
  api.commit(nsRt, next, latest);
}

/**
 * The control loops kube-controller-manager and apiextensions run, reduced to what the API
 * shows: owner-reference garbage collection (background, foreground with blockOwnerDeletion,
 * orphan), namespace termination and CRD instance cleanup. They run asynchronously after
 * writes, like the real controllers (internal).
 */
import { CRD_CLEANUP_FINALIZER, crdResourceType } from './crd-types.js';
import { deleteObject, FOREGROUND, ORPHAN, removeFinalizer, type DeleteOptions } from './deletion.js';
import type { KubeApi } from './kube-api.js';
import { syncTerminatingNamespace } from './namespace-controller.js';
import { editable } from './object-meta.js';
import type { StoreEvent } from './object-store.js';
import { splitApiVersion, type ResourceType } from './resource-type.js';
import { ApiError } from './status.js';
import type { OwnerReference, StoredObject } from './types.js';

const CRD_KEY = 'apiextensions.k8s.io/customresourcedefinitions';
/** `id` is a uid for dependent/deleting tasks, a name for namespace/crd tasks. */
interface Task {
  readonly kind: 'dependent' | 'deleting' | 'namespace' | 'crd';
  readonly id: string;
}

/** Runs the controllers; call `stop()` to detach. */
export class Controllers {
  private readonly queue = new Map<string, Task>();
  private scheduled = false;
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly api: KubeApi,
    private readonly onCrdRemoved: (key: string) => void,
  ) {
    this.unsubscribe = api.store.subscribe((e) => this.observe(e));
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
  }

  private enqueue(task: Task): void {
    this.queue.set(`${task.kind}:${task.id}`, task);
    if (!this.scheduled && !this.stopped) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  private observe(e: StoreEvent): void {
    if (e.key === CRD_KEY) this.syncCrd(e);
    const meta = e.object.metadata;
    if (e.type === 'DELETED') {
      for (const d of this.api.store.dependentsOf(meta.uid)) this.enqueue({ kind: 'dependent', id: d.object.metadata.uid });
    } else {
      if (meta.ownerReferences?.length && (e.type === 'ADDED' || refsChanged(e))) this.enqueue({ kind: 'dependent', id: meta.uid });
      if (meta.deletionTimestamp !== undefined) this.enqueue({ kind: 'deleting', id: meta.uid });
      if (e.key === '/namespaces' && meta.deletionTimestamp !== undefined) this.enqueue({ kind: 'namespace', id: meta.name });
      if (e.key === CRD_KEY && meta.deletionTimestamp !== undefined) this.enqueue({ kind: 'crd', id: meta.name });
    }
    // Owners waiting in foreground deletion, terminating namespaces and CRDs re-check when a dependent changes.
    for (const ref of meta.ownerReferences ?? []) this.enqueue({ kind: 'deleting', id: ref.uid });
    if (e.namespace !== '') {
      const ns = this.api.store.get('/namespaces', '', e.namespace);
      if (ns?.metadata.deletionTimestamp !== undefined) this.enqueue({ kind: 'namespace', id: e.namespace });
    }
    const rt = this.api.registry.byStorageKey(e.key);
    if (rt?.crd?.terminating) this.enqueue({ kind: 'crd', id: rt.crd.name });
  }

  private drain(): void {
    this.scheduled = false;
    if (this.stopped) return;
    const tasks = [...this.queue.values()];
    this.queue.clear();
    for (const task of tasks) {
      try {
        this.run(task);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
      }
    }
  }

  private run(task: Task): void {
    if (task.kind === 'dependent') this.checkDependent(task.id);
    else if (task.kind === 'deleting') this.finishDeleting(task.id);
    else if (task.kind === 'namespace') this.terminateNamespace(task.id);
    else this.cleanupCrd(task.id);
  }

  private rtOf(key: string): ResourceType | undefined {
    return this.api.registry.byStorageKey(key);
  }

  /** Garbage collection of one dependent: delete it when no owner remains. */
  private checkDependent(uid: string): void {
    const found = this.api.store.getByUid(uid);
    const rt = found && this.rtOf(found.key);
    if (!found || !rt) return;
    const obj = found.object;
    const refs = obj.metadata.ownerReferences ?? [];
    const states = refs.map((ref) => ({ ref, state: this.ownerState(ref, obj) }));
    const solid = states.filter((s) => s.state === 'solid');
    const gone = states.filter((s) => s.state !== 'solid').map((s) => s.ref.uid);
    if (refs.length === 0 || gone.length === 0) return;
    if (solid.length > 0) {
      const next = editable(obj);
      next.metadata.ownerReferences = refs.filter((r) => !gone.includes(r.uid));
      this.api.commit(rt, next, obj);
      return;
    }
    if (obj.metadata.deletionTimestamp !== undefined) return;
    const waiting = states.some((s) => s.state === 'waiting');
    const hasDependents = this.api.store.dependentsOf(uid).length > 0;
    this.delete(rt, obj, waiting && hasDependents ? 'Foreground' : undefined);
  }

  private ownerState(ref: OwnerReference, dependent: StoredObject): 'solid' | 'dangling' | 'waiting' {
    const rt = this.api.registry.findKind(splitApiVersion(ref.apiVersion).group, ref.kind);
    if (!rt) return 'solid';
    const owner = this.api.store.get(rt.key, rt.namespaced ? (dependent.metadata.namespace ?? '') : '', ref.name);
    if (!owner || owner.metadata.uid !== ref.uid) return 'dangling';
    if (owner.metadata.deletionTimestamp !== undefined && owner.metadata.finalizers?.includes(FOREGROUND)) return 'waiting';
    return 'solid';
  }

  /** Orphan and foreground finalizers of an object being deleted. */
  private finishDeleting(uid: string): void {
    const found = this.api.store.getByUid(uid);
    const rt = found && this.rtOf(found.key);
    if (!found || !rt || found.object.metadata.deletionTimestamp === undefined) return;
    const obj = found.object;
    const dependents = this.api.store.dependentsOf(uid);
    if (obj.metadata.finalizers?.includes(ORPHAN)) {
      for (const d of dependents) {
        const drt = this.rtOf(d.key);
        if (!drt) continue;
        const next = editable(d.object);
        next.metadata.ownerReferences = (d.object.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        if (next.metadata.ownerReferences.length === 0) delete next.metadata.ownerReferences;
        this.api.commit(drt, next, d.object);
      }
      removeFinalizer(this.api, rt, this.api.store.getByUid(uid)?.object ?? obj, ORPHAN);
      return;
    }
    if (!obj.metadata.finalizers?.includes(FOREGROUND)) return;
    for (const d of dependents) {
      const drt = this.rtOf(d.key);
      if (!drt || d.object.metadata.deletionTimestamp !== undefined) continue;
      const blocking = d.object.metadata.ownerReferences?.some((r) => r.uid === uid && r.blockOwnerDeletion === true) ?? false;
      const hasDependents = this.api.store.dependentsOf(d.object.metadata.uid).length > 0;
      this.delete(drt, d.object, blocking && hasDependents ? 'Foreground' : undefined);
    }
    const blockers = this.api.store
      .dependentsOf(uid)
      .filter((d) => d.object.metadata.ownerReferences?.some((r) => r.uid === uid && r.blockOwnerDeletion === true));
    const latest = this.api.store.getByUid(uid)?.object;
    if (blockers.length === 0 && latest) removeFinalizer(this.api, rt, latest, FOREGROUND);
  }

  private delete(rt: ResourceType, obj: StoredObject, propagationPolicy: DeleteOptions['propagationPolicy']): void {
    const opts: DeleteOptions = propagationPolicy ? { dryRun: false, propagationPolicy } : { dryRun: false };
    deleteObject(this.api, rt, obj.metadata.namespace ?? '', obj.metadata.name, opts);
  }

  /** The namespace controller (see ./namespace-lifecycle.ts). */
  private terminateNamespace(name: string): void {
    syncTerminatingNamespace(this.api, name, (rt, obj) => this.delete(rt, obj, 'Background'));
  }

  /** CRD deletion: delete every instance, then drop the cleanup finalizer. */
  private cleanupCrd(name: string): void {
    const crdRt = this.rtOf(CRD_KEY);
    const crd = this.api.store.get(CRD_KEY, '', name);
    if (!crdRt || !crd || crd.metadata.deletionTimestamp === undefined) return;
    const rt = this.api.registry.all().find((r) => r.crd?.name === name);
    const remaining = rt ? this.api.store.list(rt.key) : [];
    for (const obj of remaining) if (rt && obj.metadata.deletionTimestamp === undefined) this.delete(rt, obj, 'Background');
    if (rt && this.api.store.list(rt.key).length > 0) return;
    removeFinalizer(this.api, crdRt, this.api.store.get(CRD_KEY, '', name) as StoredObject, CRD_CLEANUP_FINALIZER);
  }

  /** Keeps the registry in step with CRDs (synchronously, so a created CRD is served at once). */
  private syncCrd(e: StoreEvent): void {
    const previous = e.old ? crdResourceType(e.old) : undefined;
    const next = e.type === 'DELETED' ? undefined : crdResourceType(e.object);
    if (previous && previous.key !== next?.key) {
      this.api.registry.remove(previous.key);
      this.onCrdRemoved(previous.key);
    }
    if (next) {
      if (this.api.registry.byStorageKey(next.key) === undefined) this.api.store.startHistory(next.key);
      this.api.registry.add(next);
    } else if (e.type === 'DELETED') {
      const gone = crdResourceType(e.object);
      if (gone) {
        this.api.registry.remove(gone.key);
        this.onCrdRemoved(gone.key);
      }
    }
  }
}

function refsChanged(e: StoreEvent): boolean {
  return JSON.stringify(e.old?.metadata.ownerReferences ?? []) !== JSON.stringify(e.object.metadata.ownerReferences ?? []);
}

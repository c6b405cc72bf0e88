/** The API semantics behind the HTTP layer: get, create, update, patch (internal). */
import { admitCustomResource, builtinDefaults, builtinUpdateErrors, namespaceOnCreate, statusOnCreate, type FieldValidation } from './admission.js';
import { applyConfiguration } from './apply-configuration.js';
import { CRD_CLEANUP_FINALIZER, crdErrors, crdStatus } from './crd-types.js';
import { decodeBuiltin } from './builtins/decode.js';
import { applyBuiltinDefaults } from './builtins/defaults.js';
import { presentEvent, storedForm } from './builtins/event-conversion.js';
import { allocatedByServices } from './builtins/service-defaults.js';
import { allowsCreateOnUpdate, annotationsBumpGeneration, invalidKindOf, statusWriteMetadata } from './builtins/strategy.js';
import { builtinErrors } from './builtins/validation.js';
import { builtinNav, schemaNav, type FieldNav } from './field-nav.js';
import { baseManagedFields, recordUpdate, withStoredTimes, type WriteContext } from './managed-fields.js';
import { keepNamespaceSpec, namespaceErrors } from './namespace-lifecycle.js';
import { ObjectStore } from './object-store.js';
import { checkPatchType, patchedObject, patchInvalid } from './patch-body.js';
import type { Requester } from './rbac/request-info.js';
import type { WriteCheck } from './rbac/write-checks.js';
import { editable, generateName, keepImmutableMeta, newUid, now, pruneObjectMeta, specChanged } from './object-meta.js';
import { objectMetaErrors } from './object-meta-validation.js';
import { hasStatus, Registry, scaleOf } from './registry.js';
import { apiVersionOf, type ResourceType } from './resource-type.js';
import { canonicalizeQuantities, goValue, unconvertibleApply, undecodableBody, undecodablePatch } from './quantities.js';
import { withReplicasOf } from './scale.js';
import { serverSideApply } from './server-side-apply.js';
import { alreadyExists, badRequest, conflict, forbidden, internalError, invalid, methodNotAllowed, notFound, STALE_OBJECT } from './status.js';
import { deepEqual, isObject, type JsonObject, type KubeObject, type ManagedFieldsEntry, type StoredObject } from './types.js';

/** Per-request write settings. */
export interface WriteOptions {
  readonly manager: string;
  readonly dryRun: boolean;
  readonly fieldValidation: FieldValidation;
  readonly force: boolean;
  /** Warnings for the `Warning` response header. */
  readonly warnings: string[];
  /** Who made the write over HTTP, when the server authorizes requests (./rbac/); checked by {@link KubeApi.writeCheck}. */
  readonly requester?: Requester;
}

const CRD_KEY = 'apiextensions.k8s.io/customresourcedefinitions';

/** In-memory API state: registry and store, with kube's write semantics. */
export class KubeApi {
  readonly registry = new Registry();
  readonly store: ObjectStore;
  /** Pods bound to a node are deleted gracefully (kept with deletionTimestamp for their grace period). */
  gracefulPods = false;
  /** Checks each write before admission (RBAC's escalation check, ./rbac/); throws its refusal. */
  writeCheck: WriteCheck | undefined;

  constructor(historySize: number) {
    this.store = new ObjectStore(historySize);
  }

  get(rt: ResourceType, namespace: string, name: string): StoredObject {
    const obj = this.store.get(rt.key, rt.namespaced ? namespace : '', name);
    if (!obj) throw notFound(rt, name);
    return obj;
  }

  /** The object as served in `version` (custom resources: apiVersion rewritten, no conversion). */
  present<T extends KubeObject>(obj: T, rt: ResourceType, version: string): T {
    const apiVersion = apiVersionOf(rt.group, version);
    if (obj.apiVersion === apiVersion) return obj;
    return presentEvent(rt, obj) ?? { ...obj, apiVersion };
  }

  nav(rt: ResourceType, version: string): FieldNav {
    return rt.crd ? schemaNav(rt.crd.versions.get(version)?.schema) : builtinNav();
  }

  /** Top-level fields a write to the main resource, `/status` or `/scale` may touch. */
  scope(rt: ResourceType, version: string, subresource: string): (top: string) => boolean {
    if (subresource === 'status') return (k) => k === 'status';
    if (subresource === 'scale') return (k) => k === 'spec';
    return hasStatus(rt, version) ? (k) => k !== 'status' : () => true;
  }

  create(rt: ResourceType, version: string, namespace: string, body: unknown, opts: WriteOptions, preset?: ManagedFieldsEntry[]): StoredObject {
    const obj = this.incoming(rt, version, namespace, body);
    decodeBuiltin(rt, version, obj, opts.fieldValidation, opts.warnings);
    if (obj.metadata.resourceVersion) throw internalError('resourceVersion should not be set on objects to be created');
    if (!obj.metadata.name && obj.metadata.generateName) obj.metadata.name = generateName(obj.metadata.generateName);
    for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'resourceVersion'] as const)
      delete obj.metadata[k];
    this.checkNamespace(rt, obj);
    statusOnCreate(rt, version, obj);
    this.admit(rt, version, obj, opts);
    const name = obj.metadata.name as string;
    if (this.store.get(rt.key, obj.metadata.namespace ?? '', name)) throw alreadyExists(rt, name);
    obj.metadata.uid = newUid();
    obj.metadata.creationTimestamp = now();
    if (rt.generation) obj.metadata.generation = 1;
    if (rt.key === CRD_KEY) {
      obj.metadata.finalizers = [...new Set([...(obj.metadata.finalizers ?? []), CRD_CLEANUP_FINALIZER])];
      obj.status = crdStatus(obj, undefined);
    }
    const ctx = this.context(rt, version, '', opts);
    obj.metadata.managedFields = preset ?? recordUpdate([], undefined, obj as JsonObject, this.nav(rt, version), this.scope(rt, version, ''), ctx);
    if (obj.metadata.managedFields.length === 0) delete obj.metadata.managedFields;
    if (opts.dryRun) return obj as StoredObject;
    return this.store.put(rt.key, storedForm(rt, obj as StoredObject), undefined);
  }

  /** `owned`: the body is a fresh object of the caller's that may be written to (not copied). */
  update(
    rt: ResourceType,
    version: string,
    namespace: string,
    name: string,
    body: unknown,
    opts: WriteOptions,
    subresource: string,
    preset?: ManagedFieldsEntry[],
    owned = false,
  ): StoredObject {
    // a PUT to a missing object of some kinds creates it (AllowCreateOnUpdate)
    if (subresource === '' && preset === undefined && allowsCreateOnUpdate(rt) && !this.store.get(rt.key, rt.namespaced ? namespace : '', name))
      return this.create(rt, version, namespace, withName(body, name), opts);
    const old = this.get(rt, namespace, name);
    const incoming = this.incoming(rt, version, namespace, body, owned);
    decodeBuiltin(rt, version, incoming, opts.fieldValidation, opts.warnings);
    if (incoming.metadata.name !== undefined && incoming.metadata.name !== name) {
      throw badRequest(`the name of the object (${incoming.metadata.name}) does not match the name on the URL (${name})`);
    }
    const rv = incoming.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion) throw conflict(rt, name, STALE_OBJECT);
    const next = this.prepareUpdate(rt, version, old, incoming, subresource);
    this.admit(rt, version, next, opts, this.present(old, rt, version));
    if (rt.key === CRD_KEY) next.status = crdStatus(next, old.status);
    if (specChanged(rt, old, next, hasStatus(rt, version)) || (subresource === '' && annotationsBumpGeneration(rt, old, next)))
      next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    const base = baseManagedFields(old.metadata.managedFields, incoming.metadata.managedFields);
    const mf =
      preset ??
      recordUpdate(
        base,
        this.present(old, rt, version),
        next as JsonObject,
        this.nav(rt, version),
        this.scope(rt, version, subresource),
        this.context(rt, version, subresource, opts),
      );
    if (mf.length > 0) next.metadata.managedFields = mf;
    else delete next.metadata.managedFields;
    const stored = storedForm(rt, { ...next, apiVersion: apiVersionOf(rt.group, rt.version) } as StoredObject);
    // a write that changes nothing but managedFields times (a repeated apply) is a no-op
    if (sameObject(old, withStoredTimes(old, stored))) return old;
    return opts.dryRun ? stored : this.commit(rt, stored, old);
  }

  patch(
    rt: ResourceType,
    version: string,
    namespace: string,
    name: string,
    contentType: string,
    raw: string,
    opts: WriteOptions,
    subresource: string,
  ): StoredObject {
    const type = contentType.split(';')[0]?.trim() ?? '';
    if (type === 'application/apply-patch+yaml' || type === 'application/apply-patch+cbor')
      return this.apply(rt, version, namespace, name, raw, opts, subresource);
    const stored = this.present(this.get(rt, namespace, name), rt, version);
    // the patched copy leaves managedFields out unless the patch is about them: the write keeps
    // the stored ones when the request has none, and copying them twice costs as much as the rest
    const current = raw.includes('managedFields') ? stored : { ...stored, metadata: { ...stored.metadata, managedFields: undefined } };
    checkPatchType(rt, contentType);
    const { patch, patched } = patchedObject(type, current, raw, opts.fieldValidation);
    canonicalizeQuantities(
      rt,
      patched,
      undecodablePatch(() => (type === 'application/strategic-merge-patch+json' ? goValue(patch) : JSON.stringify(patched))),
    );
    return this.update(rt, version, namespace, name, patched, opts, subresource, undefined, true);
  }

  private apply(rt: ResourceType, version: string, namespace: string, name: string, raw: string, opts: WriteOptions, subresource: string): StoredObject {
    if (!opts.manager || opts.manager === '')
      throw patchInvalid('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const config = applyConfiguration(raw, apiVersionOf(rt.group, version), rt.kind);
    const meta = isObject(config.metadata) ? config.metadata : {};
    if (meta.name !== undefined && meta.name !== name)
      throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`);
    const stored = this.store.get(rt.key, rt.namespaced ? namespace : '', name);
    const live = stored ? this.present(stored, rt, version) : undefined;
    if (typeof meta.resourceVersion === 'string' && live && meta.resourceVersion !== live.metadata.resourceVersion) throw conflict(rt, name, STALE_OBJECT);
    const ctx = this.context(rt, version, subresource, opts);
    const scope = this.scope(rt, version, subresource);
    const { object, managedFields } = serverSideApply({ rt, name, live, config, force: opts.force, nav: this.nav(rt, version), scope, ctx });
    object.apiVersion = apiVersionOf(rt.group, version);
    object.kind = rt.kind;
    object.metadata = { ...(isObject(object.metadata) ? object.metadata : {}), name };
    canonicalizeQuantities(rt, object, unconvertibleApply(rt, version, config));
    if (!live) {
      if (subresource !== '') throw notFound(rt, name);
      return this.create(rt, version, namespace, object, opts, managedFields);
    }
    return this.update(rt, version, namespace, name, object, opts, subresource, managedFields);
  }

  /** Stores an object, or removes it when it is being deleted, its grace period is over and no finalizers are left. */
  commit(rt: ResourceType, next: StoredObject, old: StoredObject | undefined): StoredObject {
    const deleting = next.metadata.deletionTimestamp !== undefined && (next.metadata.deletionGracePeriodSeconds ?? 0) === 0;
    if (deleting && (next.metadata.finalizers ?? []).length === 0 && !isTerminatingNamespace(rt, next)) {
      return this.store.remove(rt.key, next);
    }
    return this.store.put(rt.key, next, old);
  }

  private incoming(rt: ResourceType, version: string, namespace: string, body: unknown, owned = false): KubeObject {
    if (!isObject(body)) throw badRequest('the body of the request is not a JSON object');
    const obj = owned ? (body as KubeObject) : editable({ ...body, metadata: isObject(body.metadata) ? body.metadata : {} } as KubeObject);
    if (!isObject(obj.metadata)) obj.metadata = {};
    pruneObjectMeta(obj.metadata);
    if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== rt.kind)
      throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${rt.kind})`);
    obj.apiVersion = apiVersionOf(rt.group, version);
    obj.kind = rt.kind;
    if (rt.namespaced) {
      if (obj.metadata.namespace && obj.metadata.namespace !== namespace)
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      obj.metadata.namespace = namespace;
    } else delete obj.metadata.namespace;
    canonicalizeQuantities(rt, obj as JsonObject, undecodableBody(rt, version));
    return obj;
  }

  private prepareUpdate(rt: ResourceType, version: string, old: StoredObject, incoming: KubeObject, subresource: string): KubeObject {
    if (subresource === 'status') {
      // a copy of all but the status (replaced) and managedFields (recomputed by the write)
      const { status: _status, ...rest } = this.present(old, rt, version);
      const next = editable({ ...rest, metadata: { ...old.metadata, managedFields: undefined } }) as KubeObject;
      if (incoming.status !== undefined) next.status = incoming.status;
      statusWriteMetadata(rt, next, incoming);
      return next;
    }
    if (subresource === 'finalize' && rt.key === '/namespaces') {
      const next = editable(old);
      next.spec = { ...(isObject(old.spec) ? old.spec : {}), finalizers: isObject(incoming.spec) ? incoming.spec.finalizers : [] };
      return next;
    }
    const scale = subresource === 'scale' ? scaleOf(rt, version) : undefined;
    if (scale) return withReplicasOf(this.present(old, rt, version), incoming, scale);
    if (subresource !== '') throw methodNotAllowed(`the server does not allow this method on the requested resource`);
    const next = incoming;
    keepImmutableMeta(old, next);
    if (rt.key === '/namespaces') keepNamespaceSpec(old, next);
    if (hasStatus(rt, version)) {
      if (old.status === undefined) delete next.status;
      else next.status = old.status;
    }
    return next;
  }

  /** Defaults and validates a write (422 with all causes found): metadata first, then the kind's rules. `old`: the stored object, on updates. */
  private admit(rt: ResourceType, version: string, obj: KubeObject, opts: WriteOptions, old?: KubeObject): void {
    this.writeCheck?.(rt, obj, opts.requester, old);
    dropEmptyMeta(obj);
    builtinDefaults(rt, obj);
    applyBuiltinDefaults(rt, obj, { old, allocated: () => allocatedByServices(this.store) });
    namespaceOnCreate(rt, obj);
    const errs = objectMetaErrors(rt, obj.metadata, old?.metadata);
    if (old) errs.push(...builtinUpdateErrors(rt, old, obj));
    errs.push(...builtinErrors(rt, obj, old));
    if (rt.crd) admitCustomResource(obj, rt, version, opts.fieldValidation, opts.warnings, errs, old);
    if (rt.key === CRD_KEY) errs.push(...crdErrors(obj));
    if (rt.key === '/namespaces') errs.push(...namespaceErrors(obj));
    if (errs.length > 0) throw invalid(invalidKindOf(rt), obj.metadata.name ?? '', errs);
  }

  /** NamespaceLifecycle: namespaced objects need an existing, non-terminating namespace. */
  private checkNamespace(rt: ResourceType, obj: KubeObject): void {
    if (rt.crd?.terminating) throw methodNotAllowed(`create not allowed while custom resource definition is terminating`);
    if (!rt.namespaced) return;
    const ns = obj.metadata.namespace ?? '';
    const nsObj = this.store.get('/namespaces', '', ns);
    if (!nsObj) throw notFound({ group: '', plural: 'namespaces' }, ns);
    if (nsObj.metadata.deletionTimestamp !== undefined) {
      throw forbidden(rt, obj.metadata.name ?? '', `unable to create new content in namespace ${ns} because it is being terminated`, [
        { reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' },
      ]);
    }
  }

  private context(rt: ResourceType, version: string, subresource: string, opts: WriteOptions): WriteContext {
    return { manager: opts.manager, apiVersion: apiVersionOf(rt.group, version), subresource, time: now() };
  }
}

function isTerminatingNamespace(rt: ResourceType, obj: KubeObject): boolean {
  return rt.key === '/namespaces' && isObject(obj.spec) && Array.isArray(obj.spec.finalizers) && obj.spec.finalizers.length > 0;
}

/** A PUT's body with the URL's name when it names none. */
const withName = (body: unknown, name: string): unknown =>
  isObject(body) ? { ...body, metadata: { name, ...(isObject(body.metadata) ? body.metadata : {}) } } : body;

/** ObjectMeta round-trips through Go types: empty lists and maps disappear. */
function dropEmptyMeta(obj: KubeObject): void {
  const m = obj.metadata as Record<string, unknown>;
  for (const k of ['finalizers', 'ownerReferences', 'labels', 'annotations']) {
    const v = m[k];
    if (v === null || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0)) delete m[k];
  }
}

function sameObject(a: StoredObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return deepEqual(strip(a), strip(b));
}

/** Parses a JSON request body (400 when malformed). */
export function parseBody(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

export { acceptedPatchTypes, patchInvalid } from './patch-body.js';

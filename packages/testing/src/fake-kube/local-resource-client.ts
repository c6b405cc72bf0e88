/**
 * The in-process client of one kind (internal, see ./local-client.ts): each operation calls the
 * fake's API directly, its `ApiError` turned into the `KubeError` the HTTP client would see.
 */
import type { KubeObject, Persisted, ResourceDescriptor } from '@kubeception/sdk';
import {
  PATCH_CONTENT_TYPE,
  statusToKubeError,
  type DeleteOptions,
  type KubeError,
  type KubeStatus,
  type ListOptions,
  type ObjectList,
  type ObjectOptions,
  type Patch,
  type ResourceClient,
  type WriteOptions,
} from '@kubeception/sdk/kube';
import { err, errAsync, ok, okAsync, type Result, type ResultAsync } from 'neverthrow';
import { deleteObject, deleteOptionsOf } from './deletion.js';
import type { HandlerContext } from './handlers.js';
import type { WriteOptions as ApiWriteOptions } from './kube-api.js';
import { localWatch } from './local-watch.js';
import type { ResourceType } from './resource-type.js';
import { selectionOf } from './selectors.js';
import { ApiError, pathNotFound } from './status.js';
import { clone, type StoredObject } from './types.js';

/** Runs one call against the API; its `ApiError` becomes the `KubeError` the HTTP client would see. */
export function call<R>(fn: () => R): ResultAsync<R, KubeError> {
  try {
    return okAsync(fn());
  } catch (e) {
    if (e instanceof ApiError) return errAsync(statusToKubeError(e.status as KubeStatus));
    throw e;
  }
}

/** What every operation of one kind's client uses. */
interface Kind<T extends KubeObject> {
  readonly ctx: HandlerContext;
  readonly version: string;
  /** The served resource, looked up per call: a CRD may be installed (or deleted) after the client was made. */
  rt(): ResourceType;
  /** The namespace of a call: the options', else the object's, else the client's default (`''` for cluster-scoped kinds). */
  namespaceOf(rt: ResourceType, options?: ObjectOptions, object?: KubeObject): string;
  /** A stored object as the client returns it. */
  out(rt: ResourceType, obj: StoredObject): Persisted<T>;
  /** The API's options of a write. */
  writeOptions(options?: WriteOptions, force?: boolean): ApiWriteOptions;
}

function kindOf<T extends KubeObject>(
  ctx: HandlerContext,
  descriptor: Pick<ResourceDescriptor<T>, 'group' | 'version' | 'plural'>,
  defaultNamespace: string,
  fieldManager: string,
): Kind<T> {
  const { api } = ctx;
  const { group, version, plural } = descriptor;
  return {
    ctx,
    version,
    rt: () => {
      const rt = api.registry.find(group, version, plural);
      if (rt === undefined) throw pathNotFound();
      return rt;
    },
    namespaceOf: (rt, options, object) => (rt.namespaced ? (options?.namespace ?? object?.metadata?.namespace ?? defaultNamespace) : ''),
    // the store's objects are frozen: handed out as they are, like a cache's objects in controller-runtime
    out: (rt, obj) => api.present(obj, rt, version) as Persisted<T>,
    writeOptions: (options, force = false) => ({ manager: options?.fieldManager ?? fieldManager, dryRun: false, fieldValidation: 'Warn', force, warnings: [] }),
  };
}

/** One page of a list: from the start (`token` undefined) or after a continue token. */
function listPage<T extends KubeObject>(k: Kind<T>, options: ListOptions, token: string | undefined): ObjectList<T> {
  const rt = k.rt();
  const page = k.ctx.lister.list({
    rt,
    namespace: rt.namespaced ? options.namespace : undefined,
    ...selectionOf(rt, options),
    limit: options.limit ?? 500,
    continueToken: token ?? null,
    resourceVersion: token === undefined ? (options.resourceVersion ?? null) : null,
    resourceVersionMatch: null,
  });
  return {
    items: page.items.map((o) => k.out(rt, o)),
    resourceVersion: String(page.metadata.resourceVersion ?? ''),
    ...(typeof page.metadata.continue === 'string' && page.metadata.continue !== '' ? { continue: page.metadata.continue } : {}),
  };
}

/** Every page, concatenated. */
function listAll<T extends KubeObject>(k: Kind<T>, options: ListOptions = {}): ResultAsync<ObjectList<T>, KubeError> {
  return call(() => {
    const items: Persisted<T>[] = [];
    let token: string | undefined;
    let resourceVersion = '';
    do {
      const page = listPage(k, options, token);
      items.push(...page.items);
      resourceVersion = page.resourceVersion;
      token = page.continue;
    } while (token !== undefined);
    return { items, resourceVersion };
  });
}

/** The pages one by one; a failed page ends the listing. */
async function* listPages<T extends KubeObject>(k: Kind<T>, options: ListOptions = {}): AsyncGenerator<Result<ObjectList<T>, KubeError>> {
  let token: string | undefined;
  do {
    const step = await call(() => listPage(k, options, token)).match(
      (list) => ({ page: ok<ObjectList<T>, KubeError>(list), next: list.continue }),
      (error) => ({ page: err<ObjectList<T>, KubeError>(error), next: undefined }),
    );
    token = step.next;
    yield step.page;
  } while (token !== undefined);
}

/** Patches the object (`subresource` `''`) or one of its subresources. */
const patchAt =
  <T extends KubeObject>(k: Kind<T>, subresource: string) =>
  (name: string, patch: Patch, options?: WriteOptions) =>
    call(() => {
      const rt = k.rt();
      const body = JSON.stringify(patch.type === 'json' ? patch.ops : patch.body);
      const ns = k.namespaceOf(rt, options, patch.type === 'json' ? undefined : (patch.body as KubeObject));
      const opts = k.writeOptions(options, patch.type === 'apply' && (patch.force ?? false));
      return k.out(rt, k.ctx.api.patch(rt, k.version, ns, name, PATCH_CONTENT_TYPE[patch.type], body, opts, subresource));
    });

/** Replaces the object (`subresource` `''`) or one of its subresources. */
const replaceAt =
  <T extends KubeObject, I extends KubeObject>(k: Kind<T>, subresource: string) =>
  (object: I, options?: WriteOptions) =>
    call(() => {
      const rt = k.rt();
      const ns = k.namespaceOf(rt, options, object);
      return k.out(rt, k.ctx.api.update(rt, k.version, ns, object.metadata?.name ?? '', clone(object), k.writeOptions(options), subresource));
    });

/** Deletes an object: as over HTTP, the object while its deletion is deferred, nothing once it is gone. */
function deleteNamed<T extends KubeObject>(k: Kind<T>, name: string, options?: DeleteOptions): ResultAsync<Persisted<T> | undefined, KubeError> {
  return call(() => {
    const rt = k.rt();
    const body = { preconditions: options?.preconditions, propagationPolicy: options?.propagationPolicy, gracePeriodSeconds: options?.gracePeriodSeconds };
    const result = deleteObject(k.ctx.api, rt, k.namespaceOf(rt, options), name, deleteOptionsOf(body, new URLSearchParams()));
    return result.deleted ? undefined : k.out(rt, result.object);
  });
}

/** The client of `descriptor`'s kind: writes by `fieldManager` unless a call names another, in `defaultNamespace` unless a call or object names one. */
export function localResourceClient<T extends KubeObject, I extends KubeObject>(
  ctx: HandlerContext,
  descriptor: ResourceDescriptor<T, I>,
  defaultNamespace: string,
  fieldManager: string,
): ResourceClient<T, I> {
  const k = kindOf<T>(ctx, descriptor, defaultNamespace, fieldManager);
  const patch = patchAt(k, '');
  return {
    descriptor,
    get: (name, options) =>
      call(() => {
        const rt = k.rt();
        return k.out(rt, ctx.api.get(rt, k.namespaceOf(rt, options), name));
      }),
    list: (options) => listAll(k, options),
    listPages: (options) => listPages(k, options),
    create: (object, options) =>
      call(() => {
        const rt = k.rt();
        return k.out(rt, ctx.api.create(rt, k.version, k.namespaceOf(rt, options, object), clone(object), k.writeOptions(options)));
      }),
    replace: replaceAt<T, I>(k, ''),
    replaceStatus: replaceAt<T, I>(k, 'status'),
    patch,
    patchStatus: patchAt(k, 'status'),
    apply: (object, options) =>
      patch(
        object.metadata?.name ?? '',
        { type: 'apply', body: object, force: options?.force ?? false },
        { ...options, namespace: options?.namespace ?? object.metadata?.namespace },
      ),
    delete: (name, options) => deleteNamed(k, name, options),
    watch: (options = {}) => localWatch<T>(ctx, () => k.rt(), k.version, options),
  };
}

/**
 * A `KubeClient` that calls the fake API server in-process (internal): the same handlers'
 * semantics (admission, resourceVersion conflicts, managed fields, deletion, selectors, watch
 * replay and 410 Gone) without HTTP, client-node or JSON over a socket. It is for the fake's own
 * components (the simulated host's kubelet, scheduler and controllers, the VM simulator), so that
 * simulating a big host does not cost what serving its clients costs; code under test keeps
 * reaching the server over HTTP with the real client.
 *
 * What it leaves out, on purpose: its requests are not in the request log and injected faults do
 * not apply to them (they are the fakes' own); `dropWatches` still ends its watches. The objects
 * it returns and its watch events carry are the server's stored objects, frozen and shared (as
 * controller-runtime's cache hands out its objects): copy one before changing it. What it is
 * given is copied.
 */
import type { KubeObject, Persisted, ResourceDescriptor } from '@kubeception/sdk';
import {
  statusToKubeError,
  toKubeError,
  type DeleteOptions,
  evictionFor,
  type KubeClient,
  type KubeError,
  type KubeStatus,
  type ListOptions,
  type ObjectList,
  type ObjectOptions,
  type Patch,
  type ResourceClient,
  type WatchEvent,
  type WatchOptions,
  type WriteOptions,
} from '@kubeception/sdk/kube';
import { PatchStrategy, type KubeConfig } from '@kubernetes/client-node';
import { Readable } from 'node:stream';
import { err, errAsync, ok, okAsync, type ResultAsync } from 'neverthrow';
import { deleteObject, deleteOptionsOf } from './deletion.js';
import { evictPod } from './eviction.js';
import type { HandlerContext } from './handlers.js';
import type { WriteOptions as ApiWriteOptions } from './kube-api.js';
import type { ResourceType } from './resource-type.js';
import { selectorsOf } from './selectors.js';
import { ApiError, pathNotFound } from './status.js';
import { clone, type StoredObject } from './types.js';
import type { WatchSink } from './watch-hub.js';

/**
 * Options of a local client.
 * @inline
 */
export interface LocalClientOptions {
  /** Field manager of writes and server-side apply. @default 'kubeception' */
  readonly fieldManager?: string;
}

/** The content type of each patch, as the HTTP client sends it. */
const CONTENT_TYPE = {
  merge: PatchStrategy.MergePatch,
  json: PatchStrategy.JsonPatch,
  strategic: PatchStrategy.StrategicMergePatch,
  apply: PatchStrategy.ServerSideApply,
} as const;

/** The label and field selectors of a list or watch, parsed as the server parses them. */
function selectionOf(rt: ResourceType, options: { readonly labelSelector?: string; readonly fieldSelector?: string }) {
  const query = new URLSearchParams();
  if (options.labelSelector) query.set('labelSelector', options.labelSelector);
  if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
  return { ...selectorsOf(query, rt), filtered: query.size > 0 };
}

/** Runs one call against the API; its `ApiError` becomes the `KubeError` the HTTP client would see. */
function call<R>(fn: () => R): ResultAsync<R, KubeError> {
  try {
    return okAsync(fn());
  } catch (e) {
    if (e instanceof ApiError) return errAsync(statusToKubeError(e.status as KubeStatus));
    throw e;
  }
}

/** A `KubeClient` over `ctx`; `kubeConfig` is the server's, for code that reads it. */
export function localKubeClient(ctx: HandlerContext, kubeConfig: KubeConfig, options: LocalClientOptions = {}): KubeClient {
  const defaultNamespace = kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? 'default';
  const fieldManager = options.fieldManager ?? 'kubeception';
  const clients = new WeakMap<object, ResourceClient<KubeObject>>();
  return {
    kubeConfig,
    defaultNamespace,
    resource<T extends KubeObject, I extends KubeObject = T>(descriptor: ResourceDescriptor<T, I>): ResourceClient<T, I> {
      let client = clients.get(descriptor);
      if (client === undefined) clients.set(descriptor, (client = localResourceClient(ctx, descriptor, defaultNamespace, fieldManager)));
      // the cache forgets T and I; the client kept under this descriptor was made for it
      return client as unknown as ResourceClient<T, I>;
    },
    evict(name, options) {
      const { namespace } = options;
      const body = evictionFor(name, options);
      return call(() => {
        const pods = ctx.api.registry.find('', 'v1', 'pods');
        if (pods === undefined) throw pathNotFound();
        evictPod(ctx.api, pods, namespace, name, body, false);
      });
    },
  };
}

function localResourceClient<T extends KubeObject, I extends KubeObject>(
  ctx: HandlerContext,
  descriptor: ResourceDescriptor<T, I>,
  defaultNamespace: string,
  fieldManager: string,
): ResourceClient<T, I> {
  const { api } = ctx;
  const { group, version, plural } = descriptor;
  // looked up per call: a CRD may be installed (or deleted) after the client was made
  const rtOf = (): ResourceType => {
    const rt = api.registry.find(group, version, plural);
    if (rt === undefined) throw pathNotFound();
    return rt;
  };
  const namespaceOf = (rt: ResourceType, options?: ObjectOptions, object?: KubeObject) =>
    rt.namespaced ? (options?.namespace ?? object?.metadata?.namespace ?? defaultNamespace) : '';
  // the store's objects are frozen: handed out as they are, like a cache's objects in controller-runtime
  const out = (rt: ResourceType, obj: StoredObject) => api.present(obj, rt, version) as Persisted<T>;
  const writeOptions = (options?: WriteOptions, force = false): ApiWriteOptions => ({
    manager: options?.fieldManager ?? fieldManager,
    dryRun: false,
    fieldValidation: 'Warn',
    force,
    warnings: [],
  });

  const listPage = (options: ListOptions, token: string | undefined): ObjectList<T> => {
    const rt = rtOf();
    const page = ctx.lister.list({
      rt,
      namespace: rt.namespaced ? options.namespace : undefined,
      ...selectionOf(rt, options),
      limit: options.limit ?? 500,
      continueToken: token ?? null,
      resourceVersion: token === undefined ? (options.resourceVersion ?? null) : null,
      resourceVersionMatch: null,
    });
    return {
      items: page.items.map((o) => out(rt, o)),
      resourceVersion: String(page.metadata.resourceVersion ?? ''),
      ...(typeof page.metadata.continue === 'string' && page.metadata.continue !== '' ? { continue: page.metadata.continue } : {}),
    };
  };

  const list = (options: ListOptions = {}) =>
    call(() => {
      const items: Persisted<T>[] = [];
      let token: string | undefined;
      let resourceVersion = '';
      do {
        const page = listPage(options, token);
        items.push(...page.items);
        resourceVersion = page.resourceVersion;
        token = page.continue;
      } while (token !== undefined);
      return { items, resourceVersion };
    });

  const patchAt = (subresource: string) => (name: string, patch: Patch, options?: WriteOptions) =>
    call(() => {
      const rt = rtOf();
      const body = patch.type === 'json' ? patch.ops : patch.body;
      const ns = namespaceOf(rt, options, patch.type === 'json' ? undefined : (patch.body as KubeObject));
      return out(
        rt,
        api.patch(
          rt,
          version,
          ns,
          name,
          CONTENT_TYPE[patch.type],
          JSON.stringify(body),
          writeOptions(options, patch.type === 'apply' && (patch.force ?? false)),
          subresource,
        ),
      );
    });

  const replaceAt = (subresource: string) => (object: I, options?: WriteOptions) =>
    call(() => {
      const rt = rtOf();
      return out(rt, api.update(rt, version, namespaceOf(rt, options, object), object.metadata?.name ?? '', clone(object), writeOptions(options), subresource));
    });

  return {
    descriptor,
    get: (name, options) =>
      call(() => {
        const rt = rtOf();
        return out(rt, api.get(rt, namespaceOf(rt, options), name));
      }),
    list,
    listPages: (options = {}) =>
      (async function* pages() {
        let token: string | undefined;
        do {
          const step = await call(() => listPage(options, token)).match(
            (list) => ({ page: ok<ObjectList<T>, KubeError>(list), next: list.continue }),
            (error) => ({ page: err<ObjectList<T>, KubeError>(error), next: undefined }), // a failed page ends the listing
          );
          token = step.next;
          yield step.page;
        } while (token !== undefined);
      })(),
    create: (object, options) =>
      call(() => {
        const rt = rtOf();
        return out(rt, api.create(rt, version, namespaceOf(rt, options, object), clone(object), writeOptions(options)));
      }),
    replace: replaceAt(''),
    replaceStatus: replaceAt('status'),
    patch: patchAt(''),
    patchStatus: patchAt('status'),
    apply: (object, options) =>
      patchAt('')(
        object.metadata?.name ?? '',
        { type: 'apply', body: object, force: options?.force ?? false },
        { ...options, namespace: options?.namespace ?? object.metadata?.namespace },
      ),
    delete: (name, options?: DeleteOptions) =>
      call(() => {
        const rt = rtOf();
        const body = { preconditions: options?.preconditions, propagationPolicy: options?.propagationPolicy, gracePeriodSeconds: options?.gracePeriodSeconds };
        const result = deleteObject(api, rt, namespaceOf(rt, options), name, deleteOptionsOf(body, new URLSearchParams()));
        // as over HTTP: the object while its deletion is deferred, nothing once it is gone
        return result.deleted ? undefined : out(rt, result.object);
      }),
    watch: (options = {}) => localWatch<T>(ctx, rtOf, version, options),
  };
}

/**
 * A watch through the server's watch hub: object events carry the stored (frozen) objects,
 * bookmarks and errors are parsed from their lines. The stream is an object-mode `Readable`: it ends after what it buffered, and a
 * consumer that stops iterating destroys it, which ends the watch.
 */
function localWatch<T extends KubeObject>(ctx: HandlerContext, rtOf: () => ResourceType, version: string, options: WatchOptions): AsyncIterable<WatchEvent<T>> {
  const events = new Readable({ objectMode: true, read: () => undefined });
  let ended = false;
  const closers: (() => void)[] = [];
  const push = (event: WatchEvent<T>) => {
    if (!ended) events.push(event);
  };
  const end = () => {
    if (ended) return;
    ended = true;
    for (const close of closers.splice(0)) close();
    if (!events.destroyed) events.push(null);
  };
  events.on('close', end);
  const deliver = (line: string) => {
    const { type, object } = JSON.parse(line) as { type: string; object: KubeObject };
    if (type === 'BOOKMARK') push({ type, resourceVersion: object.metadata?.resourceVersion ?? '' });
    else if (type === 'ERROR') {
      push({ type, error: statusToKubeError(object as KubeStatus) });
      end();
    } else push({ type: type as 'ADDED' | 'MODIFIED' | 'DELETED', object: object as Persisted<T> });
  };
  const sink: WatchSink = {
    get open() {
      return !ended;
    },
    write: deliver,
    event: (type, object) => push({ type, object } as WatchEvent<T>),
    end: (line) => {
      if (line !== undefined) deliver(line);
      end();
    },
    destroy: () => {
      push({ type: 'ERROR', error: toKubeError(new Error('the watch connection was dropped')) });
      end();
    },
    onClose: (listener) => void closers.push(listener),
  };
  if (options.signal?.aborted) end();
  else {
    options.signal?.addEventListener('abort', end, { once: true });
    closers.push(() => options.signal?.removeEventListener('abort', end));
    try {
      const rt = rtOf();
      ctx.hub.start(sink, {
        rt,
        version,
        namespace: rt.namespaced ? options.namespace : undefined,
        ...selectionOf(rt, options),
        rendering: 'json',
        includeObject: null,
        bookmarks: options.allowWatchBookmarks ?? true,
        resourceVersion: options.resourceVersion ?? null,
        sendInitialEvents: false,
        timeoutSeconds: options.timeoutSeconds,
      });
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      push({ type: 'ERROR', error: statusToKubeError(e.status as KubeStatus) });
      end();
    }
  }
  return events as AsyncIterable<WatchEvent<T>>;
}

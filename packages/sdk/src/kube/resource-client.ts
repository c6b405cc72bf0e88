/** `ResourceClient<T>`: typed verbs for one kind, every call a `ResultAsync<_, KubeError>`. */
import { PatchStrategy, setHeaderOptions, type CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { ResultAsync, err, ok, type Result } from 'neverthrow';
import type { TokenBucket } from '../internal/token-bucket.js';
import type { KubeObject, Persisted, ResourceDescriptor } from '../resource.js';
import type { KubeError } from './errors.js';
import { send, type Idempotency, type RetryOptions } from './request-policy.js';
import type { KubeRequestObserver } from './request-observer.js';
import { asMetadata, metadataAccept, watchResource, type WatchEvent, type WatchOptions } from './watch.js';

/** A page or a whole list. */
export interface ObjectList<T extends KubeObject> {
  /** The objects. */
  readonly items: Persisted<T>[];
  /** The list's resourceVersion: start a watch here to see every later change. */
  readonly resourceVersion: string;
  /** Token of the next page, when there is one. */
  readonly continue?: string;
}

/** What to list. */
export interface ListOptions {
  /** Namespace to list; all namespaces when unset. */
  readonly namespace?: string;
  /** Label selector, e.g. `app=web,tier!=db`. */
  readonly labelSelector?: string;
  /** Field selector, e.g. `metadata.name=demo`. */
  readonly fieldSelector?: string;
  /** Page size. @default 500 */
  readonly limit?: number;
  /** `"0"` lets the server answer from its cache. */
  readonly resourceVersion?: string;
  /**
   * Ask for each object's metadata only (`PartialObjectMetadataList`, `meta.k8s.io/v1`), as
   * controller-runtime's metadata-only lists do: the items carry the kind's `apiVersion` and
   * `kind` and their `metadata`, nothing else. @default false
   */
  readonly metadataOnly?: boolean;
}

/** A patch and how it is applied. */
export type Patch =
  | { readonly type: 'merge'; readonly body: object }
  | { readonly type: 'json'; readonly ops: readonly JsonPatchOperation[] }
  | { readonly type: 'strategic'; readonly body: object }
  /** Server-side apply: `body` is the full intent of `fieldManager`. */
  | { readonly type: 'apply'; readonly body: object; readonly force?: boolean };

/** One RFC 6902 operation. */
export interface JsonPatchOperation {
  /** The operation. */
  readonly op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  /** JSON pointer of the target, e.g. `/metadata/labels/app`. */
  readonly path: string;
  /** The value, for `add`, `replace` and `test`. */
  readonly value?: unknown;
  /** JSON pointer of the source, for `move` and `copy`. */
  readonly from?: string;
}

/** Options of calls that address one object. */
export interface ObjectOptions {
  /** @default the object's namespace, else the kubeconfig context's, else "default" */
  readonly namespace?: string;
}

/**
 * How the API server treats fields its schema does not know (`fieldValidation`): `Strict` refuses
 * the write (400, naming each field), `Warn` drops them with a warning, `Ignore` drops them.
 */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Options of writes. */
export interface WriteOptions extends ObjectOptions {
  /** @default the client's fieldManager */
  readonly fieldManager?: string;
  /** @default the client's fieldValidation (`Strict`, as kubectl sends) */
  readonly fieldValidation?: FieldValidation;
}

/** Options of delete. */
export interface DeleteOptions extends ObjectOptions {
  /** @default server default: Background for most kinds */
  readonly propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  /** Delete only if the object still has this uid / resourceVersion. */
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  /** Seconds the object has to terminate; 0 deletes at once. @default the kind's default */
  readonly gracePeriodSeconds?: number;
}

/** Typed access to one kind: reads return `T` (as stored), writes take `I` (as written). */
export interface ResourceClient<T extends KubeObject, I extends KubeObject = T> {
  /** The kind this client addresses. */
  readonly descriptor: ResourceDescriptor<T, I>;
  /** Reads one object. */
  get(name: string, options?: ObjectOptions): ResultAsync<Persisted<T>, KubeError>;
  /** Every page, collected. */
  list(options?: ListOptions): ResultAsync<ObjectList<T>, KubeError>;
  /** One page at a time; a failed page ends the iteration after yielding its error. */
  listPages(options?: ListOptions): AsyncIterable<Result<ObjectList<T>, KubeError>>;
  /** POST: fails with AlreadyExists if the name is taken. */
  create(object: I, options?: WriteOptions): ResultAsync<Persisted<T>, KubeError>;
  /**
   * PUT: `metadata.resourceVersion`, when set, makes it fail with Conflict if the object changed.
   * Custom resources and CRDs require it (their update strategy allows no unconditional update:
   * 422 Invalid on `metadata.resourceVersion`); built-in kinds take a PUT without it.
   */
  replace(object: I, options?: WriteOptions): ResultAsync<Persisted<T>, KubeError>;
  /** PUT of the status subresource; `metadata.resourceVersion` as in `replace`. */
  replaceStatus(object: I, options?: WriteOptions): ResultAsync<Persisted<T>, KubeError>;
  /** Patches the object. */
  patch(name: string, patch: Patch, options?: WriteOptions): ResultAsync<Persisted<T>, KubeError>;
  /** Patches the status subresource. */
  patchStatus(name: string, patch: Patch, options?: WriteOptions): ResultAsync<Persisted<T>, KubeError>;
  /** Server-side apply of `object` as `fieldManager`. */
  apply(object: I, options?: WriteOptions & { readonly force?: boolean }): ResultAsync<Persisted<T>, KubeError>;
  /**
   * Resolves to the object while its deletion is deferred (finalizers, a grace period, a
   * terminating namespace), or `undefined` once it is gone. Some kinds answer a delete with a
   * Status, others (custom resources, Pods) with the object: `deletionTimestamp` tells them apart.
   */
  delete(name: string, options?: DeleteOptions): ResultAsync<Persisted<T> | undefined, KubeError>;
  /** Watches the kind; see {@link WatchOptions} for resuming and errors. */
  watch(options?: WatchOptions): AsyncIterable<WatchEvent<T>>;
}

/** What a resource client shares with its kube client. */
export interface ClientContext {
  readonly api: CustomObjectsApi;
  readonly config: KubeConfig;
  readonly limiter: TokenBucket;
  readonly retry: RetryOptions;
  readonly fieldManager: string;
  readonly fieldValidation: FieldValidation;
  readonly defaultNamespace: string;
  /** The client's inactivity timeout of watches, when set explicitly (else see `watchTimeout`). */
  readonly watchTimeoutMs?: number;
  /** The `User-Agent` of every request, watches included. */
  readonly userAgent: string;
  /** Told of every request, watches included. */
  readonly report: KubeRequestObserver;
}

/** The `Content-Type` of each kind of patch (`Patch['type']`), as kube-apiserver expects it. */
export const PATCH_CONTENT_TYPE = {
  merge: PatchStrategy.MergePatch,
  json: PatchStrategy.JsonPatch,
  strategic: PatchStrategy.StrategicMergePatch,
  apply: PatchStrategy.ServerSideApply,
} as const;

/** Builds the client of one kind. */
export function resourceClient<T extends KubeObject, I extends KubeObject>(ctx: ClientContext, descriptor: ResourceDescriptor<T, I>): ResourceClient<T, I> {
  const kind: Kind<T, I> = {
    ctx,
    api: ctx.api,
    descriptor,
    base: { group: descriptor.group, version: descriptor.version, plural: descriptor.plural },
    namespaced: descriptor.scope === 'Namespaced',
  };
  const page: PageFn<T> = (options, token) => listPage(kind, options, token);
  return {
    descriptor,
    get: (name, options) => getObject(kind, name, options),
    listPages: (options = {}) => pages(options, page),
    list: (options = {}) => collect(options, page),
    create: (object, options) => createObject(kind, object, options),
    replace: (object, options) => replaceObject(kind, false, object, options),
    replaceStatus: (object, options) => replaceObject(kind, true, object, options),
    patch: (name, patch, options) => patchObject(kind, false, name, patch, options),
    patchStatus: (name, patch, options) => patchObject(kind, true, name, patch, options),
    apply: (object, options) =>
      patchObject(
        kind,
        false,
        nameOf(object),
        { type: 'apply', body: object, force: options?.force ?? false },
        { ...options, namespace: ns(kind, options, object) },
      ),
    delete: (name, options) => deleteObject(kind, name, options),
    watch: (options = {}) =>
      watchResource(ctx.config, descriptor as unknown as ResourceDescriptor<T>, options, {
        beforeConnect: () => ctx.limiter.take(),
        timeoutMs: watchTimeout(ctx.watchTimeoutMs, options.timeoutSeconds),
        userAgent: ctx.userAgent,
        report: ctx.report,
      }),
  };
}

/** One kind, as the verbs address it. */
interface Kind<T extends KubeObject, I extends KubeObject> {
  readonly ctx: ClientContext;
  /** The API the verbs call (`ctx.api`). */
  readonly api: CustomObjectsApi;
  readonly descriptor: ResourceDescriptor<T, I>;
  /** The path parameters every call shares. */
  readonly base: { readonly group: string; readonly version: string; readonly plural: string };
  readonly namespaced: boolean;
}

/** The namespace a call addresses: the option's, else the object's, else the client's default. */
function ns(kind: Kind<KubeObject, KubeObject>, options?: ObjectOptions, object?: KubeObject): string {
  return options?.namespace ?? object?.metadata?.namespace ?? kind.ctx.defaultNamespace;
}

/** Sends one call through the rate limiter and the retry policy. */
function run<R>(ctx: ClientContext, call: () => Promise<unknown>, idempotency: Idempotency): ResultAsync<R, KubeError> {
  return send(call, idempotency, ctx.limiter, ctx.retry) as ResultAsync<R, KubeError>;
}

const nameOf = (object: KubeObject) => object.metadata?.name ?? '';

/** The field manager and validation of a write: the call's, else the client's. */
function writer(ctx: ClientContext, options?: WriteOptions) {
  return { fieldManager: options?.fieldManager ?? ctx.fieldManager, fieldValidation: options?.fieldValidation ?? ctx.fieldValidation };
}

function getObject<T extends KubeObject, I extends KubeObject>(kind: Kind<T, I>, name: string, options?: ObjectOptions): ResultAsync<Persisted<T>, KubeError> {
  const { api, base } = kind;
  return run<Persisted<T>>(
    kind.ctx,
    () => (kind.namespaced ? api.getNamespacedCustomObject({ ...base, namespace: ns(kind, options), name }) : api.getClusterCustomObject({ ...base, name })),
    'idempotent',
  );
}

function listPage<T extends KubeObject, I extends KubeObject>(
  kind: Kind<T, I>,
  options: ListOptions,
  token: string | undefined,
): ResultAsync<ObjectList<T>, KubeError> {
  const { api, base } = kind;
  const query = {
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
    limit: options.limit ?? 500,
    _continue: token,
    resourceVersion: token === undefined ? options.resourceVersion : undefined,
  };
  const headers = options.metadataOnly ? setHeaderOptions('Accept', metadataAccept('PartialObjectMetadataList')) : undefined;
  // an empty PartialObjectMetadataList has `items: null` on a real server
  return run<{ items: Persisted<T>[] | null; metadata?: { resourceVersion?: string; continue?: string } }>(
    kind.ctx,
    () =>
      !kind.namespaced
        ? api.listClusterCustomObject({ ...base, ...query }, headers)
        : options.namespace === undefined
          ? api.listCustomObjectForAllNamespaces({ group: base.group, version: base.version, resourcePlural: base.plural, ...query }, headers)
          : api.listNamespacedCustomObject({ ...base, namespace: options.namespace, ...query }, headers),
    'idempotent',
  ).map((list) => ({
    items: (list.items ?? []).map((item) => (options.metadataOnly ? asMetadata(kind.descriptor, item) : withKind(kind.descriptor, item))),
    resourceVersion: list.metadata?.resourceVersion ?? '',
    ...(list.metadata?.continue ? { continue: list.metadata.continue } : {}),
  }));
}

function createObject<T extends KubeObject, I extends KubeObject>(kind: Kind<T, I>, object: I, options?: WriteOptions): ResultAsync<Persisted<T>, KubeError> {
  const { api, base } = kind;
  return run<Persisted<T>>(
    kind.ctx,
    () => {
      const request = { ...base, body: object, ...writer(kind.ctx, options) };
      return kind.namespaced ? api.createNamespacedCustomObject({ ...request, namespace: ns(kind, options, object) }) : api.createClusterCustomObject(request);
    },
    'once',
  );
}

/** PUT of the object or (`status`) its status subresource. */
function replaceObject<T extends KubeObject, I extends KubeObject>(
  kind: Kind<T, I>,
  status: boolean,
  object: I,
  options?: WriteOptions,
): ResultAsync<Persisted<T>, KubeError> {
  const { api, base } = kind;
  const request = { ...base, name: nameOf(object), body: object, ...writer(kind.ctx, options) };
  const idempotency: Idempotency = object.metadata?.resourceVersion ? 'idempotent' : 'once';
  return run<Persisted<T>>(
    kind.ctx,
    () => {
      if (!kind.namespaced) return status ? api.replaceClusterCustomObjectStatus(request) : api.replaceClusterCustomObject(request);
      const namespace = ns(kind, options, object);
      return status ? api.replaceNamespacedCustomObjectStatus({ ...request, namespace }) : api.replaceNamespacedCustomObject({ ...request, namespace });
    },
    idempotency,
  );
}

/** PATCH of the object or (`status`) its status subresource; merge patches and applies are retried, others not. */
function patchObject<T extends KubeObject, I extends KubeObject>(
  kind: Kind<T, I>,
  status: boolean,
  name: string,
  patch: Patch,
  options?: WriteOptions,
): ResultAsync<Persisted<T>, KubeError> {
  const { api, base } = kind;
  const body = patch.type === 'json' ? patch.ops : patch.body;
  const request = {
    ...base,
    name,
    body,
    ...writer(kind.ctx, options),
    ...(patch.type === 'apply' ? { force: patch.force ?? false } : {}),
  };
  const headers = setHeaderOptions('Content-Type', PATCH_CONTENT_TYPE[patch.type]);
  const idempotency: Idempotency = patch.type === 'merge' || patch.type === 'apply' ? 'idempotent' : 'once';
  return run<Persisted<T>>(
    kind.ctx,
    () => {
      if (!kind.namespaced) return status ? api.patchClusterCustomObjectStatus(request, headers) : api.patchClusterCustomObject(request, headers);
      const namespace = ns(kind, options, patch.type === 'json' ? undefined : (patch.body as KubeObject));
      return status
        ? api.patchNamespacedCustomObjectStatus({ ...request, namespace }, headers)
        : api.patchNamespacedCustomObject({ ...request, namespace }, headers);
    },
    idempotency,
  );
}

function deleteObject<T extends KubeObject, I extends KubeObject>(
  kind: Kind<T, I>,
  name: string,
  options?: DeleteOptions,
): ResultAsync<Persisted<T> | undefined, KubeError> {
  const { api, base } = kind;
  const body = {
    ...(options?.preconditions ? { preconditions: options.preconditions } : {}),
    ...(options?.propagationPolicy ? { propagationPolicy: options.propagationPolicy } : {}),
    ...(options?.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}),
  };
  const request = { ...base, name, body };
  return run<Persisted<T> | { kind: 'Status' }>(
    kind.ctx,
    () => (kind.namespaced ? api.deleteNamespacedCustomObject({ ...request, namespace: ns(kind, options) }) : api.deleteClusterCustomObject(request)),
    'idempotent',
  ).map((response) => (stillThere(response) ? (response as Persisted<T>) : undefined));
}

/**
 * The inactivity timeout of one watch: the client's explicit setting, else a minute past the end
 * the watch asked the server for (`timeoutSeconds`), else 11 minutes. Real servers send bookmarks
 * rarely; client-node's own 30 s default would drop every quiet watch twice a minute.
 */
function watchTimeout(explicitMs: number | undefined, timeoutSeconds: number | undefined): number {
  if (explicitMs !== undefined) return explicitMs;
  return timeoutSeconds === undefined ? 660_000 : (timeoutSeconds + 60) * 1000;
}

/** The server sets deletionTimestamp only when deletion is deferred (finalizers, graceful pods, namespaces). */
function stillThere(response: KubeObject | { kind: 'Status' }): boolean {
  return response.kind !== 'Status' && (response as KubeObject).metadata?.deletionTimestamp !== undefined;
}

type PageFn<T extends KubeObject> = (options: ListOptions, token: string | undefined) => ResultAsync<ObjectList<T>, KubeError>;

async function* pages<T extends KubeObject>(options: ListOptions, page: PageFn<T>): AsyncIterable<Result<ObjectList<T>, KubeError>> {
  let token: string | undefined;
  do {
    const step: { result: Result<ObjectList<T>, KubeError>; next: string | undefined } = await page(options, token).match(
      (list) => ({ result: ok(list), next: list.continue }),
      (error) => ({ result: err(error), next: undefined }), // a failed page ends the listing
    );
    yield step.result;
    token = step.next;
  } while (token !== undefined);
}

function collect<T extends KubeObject>(options: ListOptions, page: PageFn<T>): ResultAsync<ObjectList<T>, KubeError> {
  const all = async (): Promise<Result<ObjectList<T>, KubeError>> => {
    const items: Persisted<T>[] = [];
    let resourceVersion = '';
    for await (const result of pages(options, page)) {
      if (result.isErr()) return err(result.error);
      items.push(...result.value.items);
      resourceVersion = result.value.resourceVersion;
    }
    return ok({ items, resourceVersion });
  };
  return new ResultAsync(all());
}

/** List items carry no apiVersion/kind; put them back so every object is self-describing. */
function withKind<T extends KubeObject>(descriptor: { readonly apiVersion: string; readonly kind: string }, item: Persisted<T>): Persisted<T> {
  return item.kind === undefined ? { ...item, apiVersion: descriptor.apiVersion, kind: descriptor.kind } : item;
}

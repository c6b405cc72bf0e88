import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import type { ResultAsync } from 'neverthrow';
import { TokenBucket } from '../internal/token-bucket.js';
import type { KubeObject, ResourceDescriptor } from '../resource.js';
import { apiConfiguration, defaultKubeConfig } from './api.js';
import type { KubeError } from './errors.js';
import { RequestObservers, type KubeRequestObserver } from './request-observer.js';
import { send, type RetryOptions } from './request-policy.js';
import { resourceClient, type ClientContext, type FieldValidation, type ResourceClient } from './resource-client.js';

/** Options of {@link createKubeClient}. */
export interface KubeClientOptions {
  /** @default loaded from KUBECONFIG, ~/.kube/config or the in-cluster service account */
  readonly kubeConfig?: KubeConfig;
  /** Requests per second, client-wide; 0 disables the limit. @default 50 */
  readonly qps?: number;
  /** Requests allowed at once above `qps`. @default 100 */
  readonly burst?: number;
  /** @default { maxAttempts: 5, baseMs: 100, maxMs: 10_000, jitter: 0.5 } */
  readonly retry?: RetryOptions;
  /** Field manager of writes and server-side apply. @default 'kubeception' */
  readonly fieldManager?: string;
  /**
   * How writes treat fields the server's schema does not know. `Strict` (kubectl's default) refuses
   * such a write with 400 naming each field, instead of the server silently pruning it (a custom
   * resource's `spec.provider.aws` on a host whose CRD knows only `kvm` would otherwise be dropped
   * and the object run as something it does not say). @default 'Strict'
   */
  readonly fieldValidation?: FieldValidation;
  /**
   * A watch silent for this long (no event, no bookmark) is closed by the client. Real servers send
   * bookmarks rarely, so the default outlasts their cadence (client-node's own 30 s would drop every
   * quiet watch twice a minute). @default a minute past the watch's `timeoutSeconds`, else 660_000
   */
  readonly watchTimeoutMs?: number;
  /**
   * The `User-Agent` of every request: how the API server's audit log (and the fake's request log)
   * tells this client from others, e.g. `kvm-operator/0.1.0`. @default 'kubeception-sdk'
   */
  readonly userAgent?: string;
}

/** A Kubernetes client: one {@link ResourceClient} per kind, sharing rate limit and config. */
export interface KubeClient {
  /** The kubeconfig the client talks through. */
  readonly kubeConfig: KubeConfig;
  /** The namespace of the kubeconfig's current context, or `default`. */
  readonly defaultNamespace: string;
  /** The typed client of a kind; cached per descriptor. */
  resource<T extends KubeObject, I extends KubeObject = T>(descriptor: ResourceDescriptor<T, I>): ResourceClient<T, I>;
  /**
   * Evicts a pod through the eviction API (`POST .../pods/<name>/eviction`, a `policy/v1`
   * Eviction), as `kubectl drain` does: the server deletes the pod (gracefully) unless a
   * PodDisruptionBudget forbids it. A budget's refusal is `TooManyRequests` with the budget's
   * words in `status.details.causes`; it is not retried here (try again later), nor is anything else.
   */
  evict(name: string, options: EvictOptions): ResultAsync<void, KubeError>;
  /**
   * Tells `observer` of every HTTP request of this client from now on, watches included (method,
   * host, status code, duration, sizes: what client-go's `rest_client_*` metrics count; a manager
   * adds its metrics here). A client has no observer until one is added. Returns the removal.
   * Optional: a client that makes no HTTP requests (an in-process one) has nothing to tell.
   */
  observeRequests?(observer: KubeRequestObserver): () => void;
}

/** Options of {@link KubeClient.evict}. */
export interface EvictOptions {
  /** Namespace of the pod. */
  readonly namespace: string;
  /** The deletion's grace period; the pod's own `terminationGracePeriodSeconds` when unset. */
  readonly gracePeriodSeconds?: number;
}

/** The `policy/v1` Eviction that `evict(name, options)` posts for a pod. */
export function evictionFor(name: string, { namespace, gracePeriodSeconds }: EvictOptions) {
  return {
    apiVersion: 'policy/v1',
    kind: 'Eviction',
    metadata: { name, namespace },
    ...(gracePeriodSeconds === undefined ? {} : { deleteOptions: { gracePeriodSeconds } }),
  };
}

/**
 * Creates a client. Every call returns `ResultAsync<_, KubeError>`; reads and idempotent
 * writes are retried on 429, 5xx and transport errors (see `request-policy.ts`).
 *
 * @example
 * ```ts
 * import { ClusterResource } from '@kubeception/sdk';
 * import { createKubeClient, ignoreNotFound } from '@kubeception/sdk/kube';
 *
 * const kube = createKubeClient();
 * const cluster = await kube.resource(ClusterResource).get('demo', { namespace: 'default' }).orElse(ignoreNotFound);
 * ```
 */
export function createKubeClient(options: KubeClientOptions = {}): KubeClient {
  const kubeConfig = options.kubeConfig ?? defaultKubeConfig();
  const defaultNamespace = kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? 'default';
  const userAgent = options.userAgent ?? 'kubeception-sdk';
  const observers = new RequestObservers();
  const configuration = apiConfiguration(kubeConfig, userAgent, observers.report);
  const core = new CoreV1Api(configuration);
  const ctx: ClientContext = {
    api: new CustomObjectsApi(configuration),
    config: kubeConfig,
    limiter: new TokenBucket(options.qps ?? 50, options.burst ?? 100),
    retry: options.retry ?? {},
    fieldManager: options.fieldManager ?? 'kubeception',
    fieldValidation: options.fieldValidation ?? 'Strict',
    defaultNamespace,
    ...(options.watchTimeoutMs === undefined ? {} : { watchTimeoutMs: options.watchTimeoutMs }),
    userAgent,
    report: observers.report,
  };
  const clients = new WeakMap<ResourceDescriptor<KubeObject>, ResourceClient<KubeObject>>();
  return {
    kubeConfig,
    defaultNamespace,
    resource<T extends KubeObject, I extends KubeObject = T>(descriptor: ResourceDescriptor<T, I>): ResourceClient<T, I> {
      const key = descriptor as unknown as ResourceDescriptor<KubeObject>;
      let client = clients.get(key);
      if (client === undefined) {
        client = resourceClient(ctx, key);
        clients.set(key, client);
      }
      return client as unknown as ResourceClient<T, I>;
    },
    evict(name, options) {
      const body = evictionFor(name, options);
      return send(() => core.createNamespacedPodEviction({ name, namespace: options.namespace, body }), 'once', ctx.limiter, {
        ...ctx.retry,
        maxAttempts: 1,
      }).map(() => undefined);
    },
    observeRequests: (observer) => observers.add(observer),
  };
}

/**
 * `@kubeception/sdk/kube`: a typed Kubernetes client over `@kubernetes/client-node`. This is
 * the only module of the SDK that imports client-node.
 *
 * @example
 * ```ts
 * import { ClusterResource } from '@kubeception/sdk';
 * import { createKubeClient } from '@kubeception/sdk/kube';
 *
 * const clusters = createKubeClient().resource(ClusterResource);
 * const result = await clusters.list({ namespace: 'default', labelSelector: 'team=platform' });
 * result.match(
 *   (list) => list.items.forEach((c) => console.log(c.metadata.name, c.status?.phase)),
 *   (error) => console.error(error.kind, error.message),
 * );
 * ```
 * @packageDocumentation
 */
export { createKubeClient, evictionFor } from './client.js';
export type { EvictOptions, KubeClient, KubeClientOptions } from './client.js';
export { defaultKubeConfig, kubeConfigFromCertificate, kubeConfigFromFile } from './api.js';
export type { CertificateCredentials } from './api.js';
export { PATCH_CONTENT_TYPE } from './resource-client.js';
export type {
  DeleteOptions,
  FieldValidation,
  JsonPatchOperation,
  ListOptions,
  ObjectList,
  ObjectOptions,
  Patch,
  ResourceClient,
  WriteOptions,
} from './resource-client.js';
export { readByList } from './read-by-list.js';
export { collectionPath } from './watch.js';
export type { WatchEvent, WatchOptions } from './watch.js';
export { KubeErrorKind, ignoreNotFound, isConflict, isNotFound, statusToKubeError, toKubeError } from './errors.js';
export type { KubeError, KubeErrorBase, KubeStatus, StatusCause } from './errors.js';
export { retryable } from './request-policy.js';
export type { Idempotency, RetryOptions } from './request-policy.js';
export type { KubeRequest, KubeRequestObserver } from './request-observer.js';
export * from './builtins.js';

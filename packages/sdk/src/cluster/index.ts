/**
 * `@kubeception/sdk/cluster`: the Cluster layer, built on `./runtime` and `./kube` — the
 * provider-agnostic Cluster controller, the driver contract a provider (KVM, AWS, yours)
 * implements, `clusterPki`, the CertificateAuthority and Certificates a Cluster owns (SDK
 * objects, whichever PKI controllers issue them), and the guest kubeconfig Secret the controller
 * writes (`GuestKubeconfig`). The rules a driver follows are in
 * `contract.md` beside this file.
 *
 * @example
 * ```ts
 * import { clusterPki, createClusterController } from '@kubeception/sdk/cluster';
 * import { createManager } from '@kubeception/sdk/runtime';
 * import { createKvmDriver } from '@kubeception/driver-kvm';
 *
 * const controller = createClusterController({ driver: createKvmDriver(kvmOptions), pki: clusterPki });
 * await createManager({ controllers: [controller], handleSignals: true }).start();
 * ```
 * @packageDocumentation
 */

// The provider-agnostic Cluster controller
export { createClusterController } from './cluster-controller.js';
export type { ClusterControllerError, ClusterControllerOptions, DesiredPki } from './cluster-controller.js';

// The PKI objects a Cluster owns (the default `pki` of the provider packages' operator factories)
export { clusterPki, componentCertificates } from './cluster-pki.js';
export type { ComponentCertificate } from './cluster-pki.js';

// The guest kubeconfig Secret the Cluster controller writes (Cluster API's `<cluster>-kubeconfig`)
export { GuestKubeconfig, guestKubeconfigSecret, guestKubeconfigSecretName, renderGuestKubeconfig } from './guest-kubeconfig.js';
export type { GuestKubeconfigInput } from './guest-kubeconfig.js';

// The driver contract
export { driverCondition } from './driver.js';
export type { ClusterDriver, DriverCondition, DriverConditionType, DriverContext, DriverError, DriverProgress, DriverWatch, Observed } from './driver.js';

/**
 * `@kubeception/sdk/cluster`: the Cluster layer, built on `./runtime` and `./kube` — the
 * provider-agnostic Cluster controller and the driver contract a provider (KVM, AWS, yours)
 * implements. The rules a driver follows are in `contract.md` beside this file.
 *
 * @example
 * ```ts
 * import { createClusterController } from '@kubeception/sdk/cluster';
 * import { createManager } from '@kubeception/sdk/runtime';
 * import { createKvmDriver } from '@kubeception/driver-kvm';
 * import { clusterPki } from '@kubeception/pki-vault';
 *
 * const controller = createClusterController({ driver: createKvmDriver(kvmOptions), pki: clusterPki });
 * await createManager({ controllers: [controller], handleSignals: true }).start();
 * ```
 * @packageDocumentation
 */

// The provider-agnostic Cluster controller
export { createClusterController } from './cluster-controller.js';
export type { ClusterControllerError, ClusterControllerOptions, DesiredPki } from './cluster-controller.js';

// The driver contract
export { driverCondition } from './driver.js';
export type { ClusterDriver, DriverCondition, DriverConditionType, DriverContext, DriverError, DriverProgress, DriverWatch, Observed } from './driver.js';

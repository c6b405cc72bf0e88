/**
 * `@kubeception/driver-kvm`: guest clusters as QEMU/KVM VMs in pods of the host cluster.
 *
 * This package provides the `spec.provider.kvm` schema, the pure rendering of a guest cluster's
 * host objects (namespace, RBAC, NetworkPolicy, boot ConfigMaps with Ignition, VM Deployments,
 * Services, Ingress, PodDisruptionBudgets, flannel), the allocation of each cluster's flannel
 * network and VNI from a host-wide pool (with its ConfigMap ledger), the flannel `NetworkStore`
 * (etcd v3, memory), the driver itself, {@link createKvmDriver}, for the SDK's
 * `createClusterController`, and the kvm-operator assembled from them, {@link createKvmOperator}
 * (or {@link kvmOperatorControllers} to run its controller in a manager with others). Everything it names on the host outside the Cluster's namespace (the
 * host namespace, flannel keys, ledger entries, host paths, bridge and tap devices) is named from
 * the Cluster's ID (the SDK's `clusterId`), never from its name alone.
 *
 * @example
 * ```ts
 * import { createClusterModel } from '@kubeception/sdk';
 * import { kvmCluster, provider, renderCluster } from '@kubeception/driver-kvm';
 * const cluster = createClusterModel({ providers: [provider] }).validate(obj)._unsafeUnwrap();
 * const rendered = renderCluster(kvmCluster(cluster, cluster.spec.provider.kvm!), {
 *   network: { network: '10.1.3.0/24', vni: 3 },
 *   flannel: { etcdEndpoints: ['https://flannel-etcd:2379'] },
 * });
 * // an error value when a user-written string cannot be written safely into a unit, script or flag
 * rendered.match(({ namespace, objects }) => console.log(namespace, objects.length), (e) => console.error(e.message));
 * ```
 * @packageDocumentation
 */
export { DEFAULT_GUEST_DISK, DEFAULT_LAUNCHER_IMAGE, MIN_VM_DISK, MIN_VM_MEMORY, kvmSpecSchema, provider } from './provider-spec.js';
export type { KvmSpec } from './provider-spec.js';

// Network allocation: the pure decision and its ledger (a ConfigMap written with optimistic concurrency)
export { DEFAULT_NETWORK_POOL } from './network/allocate.js';
export type { NetworkAllocation, NetworkAllocationError, NetworkPool, NetworkRequest } from './network/allocate.js';
export { NETWORK_LEDGER_NAME, createNetworkLedger, parseLedgerEntry } from './network/ledger.js';
export type { NetworkLedger, NetworkLedgerError, NetworkLedgerOptions } from './network/ledger.js';

// Flannel network store: the port the driver writes each cluster's flannel config through, in memory and on etcd v3
export { DEFAULT_NETWORK_STORE_ROOT, NetworkStoreErrorKind } from './network/store.js';
export type { NetworkStore, NetworkStoreError, RawEntry, RawKeyAccess } from './network/store.js';
export { createMemoryNetworkStore } from './network/memory-store.js';
export type { MemoryNetworkStore, MemoryNetworkStoreOptions } from './network/memory-store.js';
export { createEtcdNetworkStore } from './network/etcd-store.js';
export type { EtcdNetworkStoreOptions } from './network/etcd-store.js';

// Rendering (pure)
export {
  DEFAULT_INGRESS_NAMESPACE,
  KvmAnnotation,
  KvmComponent,
  KvmLabel,
  LauncherEnv,
  LauncherPath,
  MANAGED_BY,
  ObjectName,
  DEFAULT_CLUSTER_NAMESPACE,
  quoting,
  flannelEtcdPrefix,
  kvmCluster,
  kvmClusterIdentity,
  nodeList,
  renderCluster,
  renderVmDeployment,
  CURRENT_HOST_API_VERSIONS,
  HOST_API_CANDIDATES,
} from './render/index.js';
export type {
  FlannelDaemonSetOptions,
  FlannelNetwork,
  FlannelNetworkConfig,
  HostApiVersions,
  KvmCluster,
  KvmClusterIdentity,
  Quoting,
  RenderedCluster,
  RenderInputs,
  Unrenderable,
  VmEndpoint,
  VmNode,
} from './render/index.js';

// The driver (I/O): plug into the SDK's createClusterController
export { createKvmDriver } from './driver/driver.js';
export type { KvmDriverOptions, KvmObservation } from './driver/driver.js';
export { discoverHostApiVersions } from './driver/host-api-discovery.js';
export { hostKinds } from './driver/host.js';
export type { HostApiVersionsError } from './driver/host-api-discovery.js';
export type { HostPolicy } from './driver/host-policy.js';
export type { EndpointSlice } from './render/objects.js';
export type { IgnitionConfig, IgnitionFile } from './render/ignition.js';
export type { IgnitionUnit } from './render/guest-units.js';
export { adminCertificateConnector, guestNodes } from './driver/guest.js';
export type { AdminConnectorOptions, GuestConnector, GuestNode, GuestTarget, GuestView } from './driver/guest.js';
export { planCluster } from './driver/plan.js';
export type { Plan } from './driver/plan.js';
export type { KvmWorld, VmPod } from './driver/world.js';

// The kvm-operator: its controllers (to merge into another manager) and the operator itself
export { KVM_OPERATOR, createKvmOperator, kvmOperatorControllers } from './operator.js';
export type { KvmOperatorControllersOptions, KvmOperatorOptions } from './operator.js';

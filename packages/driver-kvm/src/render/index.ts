/**
 * Pure rendering of a KVM guest cluster's host objects (DESIGN.md §4): no I/O, deterministic,
 * snapshot-tested. The driver applies what {@link renderCluster} returns.
 *
 * @packageDocumentation
 */

// Entry point
export { DEFAULT_INGRESS_NAMESPACE, renderCluster } from './render-cluster.js';
export type { RenderedCluster, RenderInputs } from './render-cluster.js';
export { clusterOwner, DEFAULT_CLUSTER_NAMESPACE, kvmCluster, kvmClusterIdentity } from './cluster.js';
export type { KvmCluster, KvmClusterIdentity } from './cluster.js';

// Names, labels, nodes
export {
  bridgeName,
  clusterLabels,
  clusterSelector,
  flannelRunHostDir,
  KvmAnnotation,
  KvmComponent,
  KvmLabel,
  MANAGED_BY,
  MAX_INTERFACE_NAME,
  macAddress,
  nodeLabels,
  ObjectName,
  tapName,
} from './names.js';
export { masterNodes, nodeList, poolPath } from './nodes.js';
export type { VmNode } from './nodes.js';

// Quoting of user-written values for units, scripts and flags
export { controlCharacter, isDnsLabel, isLabelKey, isLabelValue, quoting } from './quote.js';
export type { Quoting, Unrenderable } from './quote.js';

// Individual renderers
export { NAMESPACE_NAME_LABEL, renderNamespace, renderNetworkPolicy } from './namespace.js';
export { renderRole, renderRoleBinding, renderServiceAccount } from './rbac.js';
export { bootConfigHash, bootConfigMapName, bootConfigText, renderBootConfigMap } from './boot-config.js';
export { dataUrl, IGNITION_VERSION, renderIgnition } from './ignition.js';
export type { IgnitionConfig, IgnitionFile } from './ignition.js';
export type { IgnitionUnit } from './guest-units.js';
export { ETCD_VERSION, GuestPath } from './guest-files.js';
export { ANTI_AFFINITY_TOPOLOGY_KEY, renderVmDeployment, vmDeploymentSelector, vmPodSelector } from './vm-deployment.js';
export { LAUNCHER_CONTAINER, launcherEnv, VmVolume } from './vm-container.js';
export { canonical, toMib, vmSizes } from './vm-resources.js';
export type { VmResources, VmSizes } from './vm-resources.js';
export { certificatePaths, CERTIFICATES_VOLUME, componentsFor, MASTER_COMPONENTS, secretName, WORKER_COMPONENTS } from './certificates.js';
export type { CertificatePaths } from './certificates.js';
export { DEFAULT_ETCD_HOST_PATH, ETCD_VOLUME, etcdClaimName, etcdVolume, renderEtcdClaim } from './etcd-storage.js';
export { ENDPOINT_SLICE_MANAGER, masterPorts, renderEndpointSlice, renderService, renderServices, workerPorts } from './services.js';
export type { ServicePort, VmEndpoint, VmServiceName } from './services.js';
export { renderApiIngress, SSL_PASSTHROUGH_ANNOTATION } from './ingress.js';
export { disruptionBudgetName, MAX_UNAVAILABLE_PER_POOL, renderDisruptionBudgets } from './disruption-budgets.js';
export { CURRENT_HOST_API_VERSIONS, HOST_API_CANDIDATES } from './host-api-versions.js';
export type { HostApiVersions } from './host-api-versions.js';
export {
  BRIDGE_CLEANUP_DAEMONSET,
  FLANNEL_IMAGE,
  flannelEtcdPrefix,
  flannelNetworkConfig,
  renderBridgeCleanupDaemonSet,
  renderFlannelDaemonSet,
} from './flannel.js';
export type { BridgeCleanupOptions, FlannelDaemonSetOptions, FlannelNetwork, FlannelNetworkConfig } from './flannel.js';

// The launcher contract
export {
  BOOT_CONFIG_KEY,
  CERTIFICATE_MOUNT_TAG,
  ETCD_MOUNT_TAG,
  IGNITION_FW_CFG_NAME,
  LAUNCHER_PORT_BASE,
  LAUNCHER_PORT_RANGE,
  LauncherEnv,
  LauncherPath,
  launcherHealthPort,
  QEMU_CPU_OVERHEAD,
  QEMU_MEMORY_OVERHEAD_MIB,
  VM_TERMINATION_GRACE_SECONDS,
} from './launcher.js';

// Object types
export type {
  ConfigMap,
  DaemonSet,
  Deployment,
  EndpointSlice,
  Ingress,
  Namespace,
  NetworkPolicy,
  PersistentVolumeClaim,
  PodDisruptionBudget,
  Role,
  RoleBinding,
  Service,
  ServiceAccount,
} from './objects.js';

/**
 * `@kubeception/driver-kvm`: guest clusters as QEMU/KVM VMs in pods of the host cluster.
 *
 * So far this package provides the `spec.provider.kvm` schema; the driver (VM pods,
 * flannel networking) lands with its issue.
 *
 * @example
 * ```ts
 * import { createClusterModel } from '@kubeception/sdk';
 * import { provider } from '@kubeception/driver-kvm';
 * const clusters = createClusterModel({ providers: [provider] });
 * ```
 * @packageDocumentation
 */
export { DEFAULT_GUEST_DISK, DEFAULT_LAUNCHER_IMAGE, MIN_VM_DISK, MIN_VM_MEMORY, kvmSpecSchema, provider } from './provider-spec.js';
export type { KvmSpec } from './provider-spec.js';

/** A VM pod's compute resources: the VM's size plus QEMU's overhead, requests equal to limits (Guaranteed QoS). */
import { canonicalQuantity, parseQuantity, type CanonicalQuantityOptions } from '@kubeception/sdk';
import { QEMU_CPU_OVERHEAD, QEMU_MEMORY_OVERHEAD_MIB } from './launcher.js';
import type { VmNode } from './nodes.js';

const MIB = 2 ** 20;

/** A quantity in whole MiB, rounded up. Throws on an invalid quantity (validated before rendering). */
export function toMib(quantity: string): number {
  const bytes = parseQuantity(quantity);
  if (bytes === undefined) throw new Error(`invalid quantity ${quantity}`);
  return Math.ceil(bytes / MIB);
}

/**
 * A quantity as the API server stores it (`20480Mi` → `20Gi`): rendered objects are compared with
 * what the server returns, so a quantity rendered in another spelling never matches and the object
 * is re-applied on every pass. Throws on an invalid quantity (validated before rendering).
 */
export function canonical(quantity: string, options: CanonicalQuantityOptions = {}): string {
  const text = canonicalQuantity(quantity, options);
  if (text === undefined) throw new Error(`invalid quantity ${quantity}`);
  return text;
}

/** Requests and limits of a VM pod. */
export interface VmResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** `cpus + QEMU_CPU_OVERHEAD` cores and `memory + QEMU_MEMORY_OVERHEAD_MIB` MiB, as both requests and limits. */
export function vmResources(node: Pick<VmNode, 'cpus' | 'memory'>): VmResources {
  const size = {
    cpu: canonical(String(node.cpus + QEMU_CPU_OVERHEAD), { resourceList: true }),
    memory: canonical(`${toMib(node.memory) + QEMU_MEMORY_OVERHEAD_MIB}Mi`, { resourceList: true }),
  };
  return { requests: { ...size }, limits: { ...size } };
}

/** A VM pod's compute resources: the VM's size plus QEMU's overhead, requests equal to limits (Guaranteed QoS). */
import { parseQuantity } from '@kubeception/sdk';
import { QEMU_CPU_OVERHEAD, QEMU_MEMORY_OVERHEAD_MIB } from './launcher.js';
import type { VmNode } from './nodes.js';

const MIB = 2 ** 20;

/** A quantity in whole MiB, rounded up. Throws on an invalid quantity (validated before rendering). */
export function toMib(quantity: string): number {
  const bytes = parseQuantity(quantity);
  if (bytes === undefined) throw new Error(`invalid quantity ${quantity}`);
  return Math.ceil(bytes / MIB);
}

/** Requests and limits of a VM pod. */
export interface VmResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** `cpus + QEMU_CPU_OVERHEAD` cores and `memory + QEMU_MEMORY_OVERHEAD_MIB` MiB, as both requests and limits. */
export function vmResources(node: Pick<VmNode, 'cpus' | 'memory'>): VmResources {
  const size = { cpu: String(node.cpus + QEMU_CPU_OVERHEAD), memory: `${toMib(node.memory) + QEMU_MEMORY_OVERHEAD_MIB}Mi` };
  return { requests: { ...size }, limits: { ...size } };
}

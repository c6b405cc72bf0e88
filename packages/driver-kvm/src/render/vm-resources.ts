/**
 * A VM pod's sizes: the VM's memory and disk in whole MiB (the launcher's environment), and its
 * compute resources, the VM's size plus QEMU's overhead, requests equal to limits (Guaranteed QoS).
 * A size that cannot be written as a plain MiB count or a Kubernetes quantity (`1e30` bytes is a
 * valid quantity, but its MiB count is no integer JavaScript prints without an exponent) is an
 * {@link Unrenderable} error value, never an exception.
 */
import { canonicalQuantity, parseQuantity, type CanonicalQuantityOptions } from '@kubeception/sdk';
import { err, ok, Result } from 'neverthrow';
import { QEMU_CPU_OVERHEAD, QEMU_MEMORY_OVERHEAD_MIB } from './launcher.js';
import type { VmNode } from './nodes.js';
import type { Unrenderable } from './quote.js';

const MIB = 2 ** 20;

const unrenderable = (field: string, problem: string): Unrenderable => ({ kind: 'Unrenderable', field, message: `${field}: ${problem}` });

/**
 * `quantity` in whole MiB, rounded up; an error when it is no quantity or its MiB count is no
 * safe integer (it would print in exponent notation, or inexactly).
 */
export function toMib(quantity: string, field: string): Result<number, Unrenderable> {
  const bytes = parseQuantity(quantity);
  if (bytes === undefined) return err(unrenderable(field, `${JSON.stringify(quantity)} is not a Kubernetes quantity`));
  const mib = Math.ceil(bytes / MIB);
  return Number.isSafeInteger(mib) ? ok(mib) : err(unrenderable(field, `${quantity} is too large to render as a count of MiB`));
}

/**
 * A quantity as the API server stores it (`20480Mi` → `20Gi`): rendered objects are compared with
 * what the server returns, so a quantity rendered in another spelling never matches and the object
 * is re-applied on every pass. An error when the API server would refuse it.
 */
export function canonical(quantity: string, field: string, options: CanonicalQuantityOptions = {}): Result<string, Unrenderable> {
  const text = canonicalQuantity(quantity, options);
  return text === undefined ? err(unrenderable(field, `${quantity} is not a quantity the API server accepts`)) : ok(text);
}

/** Requests and limits of a VM pod. */
export interface VmResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** A VM's sizes as its pod is rendered with them. */
export interface VmSizes {
  /** Guest memory in MiB. */
  readonly memoryMib: number;
  /** Root disk in MiB. */
  readonly diskMib: number;
  /** The root disk's `emptyDir.sizeLimit`. */
  readonly diskLimit: string;
  /** `cpus + QEMU_CPU_OVERHEAD` cores and `memory + QEMU_MEMORY_OVERHEAD_MIB` MiB, as both requests and limits. */
  readonly resources: VmResources;
}

/** The sizes of `node`, whose machine spec is at `path` (`spec.masters`, `spec.workers[0]`). */
export function vmSizes(node: Pick<VmNode, 'cpus' | 'memory' | 'disk'>, path: string): Result<VmSizes, Unrenderable> {
  return Result.combine([toMib(node.memory, `${path}.memory`), toMib(node.disk, `${path}.disk`)]).andThen(([memoryMib, diskMib]) =>
    Result.combine([
      canonical(`${diskMib}Mi`, `${path}.disk`),
      canonical(String(node.cpus + QEMU_CPU_OVERHEAD), `${path}.cpus`, { resourceList: true }),
      canonical(`${memoryMib + QEMU_MEMORY_OVERHEAD_MIB}Mi`, `${path}.memory`, { resourceList: true }),
    ]).map(([diskLimit, cpu, memory]) => ({ memoryMib, diskMib, diskLimit, resources: { requests: { cpu, memory }, limits: { cpu, memory } } })),
  );
}

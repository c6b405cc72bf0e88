/**
 * Namespaces beyond plain storage (internal): the namespace strategy's update rules and
 * validation (pkg/registry/core/namespace/strategy.go, ValidateNamespace*). The namespace
 * controller that empties a Terminating namespace is in ./namespace-controller.ts.
 */
import { qualifiedNameErrors } from './name-formats.js';
import { goQuote } from './status.js';
import { clone, isObject, type KubeObject, type StatusCause } from './types.js';

export const NAMESPACES = '/namespaces';
/** `kubernetes`, and the finalizers of garbage collection: the only names without a `/`. */
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

export const finalizersOf = (ns: KubeObject): string[] =>
  isObject(ns.spec) && Array.isArray(ns.spec.finalizers) ? ns.spec.finalizers.filter((f): f is string => typeof f === 'string') : [];

/** A main-resource update of a namespace keeps its spec (finalizers change through `/finalize` only); its status is kept as for any kind with a status subresource. */
export function keepNamespaceSpec(old: KubeObject, next: KubeObject): void {
  if (old.spec === undefined) delete next.spec;
  else next.spec = clone(old.spec);
}

/**
 * Validation of a namespace write: `spec.finalizers` are qualified names (standard ones may go
 * without a `/`), and the phase follows `deletionTimestamp` (`Active` without it, `Terminating` with it).
 */
export function namespaceErrors(ns: KubeObject): StatusCause[] {
  const errs: StatusCause[] = [];
  finalizersOf(ns).forEach((f, i) => {
    const field = `spec.finalizers[${i}]`;
    for (const m of qualifiedNameErrors(f)) errs.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${goQuote(f)}: ${m}` });
    if (!f.includes('/') && !STANDARD_FINALIZERS.has(f))
      errs.push({
        reason: 'FieldValueInvalid',
        field,
        message: `Invalid value: ${goQuote(f)}: name is neither a standard finalizer name nor is it fully qualified`,
      });
  });
  const phase = String((isObject(ns.status) ? ns.status.phase : undefined) ?? 'Active');
  const deleting = ns.metadata.deletionTimestamp !== undefined;
  if (!deleting && phase !== 'Active')
    errs.push({
      reason: 'FieldValueInvalid',
      field: 'status.Phase',
      message: `Invalid value: ${goQuote(phase)}: may only be 'Active' if \`deletionTimestamp\` is empty`,
    });
  if (deleting && phase !== 'Terminating')
    errs.push({
      reason: 'FieldValueInvalid',
      field: 'status.Phase',
      message: `Invalid value: ${goQuote(phase)}: may only be in terminating phase if \`deletionTimestamp\` is set`,
    });
  return errs;
}

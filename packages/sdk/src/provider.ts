import type { z } from 'zod';
import type { FieldIssue } from './validation.js';

/**
 * A provider sub-spec of `Cluster.spec.provider`, contributed by a driver package
 * (`kvm` by `@kubeception/driver-kvm`, `aws` by `@kubeception/driver-aws`).
 *
 * The SDK puts `specSchema` under `spec.provider.<name>` in the Cluster schema, validator
 * and CRD, and enforces that exactly one provider is set.
 */
export interface ProviderDefinition<Name extends string = string, Spec extends z.ZodType = z.ZodType> {
  /** Key under `spec.provider`, a lower-case word. */
  readonly name: Name;
  /** Schema of the provider's sub-spec. */
  readonly specSchema: Spec;
  /**
   * Cross-field checks that need the rest of the Cluster (for example a minimum VM size).
   * Runs after the schema passed. Paths are from the object root (`spec.masters.memory`).
   */
  readonly check?: (spec: z.output<Spec>, cluster: ProviderCheckInput) => readonly FieldIssue[];
}

/** What a provider's `check` sees of the Cluster: its parsed spec, minus the provider part. */
export interface ProviderCheckInput {
  /** `metadata.name` of the Cluster. */
  readonly name: string;
  /** The Cluster's parsed spec; `masters` and `workers` are typed for size checks. */
  readonly spec: Readonly<Record<string, unknown>> & {
    readonly masters: { readonly replicas: number; readonly cpus: number; readonly memory: string; readonly disk: string };
    readonly workers: readonly { readonly name: string; readonly replicas: number; readonly cpus: number; readonly memory: string; readonly disk: string }[];
  };
}

/**
 * Declares a provider sub-spec.
 *
 * @example
 * ```ts
 * export const provider = defineProvider({ name: 'kvm', specSchema: z.strictObject({ image: z.string() }) });
 * const model = createClusterModel({ providers: [provider] });
 * ```
 */
export function defineProvider<const Name extends string, Spec extends z.ZodType>(definition: ProviderDefinition<Name, Spec>): ProviderDefinition<Name, Spec> {
  if (!/^[a-z][a-z0-9]*$/.test(definition.name)) {
    throw new Error(`provider name ${JSON.stringify(definition.name)} must be a lower-case word`);
  }
  return definition;
}

/** The `spec.provider` type for a list of providers: each key optional, exactly one set at run time. */
export type ProviderSpecs<Ps extends readonly ProviderDefinition[]> = {
  [P in Ps[number] as P['name']]?: z.output<P['specSchema']>;
};

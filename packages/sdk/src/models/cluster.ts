import type { Result } from 'neverthrow';
import { z } from 'zod';
import { conditionColumn, customResourceDefinition, type CustomResourceDefinition } from '../crd.js';
import type { ProviderDefinition, ProviderSpecs, ProviderCheckInput } from '../provider.js';
import { defineResource, type ObjectMeta, type ResourceDescriptor } from '../resource.js';
import type { FieldIssue, ValidationError } from '../validation.js';
import { type API_VERSION, CATEGORY, ConditionType, GROUP, VERSION } from '../vocabulary.js';
import { checkCluster } from './cluster-checks.js';
import { clusterMetadataSchema, clusterSpecSchema, clusterStatusSchema, MAX_CLUSTER_NAME_LENGTH } from './cluster-spec.js';
import { validateObject } from './validate.js';

type OpenProvider = Record<string, Record<string, unknown>>;
type SpecOf<P> = Omit<z.output<ReturnType<typeof clusterSpecSchema<z.ZodType<P>>>>, 'provider'> & { provider: P };
type SpecInputOf<P> = Omit<z.input<ReturnType<typeof clusterSpecSchema<z.ZodType<P>>>>, 'provider'> & { provider: P };

/** A guest cluster as the operators see it (defaults applied). `P` is the `spec.provider` type. */
export interface Cluster<P = OpenProvider> {
  apiVersion: typeof API_VERSION;
  kind: 'Cluster';
  metadata: ObjectMeta;
  spec: SpecOf<P>;
  status?: ClusterStatus;
}

/** A Cluster as a user may write it: fields with defaults are optional. */
export interface ClusterInput<P = OpenProvider> {
  apiVersion: typeof API_VERSION;
  kind: 'Cluster';
  metadata: ObjectMeta;
  spec: SpecInputOf<P>;
  status?: ClusterStatus;
}

export type ClusterSpec<P = OpenProvider> = SpecOf<P>;
export type ClusterStatus = z.output<typeof clusterStatusSchema>;

/** The Cluster kind for a given set of providers: its descriptor, validator and CRD. */
export interface ClusterModel<P = OpenProvider> {
  readonly resource: ResourceDescriptor<Cluster<P>, ClusterInput<P>>;
  readonly providers: readonly ProviderDefinition[];
  /** Checks a Cluster and applies defaults; every problem is listed with its field path. */
  validate(input: unknown): Result<Cluster<P>, ValidationError>;
  /** The CustomResourceDefinition for this set of providers. */
  crd(): CustomResourceDefinition;
}

const RESOURCE = { group: GROUP, version: VERSION, kind: 'Cluster', plural: 'clusters', shortNames: ['kc'], categories: [CATEGORY] } as const;

/**
 * Builds the Cluster kind for a set of providers. With no providers, `spec.provider` is an
 * open map (kept as-is by the API server) that must still hold exactly one key.
 *
 * @example
 * ```ts
 * import { provider as kvm } from '@kubeception/driver-kvm';
 * const clusters = createClusterModel({ providers: [kvm] });
 * const result = clusters.validate(yaml.parse(text));
 * ```
 */
export function createClusterModel<const Ps extends readonly ProviderDefinition[]>(options: {
  readonly providers: Ps;
}): ClusterModel<Ps extends readonly [] ? OpenProvider : ProviderSpecs<Ps>> {
  const { providers } = options;
  const names = providers.map((p) => p.name);
  if (new Set(names).size !== names.length) throw new Error(`duplicate provider names: ${names.join(', ')}`);
  const spec = clusterSpecSchema(providerSchema(providers));
  const resource = defineResource({ ...RESOURCE, metadata: clusterMetadataSchema as z.ZodType<ObjectMeta>, spec, status: clusterStatusSchema });
  const check = (cluster: Cluster) => [...checkCluster(cluster), ...checkProvider(providers, cluster)];
  return {
    resource: resource as never,
    providers,
    validate: (input) => validateObject('Cluster', resource.schema as z.ZodType<Cluster>, input, check) as never,
    crd: () =>
      customResourceDefinition(resource, {
        printerColumns: [
          { name: 'Provider', type: 'string', jsonPath: '.status.provider' },
          { name: 'Version', type: 'string', jsonPath: '.spec.kubernetes.version' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
          { name: 'Ready', type: 'string', jsonPath: conditionColumn(ConditionType.Ready) },
        ],
        validations: [
          {
            rule: `!has(self.metadata.name) || self.metadata.name.size() <= ${MAX_CLUSTER_NAME_LENGTH}`,
            message: `cluster name must be at most ${MAX_CLUSTER_NAME_LENGTH} characters`,
          },
        ],
      }),
  };
}

function providerSchema(providers: readonly ProviderDefinition[]) {
  const known = providers.map((p) => p.name);
  const expected = known.length ? known.join(' or ') : 'for example kvm or aws';
  const exactlyOne = z.refine((value: unknown) => definedKeys(value).length === 1, {
    error: (issue) => {
      const set = definedKeys(issue.input);
      return set.length === 0 ? `exactly one provider must be set (${expected}); none is` : `exactly one provider must be set; got ${set.join(' and ')}`;
    },
  });
  const description = 'The infrastructure provider: exactly one key.';
  if (providers.length === 0) {
    return z
      .record(z.string().regex(/^[a-z][a-z0-9]*$/), z.record(z.string(), z.unknown()))
      .check(exactlyOne)
      .meta({ description, 'x-kubernetes-validations': [{ rule: 'self.size() == 1', message: 'exactly one provider must be set' }] });
  }
  const shape = Object.fromEntries(providers.map((p) => [p.name, p.specSchema.optional()]));
  const count = known.map((name) => `(has(self.${name}) ? 1 : 0)`).join(' + ');
  return z
    .strictObject(shape)
    .check(exactlyOne)
    .meta({ description, 'x-kubernetes-validations': [{ rule: `${count} == 1`, message: `exactly one provider must be set (${expected})` }] });
}

function checkProvider(providers: readonly ProviderDefinition[], cluster: Cluster): FieldIssue[] {
  const input: ProviderCheckInput = { name: cluster.metadata.name ?? '', spec: cluster.spec };
  return providers.flatMap((p) => {
    const spec = cluster.spec.provider[p.name];
    return spec === undefined || p.check === undefined ? [] : [...p.check(spec, input)];
  });
}

const open = createClusterModel({ providers: [] });

/** The Cluster descriptor with an open provider map (for clients that do not validate providers). */
export const ClusterResource = open.resource;

/** Options of {@link validateCluster}. */
export interface ValidateClusterOptions {
  /** Providers whose sub-specs to validate. @default [] (any single provider key is accepted) */
  readonly providers?: readonly ProviderDefinition[];
}

const models = new WeakMap<readonly ProviderDefinition[], ClusterModel>();

/**
 * Validates a Cluster and applies its defaults. Returns every problem with its field path.
 *
 * @example
 * ```ts
 * const result = validateCluster(obj, { providers: [kvm] });
 * if (result.isErr()) console.error(result.error.message); // spec.workers[1].memory: must be a Kubernetes quantity …
 * ```
 */
export function validateCluster(input: unknown, options: ValidateClusterOptions = {}): Result<Cluster, ValidationError> {
  const providers = options.providers ?? [];
  if (providers.length === 0) return open.validate(input);
  let model = models.get(providers);
  if (model === undefined) {
    model = createClusterModel({ providers }) as ClusterModel;
    models.set(providers, model);
  }
  return model.validate(input);
}

function definedKeys(value: unknown): string[] {
  const record = value as Record<string, unknown>;
  return Object.keys(record).filter((key) => record[key] !== undefined);
}

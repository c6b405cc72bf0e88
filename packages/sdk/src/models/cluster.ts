import type { Result } from 'neverthrow';
import { z } from 'zod';
import { conditionColumn, customResourceDefinition, type CustomResourceDefinition } from '../crd.js';
import type { ProviderDefinition, ProviderSpecs, ProviderCheckInput } from '../provider.js';
import { defineResource, type ObjectMeta, type ResourceDescriptor } from '../resource.js';
import type { FieldIssue, ValidationError } from '../validation.js';
import { type API_VERSION, CATEGORY, ConditionType, GROUP, VERSION } from '../vocabulary.js';
import { checkCluster } from './cluster-checks.js';
import type { TransitionRule } from '../schema/transitions.js';
import { clusterMetadataSchema, clusterSpecSchema, clusterStatusSchema, MAX_CLUSTER_NAME_LENGTH, type clusterSpecFields } from './cluster-spec.js';
import { validateObject } from './validate.js';
import { DNS1123_LABEL_PATTERN } from '../parse/names.js';

/**
 * The `spec.provider` type of a Cluster whose providers are not known in advance: provider name
 * → its settings. {@link ProviderSpecs} types it for a given list of providers.
 */
export type OpenProviderSpecs = Record<string, Record<string, unknown>>;

/** A guest cluster as the operators see it (defaults applied). `P` is the `spec.provider` type. */
export interface Cluster<P = OpenProviderSpecs> {
  /** Always `kubeception.io/v1alpha1` ({@link API_VERSION}). */
  apiVersion: typeof API_VERSION;
  /** Always `Cluster`. */
  kind: 'Cluster';
  /** Standard object metadata; the name must be a DNS-1123 label of at most {@link MAX_CLUSTER_NAME_LENGTH} characters. */
  metadata: ObjectMeta;
  /** Desired state, with defaults applied. */
  spec: ClusterSpec<P>;
  /** Observed state, written by the operators only. */
  status?: ClusterStatus;
}

/** A Cluster as a user may write it: fields with defaults are optional. */
export interface ClusterInput<P = OpenProviderSpecs> {
  /** Always `kubeception.io/v1alpha1` ({@link API_VERSION}). */
  apiVersion: typeof API_VERSION;
  /** Always `Cluster`. */
  kind: 'Cluster';
  /** Standard object metadata; the name must be a DNS-1123 label of at most {@link MAX_CLUSTER_NAME_LENGTH} characters. */
  metadata: ObjectMeta;
  /** Desired state; fields with defaults may be left out. */
  spec: ClusterSpecInput<P>;
  /** Observed state, written by the operators only. */
  status?: ClusterStatus;
}

/**
 * Desired state of a guest cluster (`Cluster.spec`), with defaults applied. `P` is the
 * `spec.provider` type: exactly one provider is set at run time.
 */
export type ClusterSpec<P = OpenProviderSpecs> = { provider: P } & SpecFields;

/** `Cluster.spec` as a user may write it: fields with defaults are optional. */
export type ClusterSpecInput<P = OpenProviderSpecs> = { provider: P } & SpecFieldsInput;

/**
 * The fields of `Cluster.spec` besides `provider`, with defaults applied.
 * @inline
 */
type SpecFields = z.output<z.ZodObject<typeof clusterSpecFields>>;

/**
 * The fields of `Cluster.spec` besides `provider`, as a user writes them.
 * @inline
 */
type SpecFieldsInput = z.input<z.ZodObject<typeof clusterSpecFields>>;

/**
 * Observed state of a guest cluster (`Cluster.status`), written by the operators only.
 * @useDeclaredType
 */
export type ClusterStatus = z.output<typeof clusterStatusSchema>;

/** The Cluster kind for a given set of providers: its descriptor, validator and CRD. */
export interface ClusterModel<P = OpenProviderSpecs> {
  /** Descriptor of the kind, for a `ResourceClient` or an informer. */
  readonly resource: ResourceDescriptor<Cluster<P>, ClusterInput<P>>;
  /** The providers whose sub-specs this model validates, as given to {@link createClusterModel}. */
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
}): ClusterModel<Ps extends readonly [] ? OpenProviderSpecs : ProviderSpecs<Ps>> {
  const { providers } = options;
  const names = providers.map((p) => p.name);
  if (new Set(names).size !== names.length) throw new Error(`duplicate provider names: ${names.join(', ')}`);
  const spec = clusterSpecSchema(providerSchema(providers), [providerFixed(providers)]);
  const resource = defineResource({ ...RESOURCE, metadata: clusterMetadataSchema as z.ZodType<ObjectMeta>, spec, status: clusterStatusSchema });
  const check = (cluster: Cluster) => [...checkCluster(cluster), ...checkProvider(providers, cluster)];
  // the schema is built at run time from `providers`: its static type is the conditional one of
  // the return type, which TypeScript cannot follow through zod; the two casts say so
  type Specs = Ps extends readonly [] ? OpenProviderSpecs : ProviderSpecs<Ps>;
  return {
    resource: resource as unknown as ResourceDescriptor<Cluster<Specs>, ClusterInput<Specs>>,
    providers,
    validate: (input) => validateObject('Cluster', resource.schema as z.ZodType<Cluster>, input, check).map((cluster) => cluster as Cluster<Specs>),
    crd: () =>
      customResourceDefinition(resource, {
        description: 'A guest Kubernetes cluster: where it runs, its control plane, worker pools, networks and certificate lifetimes.',
        printerColumns: [
          { name: 'Provider', type: 'string', jsonPath: '.status.provider', description: 'Provider the cluster runs on.' },
          { name: 'Version', type: 'string', jsonPath: '.spec.kubernetes.version', description: 'Kubernetes version of the guest cluster.' },
          { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'Lifecycle phase of the cluster.' },
          { name: 'Ready', type: 'string', jsonPath: conditionColumn(ConditionType.Ready), description: 'Status of the Ready condition.' },
        ],
        validations: [
          {
            rule: `!has(self.metadata.name) || self.metadata.name.size() <= ${MAX_CLUSTER_NAME_LENGTH}`,
            message: `cluster name must be at most ${MAX_CLUSTER_NAME_LENGTH} characters`,
          },
          {
            // The API server only requires a DNS-1123 subdomain; node and host names are built from the name.
            rule: `!has(self.metadata.name) || self.metadata.name.matches('${DNS1123_LABEL_PATTERN}')`,
            message: "cluster name must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
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
  const description = `Where the guest cluster runs: set exactly one provider (${expected}) to its settings; the provider cannot change afterwards.`;
  if (providers.length === 0) {
    const settings = z.record(z.string(), z.unknown()).meta({ description: 'Settings of the provider named by the key.' });
    return z
      .record(z.string().regex(/^[a-z][a-z0-9]*$/), settings)
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

/**
 * The spec rule that keeps a cluster on its provider (its nodes, networks and certificates live
 * there): a transition rule on the spec, reported at `spec.provider`.
 */
function providerFixed(providers: readonly ProviderDefinition[]): TransitionRule {
  const rule = providers.length
    ? providers.map((p) => `has(self.provider.${p.name}) == has(oldSelf.provider.${p.name})`).join(' && ')
    : 'self.provider.all(k, k in oldSelf.provider) && oldSelf.provider.all(k, k in self.provider)';
  return { rule, message: 'spec.provider cannot change from one provider to another: a cluster stays where it was created', fieldPath: '.provider' };
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

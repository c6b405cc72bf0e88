import { z } from 'zod';

/** An owner reference (`metav1.OwnerReference`). */
export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
  readonly blockOwnerDeletion?: boolean;
}

/** The parts of `metav1.ObjectMeta` Kubeception reads or writes. Unknown fields pass through. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: unknown[];
  [field: string]: unknown;
}

/** Any Kubernetes object. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** The metadata the API server always sets on an object it has stored. */
export type PersistedMeta = ObjectMeta & {
  name: string;
  uid: string;
  resourceVersion: string;
  generation: number;
  creationTimestamp: string;
};

/**
 * An object as read back from the API server: `metadata.name`, `namespace` (for namespaced
 * kinds), `uid`, `resourceVersion`, `generation` and `creationTimestamp` are always present.
 */
export type Persisted<T extends KubeObject, Scope extends ResourceScope = 'Namespaced'> = Omit<T, 'metadata'> & {
  metadata: NonNullable<T['metadata']> & PersistedMeta & (Scope extends 'Namespaced' ? { namespace: string } : unknown);
};

/** Whether objects of a kind live in a namespace. */
export type ResourceScope = 'Namespaced' | 'Cluster';

/** What `defineResource` takes. */
export interface ResourceDefinition<Spec extends z.ZodType | undefined, Status extends z.ZodType | undefined> {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  /** @default kind in lower case */
  readonly singular?: string;
  /** @default [] */
  readonly shortNames?: readonly string[];
  /** @default [] */
  readonly categories?: readonly string[];
  /** @default 'Namespaced' */
  readonly scope?: ResourceScope;
  /** Schema of `metadata`, to check names. @default {@link objectMetaSchema} */
  readonly metadata?: z.ZodType<ObjectMeta>;
  /** Schema of `spec`, for custom resources defined here. */
  readonly spec?: Spec;
  /** Schema of `status`, for custom resources defined here. */
  readonly status?: Status;
}

/** The object type a descriptor describes: defaults applied. */
export type ResourceObject<Spec, Status> = {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
} & (Spec extends z.ZodType ? { spec: z.output<Spec> } : unknown) &
  (Status extends z.ZodType ? { status?: z.output<Status> } : unknown);

/** The object type a user writes: fields with defaults are optional. */
export type ResourceInput<Spec, Status> = {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
} & (Spec extends z.ZodType ? { spec: z.input<Spec> } : unknown) &
  (Status extends z.ZodType ? { status?: z.input<Status> } : unknown);

/**
 * Everything needed to address one kind on the API server, plus, for custom resources,
 * the schemas that produce its types, validator and CRD. `T` is the object as stored (defaults
 * applied), `I` the object as written (fields with defaults optional).
 */
export interface ResourceDescriptor<T extends KubeObject = KubeObject, I extends KubeObject = T> {
  readonly group: string;
  readonly version: string;
  /** `group/version`, or just `version` for the core group. */
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly scope: ResourceScope;
  /** Schema of the whole object (apiVersion, kind, metadata, spec, status), when defined here. */
  readonly schema?: z.ZodType<T>;
  readonly specSchema?: z.ZodType;
  readonly statusSchema?: z.ZodType;
  /** Phantom field carrying `T`; never set at run time. */
  readonly __type?: T;
  /** Phantom field carrying `I`; never set at run time. */
  readonly __input?: I;
}

/** Loose object metadata schema: the API server owns metadata, so only its shape is checked here. */
export const objectMetaSchema = z.looseObject({
  name: z.string().optional(),
  namespace: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
}) as unknown as z.ZodType<ObjectMeta>;

/**
 * Describes a kind. For custom resources pass `spec` and `status` schemas and the
 * descriptor also carries the whole-object schema.
 *
 * @example
 * ```ts
 * const Widget = defineResource({ group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets',
 *   spec: z.strictObject({ size: z.int() }) });
 * ```
 */
export function defineResource<
  Spec extends z.ZodType | undefined = undefined,
  Status extends z.ZodType | undefined = undefined,
  T extends KubeObject = ResourceObject<Spec, Status>,
  I extends KubeObject = ResourceInput<Spec, Status>,
>(definition: ResourceDefinition<Spec, Status>): ResourceDescriptor<T, I> {
  const { group, version, kind, plural, spec, status } = definition;
  const apiVersion = group === '' ? version : `${group}/${version}`;
  const schema =
    spec === undefined
      ? undefined
      : (z.strictObject({
          apiVersion: z.literal(apiVersion),
          kind: z.literal(kind),
          metadata: definition.metadata ?? objectMetaSchema,
          spec,
          ...(status === undefined ? {} : { status: status.optional() }),
        }) as unknown as z.ZodType<T>);
  return {
    group,
    version,
    apiVersion,
    kind,
    plural,
    singular: definition.singular ?? kind.toLowerCase(),
    shortNames: definition.shortNames ?? [],
    categories: definition.categories ?? [],
    scope: definition.scope ?? 'Namespaced',
    ...(schema === undefined ? {} : { schema }),
    ...(spec === undefined ? {} : { specSchema: spec }),
    ...(status === undefined ? {} : { statusSchema: status }),
  };
}

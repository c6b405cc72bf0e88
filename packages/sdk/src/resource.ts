import { z } from 'zod';
import { registerSdkCopy } from './internal/copy-guard.js';

// every entry point of the SDK imports this module: one registration per loaded copy
registerSdkCopy(import.meta.url);

/** An owner reference (`metav1.OwnerReference`). */
export interface OwnerReference {
  /** `apiVersion` of the owner. */
  readonly apiVersion: string;
  /** `kind` of the owner. */
  readonly kind: string;
  /** Name of the owner (in the same namespace as the owned object, or cluster-scoped). */
  readonly name: string;
  /** UID of the owner: a reference to a deleted and recreated owner of the same name does not match. */
  readonly uid: string;
  /** Whether the owner is the managing controller; an object has at most one. */
  readonly controller?: boolean;
  /** With foreground deletion, whether the owner waits for this object to be deleted first. */
  readonly blockOwnerDeletion?: boolean;
}

/** The parts of `metav1.ObjectMeta` Kubeception reads or writes. Unknown fields pass through. */
export interface ObjectMeta {
  /** Unique name within the namespace (or cluster, for cluster-scoped kinds). */
  name?: string;
  /** Prefix for a server-generated name, used on create when `name` is empty. */
  generateName?: string;
  /** Namespace of a namespaced object. */
  namespace?: string;
  /** Set by the API server: unique for the object's lifetime. */
  uid?: string;
  /** Set by the API server: opaque version for optimistic concurrency and watches. */
  resourceVersion?: string;
  /** Set by the API server: bumped on every change of the desired state (not of `status`). */
  generation?: number;
  /** Set by the API server: RFC 3339 time of creation. */
  creationTimestamp?: string;
  /** Set by the API server when deletion was requested and finalizers still hold the object. */
  deletionTimestamp?: string;
  /** Seconds the object has to terminate gracefully once `deletionTimestamp` is set. */
  deletionGracePeriodSeconds?: number;
  /** Labels, for selection. */
  labels?: Record<string, string>;
  /** Annotations: non-identifying metadata. */
  annotations?: Record<string, string>;
  /** Finalizers that must be removed before the object is deleted. */
  finalizers?: string[];
  /** Owners of the object, for garbage collection. */
  ownerReferences?: OwnerReference[];
  /** Server-side apply field ownership, kept opaque. */
  managedFields?: unknown[];
  [field: string]: unknown;
}

/** Any Kubernetes object. */
export interface KubeObject {
  /** `group/version`, or `version` for the core group. */
  apiVersion?: string;
  /** The kind, in CamelCase. */
  kind?: string;
  /** Standard object metadata. */
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
  /** API group (`''` for the core group). */
  readonly group: string;
  /** API version within the group, e.g. `v1alpha1`. */
  readonly version: string;
  /** Kind, in CamelCase. */
  readonly kind: string;
  /** Lower-case plural name, as used in URLs. */
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
  /** API group (`''` for the core group). */
  readonly group: string;
  /** API version within the group. */
  readonly version: string;
  /** `group/version`, or just `version` for the core group. */
  readonly apiVersion: string;
  /** Kind, in CamelCase. */
  readonly kind: string;
  /** Lower-case plural name, as used in URLs. */
  readonly plural: string;
  /** Lower-case singular name. */
  readonly singular: string;
  /** Short names for `kubectl`. */
  readonly shortNames: readonly string[];
  /** Categories the kind belongs to (`kubectl get <category>`). */
  readonly categories: readonly string[];
  /** Whether objects of the kind live in a namespace. */
  readonly scope: ResourceScope;
  /** Schema of the whole object (apiVersion, kind, metadata, spec, status), when defined here. */
  readonly schema?: z.ZodType<T>;
  /** Schema of `spec`, for custom resources defined here. */
  readonly specSchema?: z.ZodType;
  /** Schema of `status`, for custom resources defined here. */
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

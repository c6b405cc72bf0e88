/**
 * The host kinds the KVM driver writes, the caches it reads them from, and how a cached object
 * leads back to its Cluster (internal).
 */
import { defineResource, Label, type KubeObject, type Persisted, type ResourceDescriptor } from '@kubeception/sdk';
import {
  ConfigMapResource,
  DaemonSetResource,
  DeploymentResource,
  EndpointSliceResource,
  IngressResource,
  NamespaceResource,
  NetworkPolicyResource,
  PersistentVolumeClaimResource,
  PodDisruptionBudgetResource,
  RoleBindingResource,
  RoleResource,
  SecretResource,
  ServiceAccountResource,
  ServiceResource,
} from '@kubeception/sdk/kube';
import { dataDigests, digestedData, keepFields, type Selection } from '@kubeception/sdk/runtime';
import type { HostApiVersions } from '../render/host-api-versions.js';
import { KvmComponent, KvmLabel, MANAGED_BY } from '../render/names.js';
import { ELIDED_SPEC, elidedForm, SPEC_ELIDED_KINDS } from './elided-specs.js';
import { plannedFromDigests } from './source-secrets.js';

type Descriptor = ResourceDescriptor<KubeObject, KubeObject>;

/** `descriptor`'s kind at another version of its group, typed as `descriptor` (for kinds whose fields the driver writes are the same at both). */
const atVersion = <D extends Descriptor>(descriptor: D, version: string): D => defineResource({ ...descriptor, version }) as unknown as D;

/** The kinds whose version is the host's ({@link HostApiVersions}), at every version the driver can use, by `apiVersion`. */
const VERSIONED: Readonly<Record<keyof HostApiVersions, Readonly<Record<string, Descriptor>>>> = {
  podDisruptionBudget: byApiVersion([PodDisruptionBudgetResource, atVersion(PodDisruptionBudgetResource, 'v1beta1')]),
  endpointSlice: byApiVersion([EndpointSliceResource, atVersion(EndpointSliceResource, 'v1beta1')]),
};

function byApiVersion(descriptors: readonly unknown[]): Record<string, Descriptor> {
  return Object.fromEntries((descriptors as Descriptor[]).map((d) => [d.apiVersion, d]));
}

/** The rendered kinds in the order the driver watches them; a versioned kind is named by its {@link HostApiVersions} key. */
const KINDS: readonly (Descriptor | keyof HostApiVersions)[] = [
  ...([
    NamespaceResource,
    ServiceAccountResource,
    RoleResource,
    RoleBindingResource,
    NetworkPolicyResource,
    DaemonSetResource,
    ConfigMapResource,
    PersistentVolumeClaimResource,
    DeploymentResource,
    ServiceResource,
    IngressResource,
  ] as unknown as Descriptor[]),
  'podDisruptionBudget',
  'endpointSlice',
  SecretResource as unknown as Descriptor,
];

/** Descriptors of every rendered kind, at `versions` (the host's): what the driver caches, watches, writes and deletes. */
export function hostKinds(versions: HostApiVersions): readonly ResourceDescriptor<KubeObject, KubeObject>[] {
  return KINDS.map((kind) => (typeof kind === 'string' ? kindAt(kind, versions[kind]) : kind));
}

/** The descriptor of a versioned kind at `apiVersion` (one of the render's `HOST_API_CANDIDATES`). */
export function kindAt(kind: keyof HostApiVersions, apiVersion: string): Descriptor {
  const descriptor = VERSIONED[kind][apiVersion];
  if (descriptor === undefined) throw new Error(`the KVM driver cannot write ${kind} at ${apiVersion}`);
  return descriptor;
}

/** Every kind at every version the driver can use, by `apiVersion` and `kind`. */
const ALL_KINDS: ReadonlyMap<string, Descriptor> = new Map(
  [...KINDS.filter((k) => typeof k !== 'string'), ...Object.values(VERSIONED).flatMap((v) => Object.values(v))].map((d) => [`${d.apiVersion}/${d.kind}`, d]),
);

/**
 * The descriptor of a rendered or cached object: its kind at its own `apiVersion` (rendered at,
 * or read from, the host's version); a kind the driver does not render is a programmer error.
 */
export function descriptorOf(object: KubeObject): Descriptor {
  const descriptor = ALL_KINDS.get(`${object.apiVersion ?? ''}/${object.kind ?? ''}`);
  if (descriptor === undefined) throw new Error(`the KVM driver does not manage ${String(object.apiVersion)} ${String(object.kind)}`);
  return descriptor;
}

/** Every object the driver writes carries `app.kubernetes.io/managed-by=kvm-operator`; its caches select on it (but Namespaces': {@link selectionOf}). */
export const MANAGED = { labelSelector: `${Label.ManagedBy}=${MANAGED_BY}` } as const;

/**
 * The selection a host kind is cached with: {@link MANAGED}, except Namespaces, cached whole. A
 * namespace named like a Cluster's host namespace that is not the driver's (it carries no
 * managed-by label) must be seen to refuse that Cluster (`NamespaceTaken`) before anything is
 * created for it; observe still reads only the driver's own ({@link managedNamespace}).
 */
export const selectionOf = (descriptor: { readonly kind: string }): Selection | undefined =>
  descriptor.kind === 'Namespace'
    ? undefined
    : DIGESTED_KINDS.has(descriptor.kind)
      ? MANAGED_DATA
      : SPEC_ELIDED_KINDS.has(descriptor.kind)
        ? MANAGED_ELIDED
        : MANAGED;

/**
 * The driver's ConfigMaps (boot configs) and Secrets (certificate copies) are cached with their
 * data values as digests (`dataDigests`): the driver only compares them with what it renders
 * ({@link comparableForm}), and their data is most of what it would keep of a cluster.
 */
const DIGESTED_KINDS: ReadonlySet<string> = new Set(['ConfigMap', 'Secret']);
const MANAGED_DATA: Selection = { ...MANAGED, transform: dataDigests };
/** The VM Deployments are cached without their spec (`elided-specs.ts`). */
const MANAGED_ELIDED: Selection = { ...MANAGED, transform: ELIDED_SPEC };

/**
 * A rendered object in the form a pass sees its kind (data values as digests for ConfigMaps and
 * Secrets; a Deployment's spec as a digest when `observed` is elided): what `contains` compares
 * with `observed`.
 */
export const comparableForm = <O extends KubeObject>(object: O, observed?: KubeObject): O =>
  plannedFromDigests(object) ? object : DIGESTED_KINDS.has(object.kind ?? '') ? digestedData(object) : (elidedForm(object, observed) as O);

/** `namespace` when it is labelled as the driver's (what a {@link MANAGED} cache would hold), else `undefined`. */
export const managedNamespace = <N extends KubeObject>(namespace: N | undefined): N | undefined =>
  namespace?.metadata?.labels?.[Label.ManagedBy] === MANAGED_BY ? namespace : undefined;

/**
 * The VM pods the driver creates (through their Deployments). Flannel's pods are left out: the
 * driver reads flannel's state from its DaemonSet, and they are most of a host's pods (one per
 * host per cluster), so watching them would wake every cluster once per host on every change.
 */
export const VM_PODS: Selection = {
  labelSelector: `${Label.ManagedBy}=${MANAGED_BY},${KvmLabel.Component}=${KvmComponent.Vm}`,
  // the driver reads a VM pod's labels, annotations, phase and conditions (`vmPod`): not its spec
  transform: keepFields('status'),
};

/**
 * The component Secrets of Clusters (in the Clusters' namespaces), which the driver copies (the
 * copies are not among them: {@link KvmLabel.ClusterName}), with their data values as digests:
 * the cache the Certificate controller and the Cluster controller share (`source-secrets.ts`).
 */
export const CERTIFICATE_SECRETS: Selection = { labelSelector: Label.Cluster, transform: dataDigests };

/** `Kind/name`: the key of an object within a cluster's host namespace. */
export const kindName = (object: KubeObject) => `${object.kind ?? ''}/${object.metadata?.name ?? ''}`;

/**
 * The Cluster a managed host object belongs to: its `kubeception.io/cluster` label (the name; a
 * certificate Secret's copy: {@link KvmLabel.ClusterName}) and
 * {@link KvmLabel.ClusterNamespace} (the namespace; without it, every Cluster of that name).
 */
export function clusterOfHostObject(object: Persisted<KubeObject>): { readonly name: string; readonly namespace?: string }[] {
  const name = object.metadata.labels?.[Label.Cluster] ?? object.metadata.labels?.[KvmLabel.ClusterName];
  const namespace = object.metadata.labels?.[KvmLabel.ClusterNamespace];
  return name === undefined ? [] : [{ name, ...(namespace === undefined ? {} : { namespace }) }];
}

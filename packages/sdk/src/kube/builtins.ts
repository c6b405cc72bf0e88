/**
 * Descriptors of the built-in kinds Kubeception uses, typed with client-node's models as
 * they travel on the wire (timestamps are strings, not `Date`s).
 */
import type {
  CoreV1Event,
  EventsV1Event,
  V1ClusterRole,
  V1ClusterRoleBinding,
  V1ConfigMap,
  V1CustomResourceDefinition,
  V1DaemonSet,
  V1Deployment,
  V1EndpointSlice,
  V1Endpoints,
  V1Ingress,
  V1Job,
  V1Lease,
  V1Namespace,
  V1NetworkPolicy,
  V1Node,
  V1PersistentVolumeClaim,
  V1Pod,
  V1PodDisruptionBudget,
  V1ReplicaSet,
  V1Role,
  V1RoleBinding,
  V1Secret,
  V1Service,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import { defineResource, type KubeObject, type ResourceDescriptor, type ResourceScope } from '../resource.js';

/**
 * The JSON name of a client-node model property: the generator prefixes names that are reserved
 * words in TypeScript with `_` (`_from`, `_continue`, `_default`, `_enum`, `_not`) and spells
 * `$ref`/`$schema` as `_ref`/`_schema`; on the wire they are the plain names.
 */
export type WireName<K> = K extends '_ref' | '_schema'
  ? `$${K extends `_${infer R}` ? R : never}`
  : K extends '_from' | '_continue' | '_default' | '_enum' | '_not'
    ? K extends `_${infer R}`
      ? R
      : never
    : K;

/** A client-node model as JSON: `Date` fields become RFC 3339 strings, properties have their wire names. */
export type Json<T> = T extends Date ? string : T extends (infer U)[] ? Json<U>[] : T extends object ? { [K in keyof T as WireName<K>]: Json<T[K]> } : T;

/**
 * The descriptor of a built-in kind typed with client-node's model `T` as JSON. A named alias, so
 * the declarations name it instead of inlining the whole model (once per descriptor).
 */
export type BuiltinDescriptor<T> = ResourceDescriptor<Json<T> & KubeObject>;

function builtin<T>(
  group: string,
  version: string,
  kind: string,
  plural: string,
  scope: ResourceScope = 'Namespaced',
  shortNames: string[] = [],
): BuiltinDescriptor<T> {
  return defineResource({ group, version, kind, plural, scope, shortNames }) as unknown as BuiltinDescriptor<T>;
}

/** Descriptor of `Namespace` (`core/v1`, cluster-scoped, short name `ns`). */
export const NamespaceResource = builtin<V1Namespace>('', 'v1', 'Namespace', 'namespaces', 'Cluster', ['ns']);
/** Descriptor of `Node` (`core/v1`, cluster-scoped, short name `no`). */
export const NodeResource = builtin<V1Node>('', 'v1', 'Node', 'nodes', 'Cluster', ['no']);
/** Descriptor of `Pod` (`core/v1`, namespaced, short name `po`). */
export const PodResource = builtin<V1Pod>('', 'v1', 'Pod', 'pods', 'Namespaced', ['po']);
/** Descriptor of `Service` (`core/v1`, namespaced, short name `svc`). */
export const ServiceResource = builtin<V1Service>('', 'v1', 'Service', 'services', 'Namespaced', ['svc']);
/** Descriptor of `Endpoints` (`core/v1`, namespaced, short name `ep`). */
export const EndpointsResource = builtin<V1Endpoints>('', 'v1', 'Endpoints', 'endpoints', 'Namespaced', ['ep']);
/** Descriptor of `ConfigMap` (`core/v1`, namespaced, short name `cm`). */
export const ConfigMapResource = builtin<V1ConfigMap>('', 'v1', 'ConfigMap', 'configmaps', 'Namespaced', ['cm']);
/** Descriptor of `Secret` (`core/v1`, namespaced). */
export const SecretResource = builtin<V1Secret>('', 'v1', 'Secret', 'secrets');
/** Descriptor of `ServiceAccount` (`core/v1`, namespaced, short name `sa`). */
export const ServiceAccountResource = builtin<V1ServiceAccount>('', 'v1', 'ServiceAccount', 'serviceaccounts', 'Namespaced', ['sa']);
/** Descriptor of `Event` (`core/v1`, namespaced, short name `ev`). */
export const EventResource = builtin<CoreV1Event>('', 'v1', 'Event', 'events', 'Namespaced', ['ev']);
/** Descriptor of `Event` (`events.k8s.io/v1`, namespaced, short name `ev`). */
export const EventsV1EventResource = builtin<EventsV1Event>('events.k8s.io', 'v1', 'Event', 'events', 'Namespaced', ['ev']);
/** Descriptor of `Deployment` (`apps/v1`, namespaced, short name `deploy`). */
export const DeploymentResource = builtin<V1Deployment>('apps', 'v1', 'Deployment', 'deployments', 'Namespaced', ['deploy']);
/** Descriptor of `DaemonSet` (`apps/v1`, namespaced, short name `ds`). */
export const DaemonSetResource = builtin<V1DaemonSet>('apps', 'v1', 'DaemonSet', 'daemonsets', 'Namespaced', ['ds']);
/** Descriptor of `ReplicaSet` (`apps/v1`, namespaced, short name `rs`). */
export const ReplicaSetResource = builtin<V1ReplicaSet>('apps', 'v1', 'ReplicaSet', 'replicasets', 'Namespaced', ['rs']);
/** Descriptor of `Job` (`batch/v1`, namespaced). */
export const JobResource = builtin<V1Job>('batch', 'v1', 'Job', 'jobs');
/** Descriptor of `Ingress` (`networking.k8s.io/v1`, namespaced, short name `ing`). */
export const IngressResource = builtin<V1Ingress>('networking.k8s.io', 'v1', 'Ingress', 'ingresses', 'Namespaced', ['ing']);
/** Descriptor of `NetworkPolicy` (`networking.k8s.io/v1`, namespaced, short name `netpol`). */
export const NetworkPolicyResource = builtin<V1NetworkPolicy>('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', 'Namespaced', ['netpol']);
/** Descriptor of `Role` (`rbac.authorization.k8s.io/v1`, namespaced). */
export const RoleResource = builtin<V1Role>('rbac.authorization.k8s.io', 'v1', 'Role', 'roles');
/** Descriptor of `ClusterRole` (`rbac.authorization.k8s.io/v1`, cluster-scoped). */
export const ClusterRoleResource = builtin<V1ClusterRole>('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', 'Cluster');
/** Descriptor of `RoleBinding` (`rbac.authorization.k8s.io/v1`, namespaced). */
export const RoleBindingResource = builtin<V1RoleBinding>('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings');
/** Descriptor of `ClusterRoleBinding` (`rbac.authorization.k8s.io/v1`, cluster-scoped). */
export const ClusterRoleBindingResource = builtin<V1ClusterRoleBinding>(
  'rbac.authorization.k8s.io',
  'v1',
  'ClusterRoleBinding',
  'clusterrolebindings',
  'Cluster',
);
/** Descriptor of `PodDisruptionBudget` (`policy/v1`, namespaced, short name `pdb`). */
export const PodDisruptionBudgetResource = builtin<V1PodDisruptionBudget>('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', 'Namespaced', ['pdb']);
/** Descriptor of `EndpointSlice` (`discovery.k8s.io/v1`, namespaced). */
export const EndpointSliceResource = builtin<V1EndpointSlice>('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices');
/** Descriptor of `PersistentVolumeClaim` (`core/v1`, namespaced, short name `pvc`). */
export const PersistentVolumeClaimResource = builtin<V1PersistentVolumeClaim>('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', 'Namespaced', [
  'pvc',
]);
/** Descriptor of `Lease` (`coordination.k8s.io/v1`, namespaced). */
export const LeaseResource = builtin<V1Lease>('coordination.k8s.io', 'v1', 'Lease', 'leases');
/** Descriptor of `CustomResourceDefinition` (`apiextensions.k8s.io/v1`, cluster-scoped, short names `crd`, `crds`). */
export const CustomResourceDefinitionResource = builtin<V1CustomResourceDefinition>(
  'apiextensions.k8s.io',
  'v1',
  'CustomResourceDefinition',
  'customresourcedefinitions',
  'Cluster',
  ['crd', 'crds'],
);

/** A `Namespace` as JSON (client-node's `V1Namespace` with string timestamps). */
export type Namespace = Json<V1Namespace>;
/** A `Node` as JSON (client-node's `V1Node` with string timestamps). */
export type Node = Json<V1Node>;
/** A `Pod` as JSON (client-node's `V1Pod` with string timestamps). */
export type Pod = Json<V1Pod>;
/** A `Service` as JSON (client-node's `V1Service` with string timestamps). */
export type Service = Json<V1Service>;
/** A `Endpoints` as JSON (client-node's `V1Endpoints` with string timestamps). */
export type Endpoints = Json<V1Endpoints>;
/** A `EndpointSlice` as JSON (client-node's `V1EndpointSlice` with string timestamps). */
export type EndpointSlice = Json<V1EndpointSlice>;
/** A `PersistentVolumeClaim` as JSON (client-node's `V1PersistentVolumeClaim` with string timestamps). */
export type PersistentVolumeClaim = Json<V1PersistentVolumeClaim>;
/** A `ConfigMap` as JSON (client-node's `V1ConfigMap` with string timestamps). */
export type ConfigMap = Json<V1ConfigMap>;
/** A `Secret` as JSON (client-node's `V1Secret` with string timestamps). */
export type Secret = Json<V1Secret>;
/** A `ServiceAccount` as JSON (client-node's `V1ServiceAccount` with string timestamps). */
export type ServiceAccount = Json<V1ServiceAccount>;
/** A `core/v1 Event` as JSON (client-node's `CoreV1Event` with string timestamps). */
export type Event = Json<CoreV1Event>;
/** A `Deployment` as JSON (client-node's `V1Deployment` with string timestamps). */
export type Deployment = Json<V1Deployment>;
/** A `DaemonSet` as JSON (client-node's `V1DaemonSet` with string timestamps). */
export type DaemonSet = Json<V1DaemonSet>;
/** A `ReplicaSet` as JSON (client-node's `V1ReplicaSet` with string timestamps). */
export type ReplicaSet = Json<V1ReplicaSet>;
/** A `Job` as JSON (client-node's `V1Job` with string timestamps). */
export type Job = Json<V1Job>;
/** A `Ingress` as JSON (client-node's `V1Ingress` with string timestamps). */
export type Ingress = Json<V1Ingress>;
/** A `NetworkPolicy` as JSON (client-node's `V1NetworkPolicy` with string timestamps). */
export type NetworkPolicy = Json<V1NetworkPolicy>;
/** A `Lease` as JSON (client-node's `V1Lease` with string timestamps). */
export type Lease = Json<V1Lease>;
/**
 * A `CustomResourceDefinition` as JSON (client-node's `V1CustomResourceDefinition` with string timestamps);
 * named apart from the SDK's own `CustomResourceDefinition` type.
 */
export type CustomResourceDefinitionObject = Json<V1CustomResourceDefinition>;

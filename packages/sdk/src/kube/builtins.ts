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

/** A client-node model as JSON: `Date` fields become RFC 3339 strings. */
export type Json<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

function builtin<T>(group: string, version: string, kind: string, plural: string, scope: ResourceScope = 'Namespaced', shortNames: string[] = []) {
  return defineResource({ group, version, kind, plural, scope, shortNames }) as unknown as ResourceDescriptor<Json<T> & KubeObject>;
}

export const NamespaceResource = builtin<V1Namespace>('', 'v1', 'Namespace', 'namespaces', 'Cluster', ['ns']);
export const NodeResource = builtin<V1Node>('', 'v1', 'Node', 'nodes', 'Cluster', ['no']);
export const PodResource = builtin<V1Pod>('', 'v1', 'Pod', 'pods', 'Namespaced', ['po']);
export const ServiceResource = builtin<V1Service>('', 'v1', 'Service', 'services', 'Namespaced', ['svc']);
export const EndpointsResource = builtin<V1Endpoints>('', 'v1', 'Endpoints', 'endpoints', 'Namespaced', ['ep']);
export const ConfigMapResource = builtin<V1ConfigMap>('', 'v1', 'ConfigMap', 'configmaps', 'Namespaced', ['cm']);
export const SecretResource = builtin<V1Secret>('', 'v1', 'Secret', 'secrets');
export const ServiceAccountResource = builtin<V1ServiceAccount>('', 'v1', 'ServiceAccount', 'serviceaccounts', 'Namespaced', ['sa']);
export const EventResource = builtin<CoreV1Event>('', 'v1', 'Event', 'events', 'Namespaced', ['ev']);
export const EventsV1EventResource = builtin<EventsV1Event>('events.k8s.io', 'v1', 'Event', 'events', 'Namespaced', ['ev']);
export const DeploymentResource = builtin<V1Deployment>('apps', 'v1', 'Deployment', 'deployments', 'Namespaced', ['deploy']);
export const DaemonSetResource = builtin<V1DaemonSet>('apps', 'v1', 'DaemonSet', 'daemonsets', 'Namespaced', ['ds']);
export const ReplicaSetResource = builtin<V1ReplicaSet>('apps', 'v1', 'ReplicaSet', 'replicasets', 'Namespaced', ['rs']);
export const JobResource = builtin<V1Job>('batch', 'v1', 'Job', 'jobs');
export const IngressResource = builtin<V1Ingress>('networking.k8s.io', 'v1', 'Ingress', 'ingresses', 'Namespaced', ['ing']);
export const NetworkPolicyResource = builtin<V1NetworkPolicy>('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', 'Namespaced', ['netpol']);
export const RoleResource = builtin<V1Role>('rbac.authorization.k8s.io', 'v1', 'Role', 'roles');
export const ClusterRoleResource = builtin<V1ClusterRole>('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', 'Cluster');
export const RoleBindingResource = builtin<V1RoleBinding>('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings');
export const ClusterRoleBindingResource = builtin<V1ClusterRoleBinding>('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', 'Cluster');
export const PodDisruptionBudgetResource = builtin<V1PodDisruptionBudget>('policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', 'Namespaced', ['pdb']);
export const EndpointSliceResource = builtin<V1EndpointSlice>('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices');
export const PersistentVolumeClaimResource = builtin<V1PersistentVolumeClaim>('', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', 'Namespaced', ['pvc']);
export const LeaseResource = builtin<V1Lease>('coordination.k8s.io', 'v1', 'Lease', 'leases');
export const CustomResourceDefinitionResource = builtin<V1CustomResourceDefinition>(
  'apiextensions.k8s.io',
  'v1',
  'CustomResourceDefinition',
  'customresourcedefinitions',
  'Cluster',
  ['crd', 'crds'],
);

export type Namespace = Json<V1Namespace>;
export type Node = Json<V1Node>;
export type Pod = Json<V1Pod>;
export type Service = Json<V1Service>;
export type Endpoints = Json<V1Endpoints>;
export type EndpointSlice = Json<V1EndpointSlice>;
export type PersistentVolumeClaim = Json<V1PersistentVolumeClaim>;
export type ConfigMap = Json<V1ConfigMap>;
export type Secret = Json<V1Secret>;
export type ServiceAccount = Json<V1ServiceAccount>;
export type Event = Json<CoreV1Event>;
export type Deployment = Json<V1Deployment>;
export type DaemonSet = Json<V1DaemonSet>;
export type ReplicaSet = Json<V1ReplicaSet>;
export type Job = Json<V1Job>;
export type Ingress = Json<V1Ingress>;
export type NetworkPolicy = Json<V1NetworkPolicy>;
export type Lease = Json<V1Lease>;
export type CustomResourceDefinitionObject = Json<V1CustomResourceDefinition>;

/**
 * Types of the host objects the renderers produce: the SDK's client-node models as JSON, plus
 * the two kinds the SDK does not describe yet (EndpointSlice, PersistentVolumeClaim).
 */
import type { KubeObject } from '@kubeception/sdk';
import type { Deployment, PodDisruptionBudgetResource, RoleBindingResource, RoleResource } from '@kubeception/sdk/kube';
import type { HostApiVersions } from './host-api-versions.js';

export type { ConfigMap, DaemonSet, Deployment, Ingress, Namespace, NetworkPolicy, Service, ServiceAccount } from '@kubeception/sdk/kube';

/** `rbac.authorization.k8s.io/v1` Role. */
export type Role = NonNullable<(typeof RoleResource)['__type']>;
/** `rbac.authorization.k8s.io/v1` RoleBinding. */
export type RoleBinding = NonNullable<(typeof RoleBindingResource)['__type']>;
/** PodDisruptionBudget (`policy/v1`'s model: the fields rendered are the same at `policy/v1beta1`). */
export type PodDisruptionBudget = NonNullable<(typeof PodDisruptionBudgetResource)['__type']>;

/** A pod spec. */
export type PodSpec = NonNullable<NonNullable<NonNullable<Deployment['spec']>['template']>['spec']>;
/** A container. */
export type Container = PodSpec['containers'][number];
/** A pod volume. */
export type Volume = NonNullable<PodSpec['volumes']>[number];
/** A container's volume mount. */
export type VolumeMount = NonNullable<Container['volumeMounts']>[number];
/** A container's environment variable. */
export type EnvVar = NonNullable<Container['env']>[number];

/** `v1` PersistentVolumeClaim: the fields rendered here. */
export interface PersistentVolumeClaim extends KubeObject {
  apiVersion: 'v1';
  kind: 'PersistentVolumeClaim';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    accessModes: string[];
    resources: { requests: { storage: string } };
    storageClassName?: string;
  };
}

/** EndpointSlice (`discovery.k8s.io/v1` or `v1beta1`, the host's): the fields rendered here, the same at both versions. */
export interface EndpointSlice extends KubeObject {
  apiVersion: HostApiVersions['endpointSlice'];
  kind: 'EndpointSlice';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  /** Always IPv4 here. */
  addressType: 'IPv4';
  /** One per VM of the Service, with its address and readiness. */
  endpoints: { addresses: string[]; hostname: string; conditions: { ready: boolean } }[];
  /** The Service's ports. */
  ports: { name: string; port: number; protocol: string }[];
}

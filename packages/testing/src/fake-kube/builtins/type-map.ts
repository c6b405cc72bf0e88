/**
 * The Go types of the built-in kinds, read from `@kubernetes/client-node`'s generated models
 * (internal): each model's `attributeTypeMap` lists its JSON fields with their types
 * (`V1PodSpec`, `Array<V1Container>`, `{ [key: string]: string; }`, `string`, …) and formats
 * (`byte` for base64 `[]byte`, `date-time` for `metav1.Time`, `date-time-micro` for
 * `metav1.MicroTime`). The decoder walks an object alongside them.
 */
import * as models from '@kubernetes/client-node';
import type { ResourceType } from '../resource-type.js';

/** One field of a model. */
export interface ModelField {
  readonly type: string;
  readonly format: string;
}

interface ModelClass {
  readonly attributeTypeMap?: readonly { readonly baseName: string; readonly type: string; readonly format: string }[];
}

const MODELS = models as unknown as Record<string, ModelClass | undefined>;
const cache = new Map<string, ReadonlyMap<string, ModelField> | undefined>();

/** The fields of a model by JSON name, or undefined when `type` is not a model (a primitive, `any`, …). */
export function modelFields(type: string): ReadonlyMap<string, ModelField> | undefined {
  if (cache.has(type)) return cache.get(type);
  const map = MODELS[type]?.attributeTypeMap;
  const fields = map ? new Map(map.map((f) => [f.baseName, { type: f.type, format: f.format }])) : undefined;
  cache.set(type, fields);
  return fields;
}

/** `Array<X>` → `X`. */
export const itemType = (type: string): string | undefined => /^Array<(.+)>$/.exec(type)?.[1];
/** `{ [key: string]: X; }` → `X`. */
export const valueType = (type: string): string | undefined => /^\{ \[key: string\]: (.+); \}$/.exec(type)?.[1];

const ROOTS: Record<string, string> = {
  '/namespaces': 'V1Namespace',
  '/pods': 'V1Pod',
  '/services': 'V1Service',
  '/endpoints': 'V1Endpoints',
  '/configmaps': 'V1ConfigMap',
  '/persistentvolumeclaims': 'V1PersistentVolumeClaim',
  '/secrets': 'V1Secret',
  '/serviceaccounts': 'V1ServiceAccount',
  '/events': 'CoreV1Event',
  '/nodes': 'V1Node',
  'apps/deployments': 'V1Deployment',
  'apps/daemonsets': 'V1DaemonSet',
  'apps/replicasets': 'V1ReplicaSet',
  'batch/jobs': 'V1Job',
  'discovery.k8s.io/endpointslices': 'V1EndpointSlice',
  'networking.k8s.io/ingresses': 'V1Ingress',
  'networking.k8s.io/networkpolicies': 'V1NetworkPolicy',
  'rbac.authorization.k8s.io/roles': 'V1Role',
  'rbac.authorization.k8s.io/clusterroles': 'V1ClusterRole',
  'rbac.authorization.k8s.io/rolebindings': 'V1RoleBinding',
  'rbac.authorization.k8s.io/clusterrolebindings': 'V1ClusterRoleBinding',
  'policy/poddisruptionbudgets': 'V1PodDisruptionBudget',
  'coordination.k8s.io/leases': 'V1Lease',
  'events.k8s.io/events': 'EventsV1Event',
};

/**
 * The model of a built-in kind's objects (v1 of each group, the versions the fake serves), or
 * undefined for custom resources and CustomResourceDefinitions (their schemas are checked elsewhere).
 */
export function rootModel(rt: ResourceType): string | undefined {
  return rt.crd ? undefined : ROOTS[rt.key];
}

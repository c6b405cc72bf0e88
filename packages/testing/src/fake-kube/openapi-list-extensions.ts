/**
 * What the built-in schemas say beyond the Go field types (internal): the strategic-merge
 * extensions and the fields that are `resource.Quantity`s, keyed `<client-node model>.<field>`.
 *
 * The extensions are published only where the fake's strategic merge patch (./strategic-merge.ts)
 * merges the list the same way, so that kubectl's client-side apply, which computes its patch from
 * them, sends what the fake applies as kube-apiserver would. Values are kube-apiserver's (its
 * generated OpenAPI, the `patchStrategy`/`patchMergeKey`/`listType` tags of k8s.io/api's types).
 * Atomic lists say so; the fake replaces them as upstream does. Lists upstream merges and the fake replaces (ServiceAccount `secrets`, PodStatus `podIPs`) carry
 * none: kubectl then sends the whole list, which the fake replaces, as the real server would.
 */
import type { JsonObject } from './types.js';

const merge = (key: string, listMapKeys?: readonly string[]): JsonObject => ({
  'x-kubernetes-patch-merge-key': key,
  'x-kubernetes-patch-strategy': 'merge',
  ...(listMapKeys ? { 'x-kubernetes-list-map-keys': [...listMapKeys], 'x-kubernetes-list-type': 'map' } : {}),
});

const BY_NAME = merge('name');
const BY_TYPE = merge('type');
const ATOMIC: JsonObject = { 'x-kubernetes-list-type': 'atomic' };
const CONTAINER_LISTS: Record<string, JsonObject> = {
  env: BY_NAME,
  ports: merge('containerPort', ['containerPort', 'protocol']),
  volumeDevices: merge('devicePath'),
  volumeMounts: merge('mountPath'),
};
const prefixed = (model: string, fields: Record<string, JsonObject>) => Object.entries(fields).map(([f, e]) => [`${model}.${f}`, e] as const);
const STATUS_WITH_CONDITIONS = [
  'V1DaemonSetStatus',
  'V1DeploymentStatus',
  'V1ReplicaSetStatus',
  'V1JobStatus',
  'V1NamespaceStatus',
  'V1NodeStatus',
  'V1PodStatus',
  'V1PersistentVolumeClaimStatus',
  'V1PodDisruptionBudgetStatus',
];

/** `x-kubernetes-patch-*` and `x-kubernetes-list-*` extensions of built-in fields. */
export const LIST_EXTENSIONS: ReadonlyMap<string, JsonObject> = new Map<string, JsonObject>([
  ...prefixed('V1PodSpec', {
    containers: BY_NAME,
    ephemeralContainers: BY_NAME,
    hostAliases: merge('ip'),
    imagePullSecrets: BY_NAME,
    initContainers: BY_NAME,
    resourceClaims: { ...merge('name', ['name']), 'x-kubernetes-patch-strategy': 'merge,retainKeys' },
    topologySpreadConstraints: merge('topologyKey', ['topologyKey', 'whenUnsatisfiable']),
    volumes: { ...BY_NAME, 'x-kubernetes-patch-strategy': 'merge,retainKeys' },
  }),
  ...prefixed('V1Container', CONTAINER_LISTS),
  ...prefixed('V1EphemeralContainer', CONTAINER_LISTS),
  ...prefixed('V1ServiceSpec', { clusterIPs: ATOMIC, ipFamilies: ATOMIC, ports: merge('port', ['port', 'protocol']) }),
  ...prefixed('V1LoadBalancerIngress', { ports: ATOMIC }),
  ...prefixed('V1IngressSpec', { rules: ATOMIC, tls: ATOMIC }),
  ...prefixed('V1IngressTLS', { hosts: ATOMIC }),
  ...prefixed('V1HTTPIngressRuleValue', { paths: ATOMIC }),
  ...prefixed('V1DeploymentSpec', { strategy: { 'x-kubernetes-patch-strategy': 'retainKeys' } }),
  ...prefixed('V1ServiceStatus', { conditions: merge('type', ['type']) }),
  ...prefixed('V1NodeStatus', { addresses: BY_TYPE }),
  ...STATUS_WITH_CONDITIONS.map((model) => [`${model}.conditions`, BY_TYPE] as const),
  ...prefixed('V1ObjectMeta', { finalizers: { 'x-kubernetes-patch-strategy': 'merge' }, ownerReferences: merge('uid') }),
]);

/** Fields whose values (or map values) are `resource.Quantity`s, which client-node types as strings. */
export const QUANTITY_FIELDS: ReadonlySet<string> = new Set([
  'V1EmptyDirVolumeSource.sizeLimit',
  'V1NodeStatus.allocatable',
  'V1NodeStatus.capacity',
  'V1PersistentVolumeClaimStatus.allocatedResources',
  'V1PersistentVolumeClaimStatus.capacity',
  'V1PodSpec.overhead',
  'V1ResourceFieldSelector.divisor',
  'V1ResourceRequirements.limits',
  'V1ResourceRequirements.requests',
  'V1VolumeResourceRequirements.limits',
  'V1VolumeResourceRequirements.requests',
  'V1ContainerStatus.allocatedResources',
]);

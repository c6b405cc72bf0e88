/** The built-in kinds the fake serves (internal). */
import { resourceType, type ResourceType, type ScalePaths } from './resource-type.js';
import type { JsonObject } from './types.js';

type Row = [group: string, version: string, plural: string, kind: string, scope: 'ns' | 'cluster', opts?: Opts];
interface Opts {
  /** The verbs served, when not every verb is (reviews are only created). */
  verbs?: string[];
  short?: string[];
  cat?: string[];
  status?: boolean;
  gen?: boolean;
  scale?: boolean;
}

const ALL = ['all'];
/** The self reviews (./rbac/self-reviews.ts): created, never stored. */
const REVIEW: Opts = { verbs: ['create'] };

/** Deployments, ReplicaSets and StatefulSets: `spec.replicas`, `status.replicas` and the `spec.selector` LabelSelector. */
const REPLICAS: ScalePaths = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.spec.selector' };

// Status and scale subresources and generation tracking follow kube-apiserver 1.32.
const ROWS: Row[] = [
  ['', 'v1', 'namespaces', 'Namespace', 'cluster', { short: ['ns'], status: true }],
  ['', 'v1', 'pods', 'Pod', 'ns', { short: ['po'], cat: ALL, status: true }],
  ['', 'v1', 'services', 'Service', 'ns', { short: ['svc'], cat: ALL, status: true }],
  ['', 'v1', 'endpoints', 'Endpoints', 'ns', { short: ['ep'] }],
  ['', 'v1', 'configmaps', 'ConfigMap', 'ns', { short: ['cm'] }],
  ['', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', 'ns', { short: ['pvc'], status: true }],
  ['', 'v1', 'secrets', 'Secret', 'ns'],
  ['', 'v1', 'serviceaccounts', 'ServiceAccount', 'ns', { short: ['sa'] }],
  ['', 'v1', 'events', 'Event', 'ns', { short: ['ev'] }],
  ['', 'v1', 'nodes', 'Node', 'cluster', { short: ['no'], status: true }],
  ['apps', 'v1', 'deployments', 'Deployment', 'ns', { short: ['deploy'], cat: ALL, status: true, gen: true, scale: true }],
  ['apps', 'v1', 'daemonsets', 'DaemonSet', 'ns', { short: ['ds'], cat: ALL, status: true, gen: true }],
  ['apps', 'v1', 'replicasets', 'ReplicaSet', 'ns', { short: ['rs'], cat: ALL, status: true, gen: true, scale: true }],
  // stored as they are sent: StatefulSet and ControllerRevision defaulting and validation are not modelled
  ['apps', 'v1', 'statefulsets', 'StatefulSet', 'ns', { short: ['sts'], cat: ALL, status: true, gen: true, scale: true }],
  ['apps', 'v1', 'controllerrevisions', 'ControllerRevision', 'ns'],
  // v1 only, as current servers by default (beta APIs are off by default: kubectl 1.27, which asks for v1beta1 and v1alpha1, finds none)
  ['authentication.k8s.io', 'v1', 'selfsubjectreviews', 'SelfSubjectReview', 'cluster', REVIEW],
  ['authorization.k8s.io', 'v1', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', 'cluster', REVIEW],
  ['authorization.k8s.io', 'v1', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', 'cluster', REVIEW],
  ['batch', 'v1', 'jobs', 'Job', 'ns', { cat: ALL, status: true, gen: true }],
  ['discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', 'ns'],
  ['networking.k8s.io', 'v1', 'ingresses', 'Ingress', 'ns', { short: ['ing'], status: true, gen: true }],
  ['networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', 'ns', { short: ['netpol'], gen: true }],
  ['rbac.authorization.k8s.io', 'v1', 'roles', 'Role', 'ns'],
  ['rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', 'cluster'],
  ['rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', 'ns'],
  ['rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', 'cluster'],
  ['policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', 'ns', { short: ['pdb'], status: true, gen: true }],
  ['coordination.k8s.io', 'v1', 'leases', 'Lease', 'ns'],
  ['events.k8s.io', 'v1', 'events', 'Event', 'ns', { short: ['ev'] }],
  [
    'apiextensions.k8s.io',
    'v1',
    'customresourcedefinitions',
    'CustomResourceDefinition',
    'cluster',
    { short: ['crd', 'crds'], cat: ['api-extensions'], status: true, gen: true },
  ],
];

/** The built-in resource types, in discovery order. */
export function builtinResources(): ResourceType[] {
  return ROWS.map(([group, version, plural, kind, scope, o = {}]) =>
    resourceType({
      group,
      version,
      ...(o.verbs ? { verbs: o.verbs } : {}),
      plural,
      kind,
      namespaced: scope === 'ns',
      shortNames: o.short ?? [],
      categories: o.cat ?? [],
      status: o.status ?? false,
      generation: o.gen ?? false,
      ...(o.scale ? { scale: REPLICAS } : {}),
    }),
  );
}

/** The streaming subresources of pods, as `/api/v1` lists them. */
export const POD_STREAMS: readonly JsonObject[] = [
  { name: 'pods/attach', singularName: '', namespaced: true, kind: 'PodAttachOptions', verbs: ['create', 'get'] },
  { name: 'pods/exec', singularName: '', namespaced: true, kind: 'PodExecOptions', verbs: ['create', 'get'] },
  { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
  { name: 'pods/portforward', singularName: '', namespaced: true, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
];

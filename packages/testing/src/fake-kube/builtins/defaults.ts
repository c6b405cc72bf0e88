/**
 * The defaults of built-in kinds (internal), applied on every write before validation, as
 * kube-apiserver's decoder defaults the versioned object and the registries' `PrepareForCreate`/
 * `PrepareForUpdate` fill in what they own. Which kind gets what: `pod-defaults.ts`,
 * `workload-defaults.ts`, `service-defaults.ts`, and here: RBAC `roleRef.apiGroup` and subjects'
 * `apiGroup`, NetworkPolicy `policyTypes` and port protocols, PersistentVolumeClaim `volumeMode` (and
 * `status.phase: Pending` on create),
 * Endpoints and EndpointSlice port protocols, the core Event fields Go always writes.
 */
import type { ResourceType } from '../resource-type.js';
import { isObject, type JsonObject, type KubeObject } from '../types.js';
import { objects } from './causes.js';
import { withCoreEventZeros } from './event-conversion.js';
import { defaultPodSpec, qosClass } from './pod-defaults.js';
import { defaultService, type Allocated } from './service-defaults.js';
import { defaultWorkload } from './workload-defaults.js';

/** What defaulting may look at besides the object. */
export interface DefaultsContext {
  /** The stored object, on an update. */
  readonly old?: KubeObject;
  /** The cluster IPs and node ports Services hold (read only when a Service is written). */
  readonly allocated: () => Allocated;
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function binding(obj: JsonObject): void {
  if (!isObject(obj.roleRef)) obj.roleRef = {};
  (obj.roleRef as JsonObject).apiGroup ||= RBAC_GROUP;
  for (const s of objects(obj.subjects)) {
    if (s.apiGroup) continue;
    if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = RBAC_GROUP;
  }
}

function networkPolicy(spec: JsonObject): void {
  for (const rule of [...objects(spec.ingress), ...objects(spec.egress)]) for (const p of objects(rule.ports)) p.protocol ||= 'TCP';
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) return;
  spec.policyTypes = Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

const specOf = (obj: JsonObject): JsonObject => {
  if (!isObject(obj.spec)) obj.spec = {};
  return obj.spec as JsonObject;
};

function pod(obj: JsonObject, old?: KubeObject): void {
  const spec = specOf(obj);
  defaultPodSpec(spec, true);
  if (!old && isObject(obj.status)) obj.status.qosClass ??= qosClass(spec);
}

/** Defaults a built-in object in place (custom resources have their schemas' defaults). */
export function applyBuiltinDefaults(rt: ResourceType, obj: KubeObject, ctx: DefaultsContext): void {
  const o = obj as JsonObject;
  switch (rt.key) {
    case '/pods':
      return pod(o, ctx.old);
    case '/services':
      return defaultService(obj, ctx.allocated, ctx.old);
    case 'apps/deployments':
    case 'apps/replicasets':
    case 'apps/daemonsets':
    case 'batch/jobs':
      return defaultWorkload(rt.key, obj, ctx.old);
    case 'rbac.authorization.k8s.io/rolebindings':
    case 'rbac.authorization.k8s.io/clusterrolebindings':
      return binding(o);
    case 'networking.k8s.io/networkpolicies':
      return networkPolicy(specOf(o));
    case '/persistentvolumeclaims':
      specOf(o).volumeMode ??= 'Filesystem';
      if (!ctx.old && isObject(o.status)) o.status.phase ??= 'Pending';
      return;
    case '/endpoints':
      for (const subset of objects(o.subsets)) for (const p of objects(subset.ports)) p.protocol ||= 'TCP';
      return;
    case 'discovery.k8s.io/endpointslices':
      for (const p of objects(o.ports)) p.protocol ||= 'TCP';
      return;
    case '/events':
      return withCoreEventZeros(o);
  }
}

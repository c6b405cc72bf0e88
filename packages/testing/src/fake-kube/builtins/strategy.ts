/**
 * What the registries' strategies of built-in kinds decide beyond defaults and validation
 * (internal), as kube-apiserver 1.32's `pkg/registry/<group>/<kind>/strategy.go`:
 * - `AllowCreateOnUpdate`: a PUT to a missing Endpoints, EndpointSlice, Event, Lease, Role,
 *   ClusterRole, RoleBinding or ClusterRoleBinding creates it (201); other kinds answer 404;
 * - Deployments bump `metadata.generation` on annotation changes too (they are copied to the
 *   ReplicaSets);
 * - a built-in kind's `/status` write takes the request's annotations and labels (Deployments keep
 *   their labels), as its status strategy resets only the spec: the deployment controller writes
 *   the revision annotation that way, without bumping the generation; custom resources take none;
 * - events.k8s.io Events are validated as the internal core Event, so a 422 names `Event` of
 *   the core group.
 */
import type { ResourceType } from '../resource-type.js';
import { deepEqual, type KubeObject } from '../types.js';
import { isEventsV1 } from './event-conversion.js';

const RBAC = 'rbac.authorization.k8s.io';
const CREATE_ON_UPDATE = new Set([
  '/endpoints',
  '/events',
  'events.k8s.io/events',
  'coordination.k8s.io/leases',
  'discovery.k8s.io/endpointslices',
  `${RBAC}/roles`,
  `${RBAC}/clusterroles`,
  `${RBAC}/rolebindings`,
  `${RBAC}/clusterrolebindings`,
]);

/** Whether a PUT to a missing object of this resource creates it. */
export const allowsCreateOnUpdate = (rt: ResourceType): boolean => rt.crd === undefined && CREATE_ON_UPDATE.has(rt.key);

/** Whether an update bumps `metadata.generation` beyond spec changes (a Deployment's annotations). */
export const annotationsBumpGeneration = (rt: ResourceType, old: KubeObject, next: KubeObject): boolean =>
  rt.key === 'apps/deployments' && !deepEqual(old.metadata.annotations ?? {}, next.metadata.annotations ?? {});

/** The group and kind a 422 of this resource names (events.k8s.io Events: the core Event). */
export const invalidKindOf = (rt: ResourceType): Pick<ResourceType, 'group' | 'kind'> => (isEventsV1(rt) ? { group: '', kind: 'Event' } : rt);

/** Takes into a `/status` write's result (`next`, the stored object with the new status) what its strategy lets the request change of the metadata. */
export function statusWriteMetadata(rt: ResourceType, next: KubeObject, incoming: KubeObject): void {
  if (rt.crd) return;
  const taken = rt.key === 'apps/deployments' ? (['annotations'] as const) : (['annotations', 'labels'] as const);
  for (const key of taken) {
    const value = incoming.metadata[key];
    if (value === undefined) delete next.metadata[key];
    else next.metadata[key] = value;
  }
}

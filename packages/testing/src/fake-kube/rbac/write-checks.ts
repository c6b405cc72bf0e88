/**
 * The checks RBAC makes on the object a write stores, after the request itself was authorized:
 * escalation prevention on roles and bindings (./escalation.ts), and `create` permission for a
 * patch or update that creates its object (server-side apply of a new object: the apiserver's
 * `withAuthorization` in staging/src/k8s.io/apiserver/pkg/endpoints/handlers/{patch,update}.go).
 */
import type { ObjectStore } from '../object-store.js';
import type { ResourceType } from '../resource-type.js';
import { internalError, notFound } from '../status.js';
import { deepEqual, isObject, type KubeObject } from '../types.js';
import { authorize, forbiddenError } from './authorizer.js';
import { escalationRefusal } from './escalation.js';
import { rulesOf } from './policy-rule.js';
import type { RequestAttributes } from './request-info.js';
import { RBAC_GROUP, registryMissing, roleRefOf, roleReferenceRules } from './rule-resolver.js';
import type { Requester } from './request-info.js';
import { isPrivileged } from './user.js';

/** Checks a write of `obj` (`old`: the stored object, on updates) by `requester`; throws the refusal. */
export type WriteCheck = (rt: ResourceType, obj: KubeObject, requester: Requester | undefined, old?: KubeObject) => void;

const ROLES = new Set(['roles', 'clusterroles']);
const BINDINGS = new Set(['rolebindings', 'clusterrolebindings']);

/** What the garbage collector may change without an escalation check (`IsOnlyMutatingGCFields`): owner references and finalizers. */
function onlyGcFieldsChange(obj: KubeObject, old: KubeObject | undefined): boolean {
  if (old === undefined) return false;
  const rest = (o: KubeObject) => {
    const { ownerReferences: _o, finalizers: _f, managedFields: _m, resourceVersion: _r, ...meta } = o.metadata as Record<string, unknown>;
    const kept = Object.entries(meta).filter(([, v]) => !(isObject(v) && Object.keys(v).length === 0));
    return { ...o, metadata: Object.fromEntries(kept) };
  };
  return deepEqual(rest(obj), rest(old));
}

/** Whether the request's user is allowed `verb` on `resource` `name` (the `escalate` and `bind` verbs). */
const allowed = (store: ObjectStore, request: RequestAttributes, attributes: Partial<RequestAttributes>) =>
  authorize(store, { ...request, subresource: '', ...attributes }).allowed;

/** A Role or ClusterRole: every rule it grants must be held (unless the user may `escalate`). */
function checkRole(store: ObjectStore, rt: ResourceType, obj: KubeObject, request: RequestAttributes): void {
  if (allowed(store, request, { verb: 'escalate' })) return;
  const refusal = escalationRefusal(store, request.user, obj.metadata.namespace ?? '', rulesOf(obj));
  if (refusal !== undefined) throw forbiddenError(rt.group, rt.plural, obj.metadata.name ?? '', refusal);
}

/** A RoleBinding or ClusterRoleBinding: the user may `bind` the role, or holds every rule of it (which must exist). */
function checkBinding(store: ObjectStore, rt: ResourceType, obj: KubeObject, request: RequestAttributes): void {
  const ref = roleRefOf(obj);
  const namespace = obj.metadata.namespace ?? '';
  const resource = ref.kind === 'ClusterRole' ? 'clusterroles' : 'roles';
  if (
    (ref.kind === 'Role' || ref.kind === 'ClusterRole') &&
    allowed(store, request, { verb: 'bind', apiGroup: ref.apiGroup, resource, namespace, name: ref.name })
  )
    return;
  const rules = roleReferenceRules(store, ref, namespace, registryMissing);
  if ('error' in rules) throw rules.missing ? notFound({ group: RBAC_GROUP, plural: resource }, ref.name) : internalError(rules.error);
  const refusal = escalationRefusal(store, request.user, namespace, rules);
  if (refusal !== undefined) throw forbiddenError(rt.group, rt.plural, obj.metadata.name ?? '', refusal);
}

/** The write checks of an RBAC-authorizing server over `store`. */
export function rbacWriteCheck(store: ObjectStore): WriteCheck {
  return (rt, obj, request, old) => {
    if (request === undefined) return;
    const rbac = rt.group === RBAC_GROUP && !isPrivileged(request.user) && !onlyGcFieldsChange(obj, old);
    if (rbac && ROLES.has(rt.plural)) checkRole(store, rt, obj, request);
    if (rbac && BINDINGS.has(rt.plural)) checkBinding(store, rt, obj, request);
    if (old !== undefined || request.verb === 'create') return;
    const decision = authorize(store, { ...request, verb: 'create' });
    if (!decision.allowed) throw forbiddenError(request.apiGroup, request.resource, request.name, decision.reason);
  };
}

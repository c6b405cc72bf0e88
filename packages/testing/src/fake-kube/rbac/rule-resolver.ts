/**
 * Which rules apply to a user in a namespace: those of the roles every ClusterRoleBinding binds
 * to it, then those of the RoleBindings of the namespace, as kube-apiserver's `DefaultRuleResolver`
 * visits them (pkg/registry/rbac/validation/rule.go), read from the fake's store.
 */
import type { ObjectStore } from '../object-store.js';
import { goQuote } from '../status.js';
import { isObject, type KubeObject, type StoredObject } from '../types.js';
import { rulesOf, type PolicyRule } from './policy-rule.js';
import { serviceAccountUser, type UserInfo } from './user.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';
const KEY = {
  roles: `${RBAC_GROUP}/roles`,
  clusterroles: `${RBAC_GROUP}/clusterroles`,
  rolebindings: `${RBAC_GROUP}/rolebindings`,
  clusterrolebindings: `${RBAC_GROUP}/clusterrolebindings`,
};

/** A binding's reference to the role it grants. */
export interface RoleRef {
  readonly apiGroup: string;
  readonly kind: string;
  readonly name: string;
}

/** A subject of a binding. */
export interface Subject {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** A stored binding's `roleRef`. */
export function roleRefOf(binding: KubeObject): RoleRef {
  const r = isObject(binding.roleRef) ? binding.roleRef : {};
  return { apiGroup: str(r.apiGroup), kind: str(r.kind), name: str(r.name) };
}

const subjectsOf = (binding: StoredObject): Subject[] =>
  (Array.isArray(binding.subjects) ? binding.subjects : [])
    .filter(isObject)
    .map((s) => ({ kind: str(s.kind), name: str(s.name), namespace: str(s.namespace) }));

/** Whether `subject` is `user` (a ServiceAccount without a namespace is one of the binding's namespace). */
function appliesTo(user: UserInfo, subject: Subject, namespace: string): boolean {
  if (subject.kind === 'User') return user.name === subject.name;
  if (subject.kind === 'Group') return user.groups.includes(subject.name);
  const saNamespace = subject.namespace || namespace;
  return subject.kind === 'ServiceAccount' && saNamespace !== '' && user.name === serviceAccountUser(saNamespace, subject.name);
}

/**
 * How a missing role is named: the authorizer reads informer caches (`role.rbac.authorization.k8s.io "x" not found`),
 * the escalation check the registry (`roles.rbac.authorization.k8s.io "x" not found`).
 */
export type MissingRole = (resource: 'roles' | 'clusterroles', name: string) => string;

export const listerMissing: MissingRole = (resource, name) => `${resource.slice(0, -1)}.${RBAC_GROUP} ${goQuote(name)} not found`;
export const registryMissing: MissingRole = (resource, name) => `${resource}.${RBAC_GROUP} ${goQuote(name)} not found`;

/** Why a role reference grants nothing: its role does not exist (`missing`), or its kind is neither Role nor ClusterRole. */
export interface RoleRefError {
  readonly error: string;
  readonly missing?: true;
}

/** The rules a role reference grants in `namespace`, or why it grants none. */
export function roleReferenceRules(store: ObjectStore, ref: RoleRef, namespace: string, missing: MissingRole): PolicyRule[] | RoleRefError {
  if (ref.kind !== 'Role' && ref.kind !== 'ClusterRole') return { error: `unsupported role reference kind: ${goQuote(ref.kind)}` };
  const resource = ref.kind === 'Role' ? 'roles' : 'clusterroles';
  const role = store.get(KEY[resource], ref.kind === 'Role' ? namespace : '', ref.name);
  return role === undefined ? { error: missing(resource, ref.name), missing: true } : rulesOf(role);
}

/** `ClusterRoleBinding "x" of ClusterRole "y" to User "z"`, as the authorizer's reasons describe a grant. */
function describe(binding: StoredObject, subject: Subject): string {
  const namespace = binding.metadata.namespace ?? '';
  const ref = roleRefOf(binding);
  const who = subject.kind === 'ServiceAccount' ? goQuote(`${subject.name}/${subject.namespace || namespace}`) : goQuote(subject.name);
  const name = namespace === '' ? binding.metadata.name : `${binding.metadata.name}/${namespace}`;
  return `${binding.kind as string} ${goQuote(name)} of ${ref.kind} ${goQuote(ref.name)} to ${subject.kind} ${who}`;
}

/** Called with each rule that applies (and where it comes from) or each error met; returns false to stop. */
export type RuleVisitor = (visit: { readonly source: string; readonly rule: PolicyRule } | { readonly error: string }) => boolean;

/** Visits the rules that apply to `user` in `namespace` (`''`: the cluster-wide ones only). */
export function visitRulesFor(store: ObjectStore, user: UserInfo, namespace: string, missing: MissingRole, visitor: RuleVisitor): void {
  const bindings = [...store.list(KEY.clusterrolebindings), ...(namespace === '' ? [] : store.list(KEY.rolebindings, namespace))];
  for (const binding of bindings) {
    const bindingNamespace = binding.metadata.namespace ?? '';
    const subject = subjectsOf(binding).find((s) => appliesTo(user, s, bindingNamespace));
    if (subject === undefined) continue;
    const rules = roleReferenceRules(store, roleRefOf(binding), bindingNamespace, missing);
    if ('error' in rules) {
      if (!visitor(rules)) return;
      continue;
    }
    const source = describe(binding, subject);
    for (const rule of rules) if (!visitor({ source, rule })) return;
  }
}

/** Every rule that applies to `user` in `namespace`, and the errors met on the way. */
export function rulesFor(store: ObjectStore, user: UserInfo, namespace: string, missing: MissingRole): { rules: PolicyRule[]; errors: string[] } {
  const found = { rules: [] as PolicyRule[], errors: [] as string[] };
  visitRulesFor(store, user, namespace, missing, (visit) => {
    if ('error' in visit) found.errors.push(visit.error);
    else found.rules.push(visit.rule);
    return true;
  });
  return found;
}

/**
 * RBAC's escalation prevention: a user may write a Role or ClusterRole only with every permission
 * it grants, and a RoleBinding or ClusterRoleBinding only to a role whose permissions it holds
 * (or with `escalate` on roles, `bind` on the role bound, or in `system:masters`), as
 * kube-apiserver's RBAC storage checks them (pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/policybased/storage.go,
 * pkg/registry/rbac/escalation_check.go, pkg/registry/rbac/validation/{rule,policy_compact}.go).
 */
import type { ObjectStore } from '../object-store.js';
import { goQuote } from '../status.js';
import { ALL, nonResourceUrlCovers, policyRule as rule, type PolicyRule } from './policy-rule.js';
import { registryMissing, rulesFor } from './rule-resolver.js';
import type { UserInfo } from './user.js';

/** One rule per group, resource, verb and name, and one per non-resource URL and verb. */
function breakdown(r: PolicyRule): PolicyRule[] {
  const names: readonly (string | undefined)[] = r.resourceNames.length > 0 ? r.resourceNames : [undefined];
  const resourceRules = r.apiGroups.flatMap((group) =>
    r.resources.flatMap((resource) =>
      r.verbs.flatMap((verb) =>
        names.map((name) => rule({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: name === undefined ? [] : [name] })),
      ),
    ),
  );
  return [...resourceRules, ...r.nonResourceURLs.flatMap((url) => r.verbs.map((verb) => rule({ nonResourceURLs: [url], verbs: [verb] })))];
}

const hasAll = (set: readonly string[], wanted: readonly string[]) => wanted.every((w) => set.includes(w));

/** `resource` covered exactly, by `*`, or (a subresource) by `*\/subresource`. */
const resourcesCovered = (set: readonly string[], wanted: readonly string[]) =>
  set.includes(ALL) || wanted.every((w) => set.includes(w) || (w.includes('/') && set.includes(`*/${w.slice(w.indexOf('/') + 1)}`)));

/** Whether `owner` grants everything the broken-down `sub` does. */
function covers(owner: PolicyRule, sub: PolicyRule): boolean {
  const names =
    sub.resourceNames.length === 0 ? owner.resourceNames.length === 0 : owner.resourceNames.length === 0 || hasAll(owner.resourceNames, sub.resourceNames);
  return (
    (owner.verbs.includes(ALL) || hasAll(owner.verbs, sub.verbs)) &&
    (owner.apiGroups.includes(ALL) || hasAll(owner.apiGroups, sub.apiGroups)) &&
    resourcesCovered(owner.resources, sub.resources) &&
    sub.nonResourceURLs.every((url) => owner.nonResourceURLs.some((o) => nonResourceUrlCovers(o, url))) &&
    names
  );
}

/** The broken-down rules of `wanted` that no rule of `held` covers. */
export function uncovered(held: readonly PolicyRule[], wanted: readonly PolicyRule[]): PolicyRule[] {
  return wanted.flatMap(breakdown).filter((sub) => !held.some((owner) => covers(owner, sub)));
}

/** Rules of one group, one resource and at most one name merged when they differ only by verb (`CompactRules`). */
function compact(rules: readonly PolicyRule[]): PolicyRule[] {
  const simple = new Map<string, PolicyRule>();
  const rest: PolicyRule[] = [];
  for (const r of rules) {
    if (r.nonResourceURLs.length > 0 || r.resourceNames.length > 1 || r.apiGroups.length !== 1 || r.resources.length !== 1) rest.push(r);
    else {
      const key = JSON.stringify([r.apiGroups[0], r.resources[0], r.resourceNames[0]]);
      const merged = simple.get(key);
      simple.set(key, merged ? { ...merged, verbs: [...merged.verbs, ...r.verbs] } : r);
    }
  }
  return [...rest, ...simple.values()];
}

/** Go's `%q` of a `[]string`: `["a" "b"]`. */
const quoteList = (list: readonly string[]) => `[${list.map(goQuote).join(' ')}]`;

/** `{APIGroups:["apps"], Resources:["deployments"], Verbs:["get"]}` (`rbacv1helpers.CompactString`). */
function compactString(r: PolicyRule): string {
  const fields: [string, readonly string[]][] = [
    ['APIGroups', r.apiGroups],
    ['Resources', r.resources],
    ['NonResourceURLs', r.nonResourceURLs],
    ['ResourceNames', r.resourceNames],
    ['Verbs', r.verbs],
  ];
  return `{${fields
    .filter(([, list]) => list.length > 0)
    .map(([name, list]) => `${name}:${quoteList(list)}`)
    .join(', ')}}`;
}

/**
 * Why `user` may not grant `rules` in `namespace` (`''`: cluster-wide): the permissions it does
 * not hold there (`ConfirmNoEscalation`); `undefined` when it holds them all.
 */
export function escalationRefusal(store: ObjectStore, user: UserInfo, namespace: string, rules: readonly PolicyRule[]): string | undefined {
  const held = rulesFor(store, user, namespace, registryMissing);
  const missing = uncovered(held.rules, rules);
  if (missing.length === 0) return undefined;
  const lines = [...new Set(compact(missing).map(compactString))].sort();
  const errors = held.errors.length > 0 ? `; resolution errors: [${held.errors.join(' ')}]` : '';
  return `user ${goQuote(user.name)} (groups=${quoteList(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}${errors}`;
}

/**
 * RBAC validation, as kube-apiserver 1.32's `pkg/apis/rbac/validation` (internal): each rule has
 * verbs and, unless it is about non-resource URLs (not in namespaced Roles), API groups and
 * resources; a binding's `roleRef` names a Role or ClusterRole (ClusterRoleBindings: a
 * ClusterRole) of `rbac.authorization.k8s.io` and never changes; its subjects are a named
 * ServiceAccount (with a namespace in ClusterRoleBindings), User or Group, with the right API group.
 */
import { type KubeObject, type StatusCause, isObject } from '../types.js';
import { invalid, invalidShown, notSupported, objects, required, str } from './causes.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** The causes of a Role's or ClusterRole's rules. */
export function roleErrors(obj: KubeObject, namespaced: boolean): StatusCause[] {
  const errs: StatusCause[] = [];
  objects(obj.rules).forEach((rule, i) => {
    const at = `rules[${i}]`;
    const count = (k: string) => (Array.isArray(rule[k]) ? (rule[k] as unknown[]).length : 0);
    if (count('verbs') === 0) errs.push(required(`${at}.verbs`, 'verbs must contain at least one value'));
    if (count('nonResourceURLs') > 0) {
      const urls = `[]string{${(rule.nonResourceURLs as unknown[]).map((u) => JSON.stringify(String(u))).join(', ')}}`;
      if (namespaced) errs.push(invalidShown(`${at}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'));
      if (count('apiGroups') + count('resources') + count('resourceNames') > 0)
        errs.push(invalidShown(`${at}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs'));
      return;
    }
    if (count('apiGroups') === 0) errs.push(required(`${at}.apiGroups`, 'resource rules must supply at least one api group'));
    if (count('resources') === 0) errs.push(required(`${at}.resources`, 'resource rules must supply at least one resource'));
  });
  return errs;
}

function subjectErrors(subject: Record<string, unknown>, at: string, namespaced: boolean): StatusCause[] {
  const errs: StatusCause[] = [];
  const [kind, apiGroup] = [str(subject.kind), str(subject.apiGroup)];
  if (str(subject.name) === '') errs.push(required(`${at}.name`));
  if (kind === 'ServiceAccount') {
    if (apiGroup !== '') errs.push(notSupported(`${at}.apiGroup`, apiGroup, ['']));
    if (!namespaced && str(subject.namespace) === '') errs.push(required(`${at}.namespace`));
  } else if (kind === 'User' || kind === 'Group') {
    if (apiGroup !== RBAC_GROUP) errs.push(notSupported(`${at}.apiGroup`, apiGroup, [RBAC_GROUP]));
  } else errs.push(notSupported(`${at}.kind`, kind, ['ServiceAccount', 'User', 'Group']));
  return errs;
}

const goRoleRef = (ref: Record<string, unknown>): string =>
  `rbac.RoleRef{APIGroup:${JSON.stringify(str(ref.apiGroup))}, Kind:${JSON.stringify(str(ref.kind))}, Name:${JSON.stringify(str(ref.name))}}`;

/** The causes of a RoleBinding (`namespaced`) or ClusterRoleBinding; `old` on an update. */
export function bindingErrors(obj: KubeObject, namespaced: boolean, old?: KubeObject): StatusCause[] {
  const ref = isObject(obj.roleRef) ? obj.roleRef : {};
  const errs: StatusCause[] = [];
  if (str(ref.apiGroup) !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', str(ref.apiGroup), [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(str(ref.kind))) errs.push(notSupported('roleRef.kind', str(ref.kind), kinds));
  const name = str(ref.name);
  if (name === '') errs.push(required('roleRef.name'));
  else for (const bad of ['/', '%'].filter((c) => name.includes(c))) errs.push(invalid('roleRef.name', name, `may not contain '${bad}'`));
  objects(obj.subjects).forEach((s, i) => errs.push(...subjectErrors(s, `subjects[${i}]`, namespaced)));
  const before = old && isObject(old.roleRef) ? old.roleRef : undefined;
  if (before && ['apiGroup', 'kind', 'name'].some((k) => str(before[k]) !== str(ref[k])))
    errs.push(invalidShown('roleRef', goRoleRef(ref), 'cannot change roleRef'));
  return errs;
}

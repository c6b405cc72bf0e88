/**
 * RBAC's policy rules and whether one allows a request, as kube-apiserver's RBAC authorizer
 * decides it (plugin/pkg/auth/authorizer/rbac/rbac.go `RuleAllows`, pkg/apis/rbac/v1/evaluation_helpers.go).
 */
import { isObject, type KubeObject } from '../types.js';
import type { RequestAttributes } from './request-info.js';

/** One rule of a Role or ClusterRole, its lists read from the stored object (absent: empty). */
export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

/** Matches every verb, group, resource or non-resource URL. */
export const ALL = '*';

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** A stored rule (JSON; absent lists are empty) as a {@link PolicyRule}. */
export function policyRule(raw: unknown): PolicyRule {
  const r = isObject(raw) ? raw : {};
  return {
    verbs: strings(r.verbs),
    apiGroups: strings(r.apiGroups),
    resources: strings(r.resources),
    resourceNames: strings(r.resourceNames),
    nonResourceURLs: strings(r.nonResourceURLs),
  };
}

/** The rules of a stored Role or ClusterRole. */
export const rulesOf = (role: KubeObject): PolicyRule[] => (Array.isArray(role.rules) ? role.rules.map(policyRule) : []);

const has = (list: readonly string[], value: string) => list.includes(ALL) || list.includes(value);

/** `resource/subresource` matches itself, `*`, and `*\/subresource`. */
function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  return rule.resources.some((r) => r === ALL || r === combined || (subresource !== '' && r === `*/${subresource}`));
}

/** A rule without resourceNames matches every name (and none); one with them, only those. */
const resourceNameMatches = (rule: PolicyRule, name: string) => rule.resourceNames.length === 0 || rule.resourceNames.includes(name);

/** `*`, the exact path, or a prefix ending in `*`. */
export const nonResourceUrlCovers = (ruleUrl: string, path: string) =>
  ruleUrl === ALL || ruleUrl === path || (ruleUrl.endsWith('*') && path.startsWith(ruleUrl.replace(/\*+$/, '')));

/** Whether `rule` allows the request. */
export function ruleAllows(request: RequestAttributes, rule: PolicyRule): boolean {
  if (!has(rule.verbs, request.verb)) return false;
  if (!request.resourceRequest) return rule.nonResourceURLs.some((url) => nonResourceUrlCovers(url, request.path));
  const combined = request.subresource === '' ? request.resource : `${request.resource}/${request.subresource}`;
  return has(rule.apiGroups, request.apiGroup) && resourceMatches(rule, combined, request.subresource) && resourceNameMatches(rule, request.name);
}

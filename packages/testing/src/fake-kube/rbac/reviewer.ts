/**
 * What the self reviews ask of the server's authorizer: a decision on one request
 * (SelfSubjectAccessReview) and the rules a user holds in a namespace (SelfSubjectRulesReview), as
 * kube-apiserver's `authorizer.Authorizer` and `authorizer.RuleResolver` answer them — by RBAC
 * (plugin/pkg/auth/authorizer/rbac/rbac.go `RulesFor`) or, when the fake authorizes nobody, as
 * `--authorization-mode=AlwaysAllow` does (staging/src/k8s.io/apiserver/pkg/authorization/authorizerfactory/builtin.go).
 */
import type { ObjectStore } from '../object-store.js';
import { aggregate, authorize, type Decision } from './authorizer.js';
import { ALL } from './policy-rule.js';
import type { RequestAttributes } from './request-info.js';
import { listerMissing, rulesFor } from './rule-resolver.js';
import type { UserInfo } from './user.js';

/** An `authorization.k8s.io/v1` ResourceRule (empty lists left out, as Go's `omitempty` does). */
export interface ResourceRule {
  readonly verbs: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
}

/** An `authorization.k8s.io/v1` NonResourceRule. */
export interface NonResourceRule {
  readonly verbs: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** A `SubjectRulesReviewStatus`: the rules, whether the list may be incomplete, and what went wrong resolving them. */
export interface RulesStatus {
  readonly resourceRules: readonly ResourceRule[];
  readonly nonResourceRules: readonly NonResourceRule[];
  readonly incomplete: boolean;
  readonly evaluationError?: string;
}

/** The authorizer the self reviews consult. */
export interface Reviewer {
  /** Whether `request` is allowed, and why. */
  decide(request: RequestAttributes): Decision;
  /** The rules `user` holds in `namespace`. */
  rulesFor(user: UserInfo, namespace: string): RulesStatus;
}

/** `--authorization-mode=AlwaysAllow`: everything is allowed, and every user holds `*` on everything. */
export const alwaysAllow: Reviewer = {
  decide: () => ({ allowed: true, reason: '' }),
  rulesFor: () => ({
    resourceRules: [{ verbs: [ALL], apiGroups: [ALL], resources: [ALL] }],
    nonResourceRules: [{ verbs: [ALL], nonResourceURLs: [ALL] }],
    incomplete: false,
  }),
};

/** `list` unless empty (`omitempty`). */
const some = <K extends string>(key: K, list: readonly string[]) => (list.length === 0 ? {} : ({ [key]: [...list] } as Record<K, string[]>));

/**
 * RBAC: the rules of the roles bound to the user, cluster-wide then in the namespace; each rule
 * with resources is a resource rule, each with non-resource URLs a non-resource rule (a rule with
 * both, both); the roles the bindings name but that do not exist are the evaluation error.
 */
export function rbacReviewer(store: ObjectStore): Reviewer {
  return {
    decide: (request) => authorize(store, request),
    rulesFor(user, namespace) {
      const { rules, errors } = rulesFor(store, user, namespace, listerMissing);
      const resourceRules = rules
        .filter((r) => r.resources.length > 0)
        .map((r) => ({ verbs: [...r.verbs], ...some('apiGroups', r.apiGroups), resources: [...r.resources], ...some('resourceNames', r.resourceNames) }));
      const nonResourceRules = rules.filter((r) => r.nonResourceURLs.length > 0).map((r) => ({ verbs: [...r.verbs], nonResourceURLs: [...r.nonResourceURLs] }));
      return { resourceRules, nonResourceRules, incomplete: false, ...(errors.length > 0 ? { evaluationError: aggregate(errors) } : {}) };
    },
  };
}

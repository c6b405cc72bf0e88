import { describe, expect, it } from 'vitest';
import { alwaysAllow, rbacReviewer } from './reviewer.js';
import { binding, request, role, storeWith, user } from './test-support.js';

const alice = user('alice', 'team');

describe('the rules RBAC lists for a user (SelfSubjectRulesReview)', () => {
  it('lists rules with resources as resource rules, the others as non-resource rules, cluster-wide rules first, resourceNames only when given', () => {
    const store = storeWith(
      role('mixed', [
        { verbs: ['get'], nonResourceURLs: ['/metrics'] },
        { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
      ]),
      binding('mixed', 'ClusterRole:mixed', ['Group:team']),
      role('named', [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }], 'ns'),
      binding('named', 'Role:named', ['User:alice'], 'ns'),
    );
    expect(rbacReviewer(store).rulesFor(alice, 'ns')).toEqual({
      resourceRules: [
        { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
        { verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] },
      ],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }],
      incomplete: false,
    });
    expect(rbacReviewer(store).rulesFor(alice, 'other').resourceRules).toEqual([{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]);
  });

  it('names the roles its bindings name that do not exist, as one aggregate', () => {
    const store = storeWith(binding('a', 'Role:ghost', ['User:alice'], 'ns'), binding('b', 'ClusterRole:phantom', ['User:alice'], 'ns'));
    expect(rbacReviewer(store).rulesFor(alice, 'ns')).toEqual({
      resourceRules: [],
      nonResourceRules: [],
      incomplete: false,
      evaluationError: '[role.rbac.authorization.k8s.io "ghost" not found, clusterrole.rbac.authorization.k8s.io "phantom" not found]',
    });
  });

  it('decides access reviews as the authorizer does', () => {
    const store = storeWith(role('r', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], 'ns'), binding('r', 'Role:r', ['User:alice'], 'ns'));
    expect(rbacReviewer(store).decide(request(alice, 'get', '/pods', 'ns')).allowed).toBe(true);
    expect(rbacReviewer(store).decide(request(alice, 'get', '/pods', 'other'))).toEqual({ allowed: false, reason: '' });
  });
});

describe('AlwaysAllow', () => {
  it('allows everything, and lists * on everything for anyone', () => {
    expect(alwaysAllow.decide(request(alice, 'delete', '/namespaces', '', 'kube-system'))).toEqual({ allowed: true, reason: '' });
    expect(alwaysAllow.rulesFor(alice, 'ns')).toEqual({
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: false,
    });
  });
});

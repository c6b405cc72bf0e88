/** RBAC's decisions over stored roles and bindings, and the reasons kube-apiserver gives for them. */
import { describe, expect, it } from 'vitest';
import { aggregate, authorize, requestForbidden } from './authorizer.js';
import { policyRule, ruleAllows } from './policy-rule.js';
import { binding, request, role, storeWith, user } from './test-support.js';

const alice = user('alice', 'team');

describe('ruleAllows', () => {
  it.each([
    [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }, 'get /configmaps a', true],
    [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, 'patch apps/deployments/scale d', true],
    [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'] }, 'get apps/deployments/scale d', false],
    [{ verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/scale'] }, 'get apps/deployments/scale d', true],
    [{ verbs: ['get'], apiGroups: ['apps'], resources: ['*/scale'] }, 'get apps/replicasets/scale r', true],
    [{ verbs: ['get'], apiGroups: ['apps'], resources: ['*/scale'] }, 'get apps/replicasets r', false],
    [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, 'get /configmaps a', true],
    [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, 'get /configmaps b', false],
    [{ verbs: ['list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, 'list /configmaps', false],
    [{ verbs: ['get'], apiGroups: ['apps'], resources: ['configmaps'] }, 'get /configmaps a', false],
    [{ verbs: ['get'], nonResourceURLs: ['*'] }, 'get /configmaps a', false],
  ])('%j allows %s: %s', (rule, what, expected) => {
    const [verb = '', groupResource = '', name = ''] = what.split(' ');
    expect(ruleAllows(request(alice, verb, groupResource, 'ns', name), policyRule(rule))).toBe(expected);
  });

  it.each([
    [['/metrics'], '/metrics', true],
    [['/api/*'], '/api/v1', true],
    [['/api/*'], '/api', false],
    [['/api*'], '/apis', true],
    [['*'], '/anything', true],
  ])('nonResourceURLs %j allow get %s: %s', (urls, path, expected) => {
    const nonResource = { ...request(alice, 'get', ''), resourceRequest: false, path };
    expect(ruleAllows(nonResource, policyRule({ verbs: ['get'], nonResourceURLs: urls }))).toBe(expected);
    expect(ruleAllows({ ...nonResource, verb: 'post' }, policyRule({ verbs: ['get'], nonResourceURLs: urls }))).toBe(false);
  });
});

describe('authorize', () => {
  const readConfigMaps = [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'] }];

  it('allows by a RoleBinding in the request’s namespace only, and says which', () => {
    const store = storeWith(role('reader', readConfigMaps, 'ns'), binding('alice-reads', 'Role:reader', ['User:alice'], 'ns'));
    expect(authorize(store, request(alice, 'list', '/configmaps', 'ns'))).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by RoleBinding "alice-reads/ns" of Role "reader" to User "alice"',
    });
    expect(authorize(store, request(alice, 'list', '/configmaps', 'other'))).toEqual({ allowed: false, reason: '' });
    expect(authorize(store, request(alice, 'list', '/configmaps'))).toEqual({ allowed: false, reason: '' });
    expect(authorize(store, request(alice, 'delete', '/configmaps', 'ns', 'x')).allowed).toBe(false);
  });

  it('allows by a ClusterRoleBinding everywhere; a RoleBinding of a ClusterRole in its namespace; groups and ServiceAccounts as subjects', () => {
    const store = storeWith(
      role('reader', readConfigMaps),
      binding('team-reads', 'ClusterRole:reader', ['Group:team']),
      binding('sa-reads', 'ClusterRole:reader', ['ServiceAccount:robot'], 'ns'),
    );
    expect(authorize(store, request(alice, 'get', '/configmaps', 'other', 'x')).reason).toBe(
      'RBAC: allowed by ClusterRoleBinding "team-reads" of ClusterRole "reader" to Group "team"',
    );
    const robot = user('system:serviceaccount:ns:robot');
    expect(authorize(store, request(robot, 'get', '/configmaps', 'ns', 'x')).reason).toBe(
      'RBAC: allowed by RoleBinding "sa-reads/ns" of ClusterRole "reader" to ServiceAccount "robot/ns"',
    );
    expect(authorize(store, request(robot, 'get', '/configmaps', 'other', 'x')).allowed).toBe(false);
    expect(authorize(store, request(user('bob'), 'get', '/configmaps', 'other', 'x')).allowed).toBe(false);
  });

  it('lets system:masters do anything, with nothing bound', () => {
    expect(authorize(storeWith(), request(user('root', 'system:masters'), 'delete', '/namespaces', '', 'kube-system'))).toEqual({ allowed: true, reason: '' });
  });

  it('names the roles it could not find in the reason of a refusal, as the informer caches name them', () => {
    const store = storeWith(
      binding('dangling', 'Role:ghost', ['User:alice'], 'ns'),
      binding('dangling-cluster', 'ClusterRole:phantom', ['User:alice']),
      binding('not-mine', 'Role:ghost', ['User:bob'], 'ns'),
    );
    expect(authorize(store, request(alice, 'list', '/secrets', 'ns')).reason).toBe(
      'RBAC: [clusterrole.rbac.authorization.k8s.io "phantom" not found, role.rbac.authorization.k8s.io "ghost" not found]',
    );
    expect(aggregate(['a', 'a'])).toBe('a');
  });
});

describe('requestForbidden', () => {
  it('words the 403 as kube-apiserver does: the qualified resource, name, verb, subresource and where', () => {
    expect(requestForbidden(request(alice, 'get', 'apps/deployments/scale', 'ns', 'd'), '').status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "d" is forbidden: User "alice" cannot get resource "deployments/scale" in API group "apps" in the namespace "ns"',
      reason: 'Forbidden',
      details: { name: 'd', group: 'apps', kind: 'deployments' },
      code: 403,
    });
    expect(requestForbidden(request(alice, 'list', '/configmaps'), 'RBAC: x').status).toMatchObject({
      message: 'configmaps is forbidden: User "alice" cannot list resource "configmaps" in API group "" at the cluster scope: RBAC: x',
      details: { kind: 'configmaps' },
    });
    const path = { ...request(alice, 'get', ''), resourceRequest: false, path: '/a<b>&c' };
    expect(requestForbidden(path, '').status).toMatchObject({ message: 'forbidden: User "alice" cannot get path "/a&lt;b&gt;&amp;c"', details: {} });
  });
});

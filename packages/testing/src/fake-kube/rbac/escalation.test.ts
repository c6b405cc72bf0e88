/** RBAC's escalation check: which permissions a user may grant, and how a refusal lists what it lacks. */
import { describe, expect, it } from 'vitest';
import { escalationRefusal, uncovered } from './escalation.js';
import { policyRule } from './policy-rule.js';
import { binding, role, storeWith, user } from './test-support.js';

const rules = (...raw: object[]) => raw.map(policyRule);

describe('uncovered', () => {
  it.each([
    ['an exact rule', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, 0],
    [
      'wildcards',
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      { verbs: ['get', 'list'], apiGroups: ['', 'apps'], resources: ['pods', 'deployments/scale'] },
      0,
    ],
    [
      '*/subresource',
      { verbs: ['get'], apiGroups: ['apps'], resources: ['*/scale'] },
      { verbs: ['get'], apiGroups: ['apps'], resources: ['deployments/scale'] },
      0,
    ],
    [
      'not a resource by its subresource',
      { verbs: ['get'], apiGroups: ['apps'], resources: ['*/scale'] },
      { verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'] },
      1,
    ],
    [
      'names by all',
      { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
      { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a', 'b'] },
      0,
    ],
    [
      'names by the same names',
      { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a', 'b'] },
      { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['b'] },
      0,
    ],
    [
      'all by some names',
      { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] },
      { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
      1,
    ],
    ['URLs by a prefix', { verbs: ['get'], nonResourceURLs: ['/api/*'] }, { verbs: ['get'], nonResourceURLs: ['/api/v1', '/apis'] }, 1],
    [
      'one verb of three',
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] },
      { verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: ['pods'] },
      1,
    ],
  ])('%s: %d uncovered', (_, held, wanted, count) => {
    expect(uncovered(rules(held), rules(wanted))).toHaveLength(count);
  });
});

describe('escalationRefusal', () => {
  const alice = user('alice', 'team');
  const writer = [
    { verbs: ['create'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'] },
    { verbs: ['get'], apiGroups: [''], resources: ['configmaps'] },
  ];

  it('lists what is not held, broken down, merged by verb and sorted, as kube-apiserver 1.20 does', () => {
    const store = storeWith(role('writer', writer, 'ns'), binding('writer', 'Role:writer', ['User:alice'], 'ns'));
    const wanted = rules(
      { verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps', 'secrets'] },
      { verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['a', 'b'] },
      { verbs: ['get'], nonResourceURLs: ['/metrics'] },
    );
    // the message a v1.20.2 kube-apiserver gave for this role
    expect(escalationRefusal(store, alice, 'ns', wanted)).toBe(
      [
        'user "alice" (groups=["team" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:',
        '{APIGroups:[""], Resources:["configmaps"], Verbs:["list"]}',
        '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}',
        '{APIGroups:["apps"], Resources:["deployments"], ResourceNames:["a"], Verbs:["get"]}',
        '{APIGroups:["apps"], Resources:["deployments"], ResourceNames:["b"], Verbs:["get"]}',
        '{NonResourceURLs:["/metrics"], Verbs:["get"]}',
      ].join('\n'),
    );
    expect(escalationRefusal(store, alice, 'ns', rules({ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['x'] }))).toBeUndefined();
    // held in namespace ns only
    expect(escalationRefusal(store, alice, 'other', rules({ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }))).toMatch(/not currently held/);
  });

  it('counts only cluster-wide grants for cluster-scoped writes, and adds the roles it could not resolve', () => {
    const store = storeWith(
      role('reader', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]),
      binding('reader', 'ClusterRole:reader', ['User:alice'], 'ns'),
      binding('dangling', 'ClusterRole:ghost', ['Group:team']),
    );
    const wanted = rules({ verbs: ['get'], apiGroups: [''], resources: ['pods'] });
    expect(escalationRefusal(store, alice, 'ns', wanted)).toBeUndefined();
    expect(escalationRefusal(store, alice, '', wanted)).toBe(
      'user "alice" (groups=["team" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n' +
        '{APIGroups:[""], Resources:["pods"], Verbs:["get"]}; resolution errors: [clusterroles.rbac.authorization.k8s.io "ghost" not found]',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { denied, grantsFor, unused } from './rbac.js';

const manifests = `
kind: ClusterRole
metadata: { name: everywhere }
rules:
  - { apiGroups: [""], resources: ["pods"], verbs: ["list"] }
---
kind: ClusterRoleBinding
metadata: { name: everywhere }
roleRef: { kind: ClusterRole, name: everywhere }
subjects: [{ kind: ServiceAccount, name: op, namespace: ops }]
---
kind: Role
metadata: { name: local, namespace: ops }
rules:
  - { apiGroups: [""], resources: ["configmaps"], resourceNames: ["ledger"], verbs: ["update"] }
---
kind: RoleBinding
metadata: { name: local, namespace: ops }
roleRef: { kind: Role, name: local }
subjects: [{ kind: ServiceAccount, name: op, namespace: ops }]
---
kind: ClusterRoleBinding
metadata: { name: someone-else }
roleRef: { kind: ClusterRole, name: everywhere }
subjects: [{ kind: ServiceAccount, name: other, namespace: ops }]
`;

describe('RBAC check', () => {
  const grants = grantsFor(manifests, { name: 'op', namespace: 'ops' });

  it('binds ClusterRoles everywhere and Roles in their namespace, by name where they say so', () => {
    expect(grants.map((g) => [g.role, g.namespace])).toEqual([
      ['everywhere', undefined],
      ['local', 'ops'],
    ]);
    const ledger = { verb: 'update', group: '', resource: 'configmaps', namespace: 'ops', name: 'ledger' };
    expect(denied(grants, [ledger, { verb: 'list', group: '', resource: 'pods', namespace: 'a' }])).toEqual([]);
    expect(
      denied(grants, [
        { ...ledger, name: 'other' },
        { ...ledger, namespace: 'elsewhere' },
        { verb: 'list', group: '', resource: 'pods/log' },
      ]),
    ).toEqual(['/configmaps:update in elsewhere', '/configmaps:update in ops', '/pods/log:list']);
  });

  it('reports each verb granted that no request used', () => {
    expect(unused(grants, [{ verb: 'list', group: '', resource: 'pods' }])).toEqual(['local: /configmaps:update']);
  });
});

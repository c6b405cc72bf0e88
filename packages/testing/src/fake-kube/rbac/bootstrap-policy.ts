/**
 * The default ClusterRoles and ClusterRoleBindings an RBAC-authorizing fake starts with: the part
 * of kube-apiserver's bootstrap policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go)
 * every client meets: `cluster-admin` for `system:masters`, discovery, health and version for
 * every authenticated user, and self reviews. (Not the aggregated `admin`, `edit` and
 * `view`, nor the roles of the control plane's own components.)
 */
import { RBAC_GROUP } from './rule-resolver.js';

const DEFAULTS = { labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } };
const HEALTH = ['/healthz', '/livez', '/readyz', '/version', '/version/'];

/** Each default ClusterRole, its rules, and the groups its ClusterRoleBinding (of the same name) binds it to. */
const POLICY: readonly { readonly name: string; readonly rules: readonly object[]; readonly groups: readonly string[] }[] = [
  {
    name: 'cluster-admin',
    rules: [
      { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
      { verbs: ['*'], nonResourceURLs: ['*'] },
    ],
    groups: ['system:masters'],
  },
  {
    name: 'system:discovery',
    rules: [
      {
        verbs: ['get'],
        nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'],
      },
    ],
    groups: ['system:authenticated'],
  },
  {
    name: 'system:basic-user',
    rules: [
      { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
      // from 1.28 (SelfSubjectReview GA)
      { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
    ],
    groups: ['system:authenticated'],
  },
  { name: 'system:public-info-viewer', rules: [{ verbs: ['get'], nonResourceURLs: HEALTH }], groups: ['system:authenticated', 'system:unauthenticated'] },
];

/** The default ClusterRoles, then their ClusterRoleBindings. */
export function bootstrapPolicy(): object[] {
  const apiVersion = `${RBAC_GROUP}/v1`;
  return [
    ...POLICY.map(({ name, rules }) => ({ apiVersion, kind: 'ClusterRole', metadata: { name, ...DEFAULTS }, rules })),
    ...POLICY.map(({ name, groups }) => ({
      apiVersion,
      kind: 'ClusterRoleBinding',
      metadata: { name, ...DEFAULTS },
      roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name },
      subjects: groups.map((group) => ({ kind: 'Group', apiGroup: RBAC_GROUP, name: group })),
    })),
  ];
}

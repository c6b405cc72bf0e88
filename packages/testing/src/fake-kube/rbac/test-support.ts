/** Stores of roles and bindings for the RBAC module's tests (internal). */
import { KubeApi, type WriteOptions } from '../kube-api.js';
import type { ObjectStore } from '../object-store.js';
import type { RequestAttributes } from './request-info.js';
import { RBAC_GROUP } from './rule-resolver.js';
import { SYSTEM_AUTHENTICATED, type UserInfo } from './user.js';

const SEED: WriteOptions = { manager: 'test', dryRun: false, fieldValidation: 'Ignore', force: false, warnings: [] };
const apiVersion = `${RBAC_GROUP}/v1`;

/** User `name` in `groups` (and `system:authenticated`). */
export const user = (name: string, ...groups: string[]): UserInfo => ({ name, groups: [...groups, SYSTEM_AUTHENTICATED] });

/** A Role (in `namespace`) or a ClusterRole (without). */
export const role = (name: string, rules: readonly object[], namespace?: string) =>
  namespace === undefined ? { apiVersion, kind: 'ClusterRole', metadata: { name }, rules } : { apiVersion, kind: 'Role', metadata: { name, namespace }, rules };

/** A RoleBinding (in `namespace`) or a ClusterRoleBinding (without) of `roleRef` to User/Group/ServiceAccount `subjects` (`Kind:name[:namespace]`). */
export function binding(name: string, roleRef: `${'Role' | 'ClusterRole'}:${string}`, subjects: readonly string[], namespace?: string) {
  const [kind, roleName] = roleRef.split(':') as [string, string];
  const meta = namespace === undefined ? { name } : { name, namespace };
  return {
    apiVersion,
    kind: namespace === undefined ? 'ClusterRoleBinding' : 'RoleBinding',
    metadata: meta,
    roleRef: { apiGroup: RBAC_GROUP, kind, name: roleName },
    subjects: subjects.map((s) => {
      const [subjectKind, subjectName, subjectNamespace] = s.split(':') as [string, string, string?];
      return { kind: subjectKind, name: subjectName, ...(subjectNamespace ? { namespace: subjectNamespace } : {}) };
    }),
  };
}

/** A store holding `objects` (namespaces `ns` and `other` exist). */
export function storeWith(...objects: readonly { kind: string; metadata: { namespace?: string } }[]): ObjectStore {
  const api = new KubeApi(100);
  for (const name of ['ns', 'other']) api.create(api.registry.find('', 'v1', 'namespaces')!, 'v1', '', { metadata: { name } }, SEED);
  for (const object of objects) api.create(api.registry.findKind(RBAC_GROUP, object.kind)!, 'v1', object.metadata.namespace ?? '', object, SEED);
  return api.store;
}

/** A resource request of `who`: `verb group/resource[/subresource] [name]` in `namespace`. */
export function request(who: UserInfo, verb: string, groupResource: string, namespace = '', name = ''): RequestAttributes {
  const [group = '', resource = '', subresource = ''] = groupResource.split('/');
  return { user: who, resourceRequest: true, verb, path: '', apiGroup: group, apiVersion: 'v1', namespace, resource, subresource, name };
}

/**
 * RBAC authorization, as a user other than the admin meets it: refusals in kube-apiserver's
 * words, what Roles and ClusterRoles bound to the user (or its group) allow — verbs, resource
 * names, subresources, namespaces — `kubectl auth can-i` (SelfSubjectAccessReview), and the
 * escalation check on writes of roles and bindings (one may grant only what one holds; a
 * RoleBinding to a Role that does not exist yet is refused 404 unless one may `bind` it).
 * The real server's authorizer reads bindings from an informer cache: after a grant, a case waits
 * until the server says the user may (`allowedSoon`).
 */
import { CertificateResource, defineResource } from '@kubeception/sdk';
import {
  ClusterRoleBindingResource,
  ClusterRoleResource,
  ConfigMapResource,
  NamespaceResource,
  RoleBindingResource,
  RoleResource,
  type KubeError,
} from '@kubeception/sdk/kube';
import type { Result } from 'neverthrow';
import { describe, expect, it, onTestFinished } from 'vitest';
import { certificate, eventually, useTarget, type Identity } from './target.js';

const { target, resource, ns } = useTarget('rbac');

const RBAC = 'rbac.authorization.k8s.io';
const SelfSubjectAccessReviewResource = defineResource({
  group: 'authorization.k8s.io',
  version: 'v1',
  kind: 'SelfSubjectAccessReview',
  plural: 'selfsubjectaccessreviews',
  scope: 'Cluster',
});

/** What a SelfSubjectAccessReview asks: a resource request (`namespace` defaults to the file's) or a non-resource one. */
type Attributes =
  | {
      readonly verb: string;
      readonly resource: string;
      readonly group?: string;
      readonly subresource?: string;
      readonly name?: string;
      readonly namespace?: string;
    }
  | { readonly verb: string; readonly path: string };

/** The answer to `kubectl auth can-i` as `who`. */
async function canI(who: Identity, attributes: Attributes): Promise<{ allowed: boolean; reason?: string }> {
  const spec = 'path' in attributes ? { nonResourceAttributes: attributes } : { resourceAttributes: { namespace: ns(), ...attributes } };
  const review = await who.kube
    .resource(SelfSubjectAccessReviewResource)
    .create({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {}, spec } as never);
  return (review._unsafeUnwrap() as unknown as { status: { allowed: boolean; reason?: string } }).status;
}

/** Waits until the server's authorizer has seen a grant: `who` may do `attributes`. */
const allowedSoon = (who: Identity, attributes: Attributes) =>
  eventually(async () => (await canI(who, attributes)).allowed, 10_000, `${who.name} may ${JSON.stringify(attributes)}`);

type Rule = { readonly verbs: string[]; readonly apiGroups?: string[]; readonly resources?: string[]; readonly resourceNames?: string[] };

const role = (name: string, rules: readonly Rule[]) => ({ apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: { name, namespace: ns() }, rules });
const roleBinding = (name: string, roleRef: { kind: string; name: string }, subject: { kind: string; name: string }) => ({
  apiVersion: `${RBAC}/v1`,
  kind: 'RoleBinding',
  metadata: { name, namespace: ns() },
  roleRef: { apiGroup: RBAC, ...roleRef },
  subjects: [{ apiGroup: subject.kind === 'ServiceAccount' ? '' : RBAC, ...subject }],
});

/** The admin grants `rules` in the file's namespace to `who` (or to `subject`), by a Role and a RoleBinding named after the user; waits until `then` is allowed. */
async function grant(who: Identity, rules: readonly Rule[], then: Attributes, subject = { kind: 'User', name: who.name }): Promise<void> {
  (await resource(RoleResource).create(role(who.name, rules) as never))._unsafeUnwrap();
  (await resource(RoleBindingResource).create(roleBinding(who.name, { kind: 'Role', name: who.name }, subject) as never))._unsafeUnwrap();
  await allowedSoon(who, then);
}

/** The Status of a refused request. */
const refusal = (result: Result<unknown, KubeError>) => result._unsafeUnwrapErr().status;
/** kube-apiserver's 403 Status. */
const forbidden = (message: string, details: object) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason: 'Forbidden',
  details,
  code: 403,
});
/** `User "u" cannot <verb> resource "<resource>" in API group "<group>" in the namespace "<ns>"` (`namespace` `''`: at the cluster scope). */
const cannot = (who: Identity, verb: string, what: string, group = '', namespace = ns()) =>
  `User "${who.name}" cannot ${verb} resource "${what}" in API group "${group}" ${namespace === '' ? 'at the cluster scope' : `in the namespace "${namespace}"`}`;
const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns() } });
const READ_CONFIGMAPS: Rule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'] };

describe('requests of a user RBAC allows nothing', () => {
  it('are refused 403 naming the user, verb, resource, group and namespace', async () => {
    const who = await target().identity();
    const configMaps = who.kube.resource(ConfigMapResource);
    expect(refusal(await configMaps.get('cm', { namespace: ns() }))).toEqual(
      forbidden(`configmaps "cm" is forbidden: ${cannot(who, 'get', 'configmaps')}`, { name: 'cm', kind: 'configmaps' }),
    );
    expect(refusal(await configMaps.list({ namespace: ns() }))).toEqual(
      forbidden(`configmaps is forbidden: ${cannot(who, 'list', 'configmaps')}`, { kind: 'configmaps' }),
    );
    expect(refusal(await configMaps.create(configMap('cm') as never))).toEqual(
      forbidden(`configmaps is forbidden: ${cannot(who, 'create', 'configmaps')}`, { kind: 'configmaps' }),
    );
    expect(refusal(await who.kube.resource(CertificateResource).delete('c', { namespace: ns() }))).toEqual(
      forbidden(`certificates.kubeception.io "c" is forbidden: ${cannot(who, 'delete', 'certificates', 'kubeception.io')}`, {
        name: 'c',
        group: 'kubeception.io',
        kind: 'certificates',
      }),
    );
  });

  it('are refused at the cluster scope, and a namespace is a request in itself', async () => {
    const who = await target().identity();
    expect(refusal(await who.kube.resource(ConfigMapResource).list())).toEqual(
      forbidden(`configmaps is forbidden: ${cannot(who, 'list', 'configmaps', '', '')}`, { kind: 'configmaps' }),
    );
    expect(refusal(await who.kube.resource(ClusterRoleResource).list())).toEqual(
      forbidden(`clusterroles.${RBAC} is forbidden: ${cannot(who, 'list', 'clusterroles', RBAC, '')}`, { group: RBAC, kind: 'clusterroles' }),
    );
    expect(refusal(await who.kube.resource(NamespaceResource).get(ns()))).toEqual(
      forbidden(`namespaces "${ns()}" is forbidden: ${cannot(who, 'get', 'namespaces')}`, { name: ns(), kind: 'namespaces' }),
    );
  });

  it('say which roles bound to the user do not exist', async () => {
    const who = await target().identity();
    (
      await resource(RoleBindingResource).create(roleBinding(who.name, { kind: 'Role', name: 'ghost' }, { kind: 'User', name: who.name }) as never)
    )._unsafeUnwrap();
    const missing = `RBAC: role.${RBAC} "ghost" not found`;
    await eventually(async () => (await canI(who, { verb: 'list', resource: 'secrets' })).reason === missing, 10_000, 'the dangling binding');
    expect(refusal(await who.kube.resource(ConfigMapResource).list({ namespace: ns() }))).toEqual(
      forbidden(`configmaps is forbidden: ${cannot(who, 'list', 'configmaps')}: ${missing}`, { kind: 'configmaps' }),
    );
  });
});

describe('what bindings allow', () => {
  it('a RoleBinding: the verbs of its Role, in its namespace only', async () => {
    const who = await target().identity();
    await grant(who, [READ_CONFIGMAPS], { verb: 'list', resource: 'configmaps' });
    const configMaps = who.kube.resource(ConfigMapResource);
    expect((await configMaps.list({ namespace: ns() })).isOk()).toBe(true);
    expect(refusal(await configMaps.create(configMap('by-reader') as never))).toEqual(
      forbidden(`configmaps is forbidden: ${cannot(who, 'create', 'configmaps')}`, { kind: 'configmaps' }),
    );
    expect(refusal(await configMaps.list({ namespace: 'default' }))).toEqual(
      forbidden(`configmaps is forbidden: ${cannot(who, 'list', 'configmaps', '', 'default')}`, { kind: 'configmaps' }),
    );
  });

  it('resourceNames: those names only, a list selecting one by metadata.name, no other list', async () => {
    const who = await target().identity();
    for (const name of ['named-a', 'named-b']) (await resource(ConfigMapResource).create(configMap(name) as never))._unsafeUnwrap();
    await grant(who, [{ ...READ_CONFIGMAPS, resourceNames: ['named-a'] }], { verb: 'get', resource: 'configmaps', name: 'named-a' });
    const configMaps = who.kube.resource(ConfigMapResource);
    expect((await configMaps.get('named-a', { namespace: ns() }))._unsafeUnwrap().metadata.name).toBe('named-a');
    expect(refusal(await configMaps.get('named-b', { namespace: ns() }))).toEqual(
      forbidden(`configmaps "named-b" is forbidden: ${cannot(who, 'get', 'configmaps')}`, { name: 'named-b', kind: 'configmaps' }),
    );
    expect(refusal(await configMaps.list({ namespace: ns() }))).toEqual(
      forbidden(`configmaps is forbidden: ${cannot(who, 'list', 'configmaps')}`, { kind: 'configmaps' }),
    );
    const selected = await configMaps.list({ namespace: ns(), fieldSelector: 'metadata.name=named-a' });
    expect(selected._unsafeUnwrap().items.map((c) => c.metadata?.name)).toEqual(['named-a']);
  });

  it('subresources are resources of their own: certificates/status is not certificates', async () => {
    const who = await target().identity();
    (await resource(CertificateResource).create(certificate('sub', ns())))._unsafeUnwrap();
    await grant(who, [{ verbs: ['patch'], apiGroups: ['kubeception.io'], resources: ['certificates/status'] }], {
      verb: 'patch',
      group: 'kubeception.io',
      resource: 'certificates',
      subresource: 'status',
      name: 'sub',
    });
    const certs = who.kube.resource(CertificateResource);
    expect(
      (await certs.patchStatus('sub', { type: 'merge', body: { status: { serialNumber: '0a' } } }, { namespace: ns() }))._unsafeUnwrap().status?.serialNumber,
    ).toBe('0a');
    const details = { name: 'sub', group: 'kubeception.io', kind: 'certificates' };
    expect(refusal(await certs.patch('sub', { type: 'merge', body: { metadata: { labels: { a: 'b' } } } }, { namespace: ns() }))).toEqual(
      forbidden(`certificates.kubeception.io "sub" is forbidden: ${cannot(who, 'patch', 'certificates', 'kubeception.io')}`, details),
    );
    expect(refusal(await certs.get('sub', { namespace: ns() }))).toEqual(
      forbidden(`certificates.kubeception.io "sub" is forbidden: ${cannot(who, 'get', 'certificates', 'kubeception.io')}`, details),
    );
  });

  it('a binding to a group: every member', async () => {
    const who = await target().identity();
    await grant(who, [READ_CONFIGMAPS], { verb: 'list', resource: 'configmaps' }, { kind: 'Group', name: who.groups[0]! });
    expect((await who.kube.resource(ConfigMapResource).list({ namespace: ns() })).isOk()).toBe(true);
    const reason = (await canI(who, { verb: 'get', resource: 'configmaps', name: 'x' })).reason;
    expect(reason).toBe(`RBAC: allowed by RoleBinding "${who.name}/${ns()}" of Role "${who.name}" to Group "${who.groups[0]}"`);
  });

  it('a ClusterRole: in the namespace of a RoleBinding, or everywhere through a ClusterRoleBinding', async () => {
    const who = await target().identity();
    const name = `conformance-${ns()}-${who.name}`;
    const clusterRoles = resource(ClusterRoleResource);
    const clusterBindings = resource(ClusterRoleBindingResource);
    onTestFinished(async () => {
      await clusterBindings.delete(name);
      await clusterRoles.delete(name);
    });
    (await clusterRoles.create({ apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name }, rules: [READ_CONFIGMAPS] } as never))._unsafeUnwrap();
    (
      await resource(RoleBindingResource).create(roleBinding(who.name, { kind: 'ClusterRole', name }, { kind: 'User', name: who.name }) as never)
    )._unsafeUnwrap();
    await allowedSoon(who, { verb: 'list', resource: 'configmaps' });
    const configMaps = who.kube.resource(ConfigMapResource);
    expect(refusal(await configMaps.list({ namespace: 'default' }))).toMatchObject({ code: 403 });
    const { metadata: _, ...binding } = roleBinding(name, { kind: 'ClusterRole', name }, { kind: 'User', name: who.name });
    (await clusterBindings.create({ ...binding, kind: 'ClusterRoleBinding', metadata: { name } } as never))._unsafeUnwrap();
    await allowedSoon(who, { verb: 'list', resource: 'configmaps', namespace: '' });
    expect((await configMaps.list({ namespace: 'default' })).isOk()).toBe(true);
    expect((await configMaps.list()).isOk()).toBe(true);
  });
});

describe('SelfSubjectAccessReview (kubectl auth can-i)', () => {
  it('answers for the requesting user, with the binding that allows it', async () => {
    const who = await target().identity();
    expect(await canI(who, { verb: 'get', resource: 'configmaps' })).toEqual({ allowed: false });
    await grant(who, [READ_CONFIGMAPS], { verb: 'get', resource: 'configmaps' });
    expect(await canI(who, { verb: 'list', resource: 'configmaps' })).toEqual({
      allowed: true,
      reason: `RBAC: allowed by RoleBinding "${who.name}/${ns()}" of Role "${who.name}" to User "${who.name}"`,
    });
    expect(await canI(who, { verb: 'get', path: '/api' })).toEqual({
      allowed: true,
      reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
    });
    expect(await canI(who, { verb: 'get', path: '/metrics' })).toEqual({ allowed: false });
  });

  it('needs exactly one of resourceAttributes and nonResourceAttributes', async () => {
    const who = await target().identity();
    const review = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {}, spec: {} };
    const message = 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified';
    expect(refusal(await who.kube.resource(SelfSubjectAccessReviewResource).create(review as never))).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `.authorization.k8s.io "" is invalid: spec.resourceAttributes: ${message}`,
      reason: 'Invalid',
      details: { group: 'authorization.k8s.io', causes: [{ reason: 'FieldValueInvalid', message, field: 'spec.resourceAttributes' }] },
      code: 422,
    });
  });
});

describe('escalation prevention', () => {
  const WRITE_RBAC: Rule = { verbs: ['create', 'patch'], apiGroups: [RBAC], resources: ['roles', 'rolebindings'] };

  it('refuses a Role granting what its writer does not hold, listing what is missing; grants within it pass', async () => {
    const who = await target().identity();
    await grant(who, [WRITE_RBAC, READ_CONFIGMAPS], { verb: 'create', group: RBAC, resource: 'roles' });
    const roles = who.kube.resource(RoleResource);
    expect((await roles.create(role('within', [{ ...READ_CONFIGMAPS, resourceNames: ['a'] }]) as never)).isOk()).toBe(true);
    const more = [
      { verbs: ['get', 'watch'], apiGroups: [''], resources: ['configmaps', 'secrets'] },
      { verbs: ['get'], apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['b', 'a'] },
    ];
    const missing = [
      '{APIGroups:[""], Resources:["configmaps"], Verbs:["watch"]}',
      '{APIGroups:[""], Resources:["secrets"], Verbs:["get" "watch"]}',
      '{APIGroups:["apps"], Resources:["deployments"], ResourceNames:["a"], Verbs:["get"]}',
      '{APIGroups:["apps"], Resources:["deployments"], ResourceNames:["b"], Verbs:["get"]}',
    ];
    const groups = `["${who.groups[0]}" "system:authenticated"]`;
    expect(refusal(await roles.create(role('more', more) as never))).toEqual(
      forbidden(
        `roles.${RBAC} "more" is forbidden: user "${who.name}" (groups=${groups}) is attempting to grant RBAC permissions not currently held:\n${missing.join('\n')}`,
        {
          name: 'more',
          group: RBAC,
          kind: 'roles',
        },
      ),
    );
  });

  it('refuses a RoleBinding to a Role that does not exist yet 404, created or applied; binds it once it exists', async () => {
    const who = await target().identity();
    await grant(who, [WRITE_RBAC, READ_CONFIGMAPS], { verb: 'create', group: RBAC, resource: 'rolebindings' });
    const bindings = who.kube.resource(RoleBindingResource);
    const early = roleBinding('early', { kind: 'Role', name: 'not-yet' }, { kind: 'ServiceAccount', name: 'vm' });
    const notFound = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404 };
    const roleMissing = { ...notFound, message: `roles.${RBAC} "not-yet" not found`, details: { name: 'not-yet', group: RBAC, kind: 'roles' } };
    expect(refusal(await bindings.create(early as never))).toEqual(roleMissing);
    expect(refusal(await bindings.apply(early as never, { fieldManager: 'conformance' }))).toEqual(roleMissing);
    const toClusterRole = roleBinding('early-cluster', { kind: 'ClusterRole', name: `no-such-role-${ns()}` }, { kind: 'ServiceAccount', name: 'vm' });
    expect(refusal(await bindings.create(toClusterRole as never))).toEqual({
      ...notFound,
      message: `clusterroles.${RBAC} "no-such-role-${ns()}" not found`,
      details: { name: `no-such-role-${ns()}`, group: RBAC, kind: 'clusterroles' },
    });
    expect((await who.kube.resource(RoleResource).apply(role('not-yet', [READ_CONFIGMAPS]) as never, { fieldManager: 'conformance' })).isOk()).toBe(true);
    expect((await bindings.apply(early as never, { fieldManager: 'conformance' })).isOk()).toBe(true);
  });

  it('lets system:masters bind a Role that does not exist', async () => {
    const created = await resource(RoleBindingResource).create(
      roleBinding('by-admin', { kind: 'Role', name: 'nowhere' }, { kind: 'User', name: 'nobody' }) as never,
    );
    expect(created._unsafeUnwrap().roleRef.name).toBe('nowhere');
  });

  it('lets one who may bind a role bind it without holding it, even before it exists, and no other', async () => {
    const who = await target().identity();
    await grant(who, [WRITE_RBAC, { verbs: ['bind'], apiGroups: [RBAC], resources: ['roles'], resourceNames: ['bindable'] }], {
      verb: 'bind',
      group: RBAC,
      resource: 'roles',
      name: 'bindable',
    });
    const bindings = who.kube.resource(RoleBindingResource);
    expect((await bindings.create(roleBinding('bound', { kind: 'Role', name: 'bindable' }, { kind: 'User', name: 'nobody' }) as never)).isOk()).toBe(true);
    expect(refusal(await bindings.create(roleBinding('unbound', { kind: 'Role', name: 'other' }, { kind: 'User', name: 'nobody' }) as never))).toMatchObject({
      code: 404,
      message: `roles.${RBAC} "other" not found`,
    });
  });

  it('lets one who may escalate roles write a Role granting more than it holds', async () => {
    const who = await target().identity();
    await grant(who, [WRITE_RBAC, { verbs: ['escalate'], apiGroups: [RBAC], resources: ['roles'] }], { verb: 'escalate', group: RBAC, resource: 'roles' });
    const created = await who.kube.resource(RoleResource).create(role('escalated', [{ verbs: ['*'], apiGroups: [''], resources: ['secrets'] }]) as never);
    expect(created._unsafeUnwrap().rules?.[0]?.verbs).toEqual(['*']);
  });
});

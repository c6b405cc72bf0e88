/**
 * The self reviews a client asks about itself: SelfSubjectRulesReview (`kubectl auth can-i
 * --list`: the rules of the roles bound to the user, cluster-wide and in a namespace, and the
 * roles its bindings name that do not exist) and SelfSubjectReview (`kubectl auth whoami`: who
 * the server takes the client for), their discovery, and the methods and paths they do not serve.
 * The real server reads bindings from an informer cache, in no fixed order: rules are compared as
 * sets, and a case waits until a grant shows.
 */
import { defineResource } from '@kubeception/sdk';
import { RoleBindingResource, RoleResource } from '@kubeception/sdk/kube';
import { describe, expect, it } from 'vitest';
import { appliesHere, VersionRules } from './lane/server.js';
import { rawRequest } from './raw.js';
import { expectStatus, failure } from './status-body.js';
import { eventually, useTarget, type Identity } from './target.js';

const { target, resource, ns } = useTarget('auth-reviews');

const RBAC = 'rbac.authorization.k8s.io';
const review = (group: string, kind: string, plural: string) => defineResource({ group, version: 'v1', kind, plural, scope: 'Cluster' });
const RulesReviewResource = review('authorization.k8s.io', 'SelfSubjectRulesReview', 'selfsubjectrulesreviews');
const SelfSubjectReviewResource = review('authentication.k8s.io', 'SelfSubjectReview', 'selfsubjectreviews');

interface RulesStatus {
  resourceRules: object[];
  nonResourceRules: object[];
  incomplete: boolean;
  evaluationError?: string;
}

/** The SelfSubjectRulesReview `who` gets for `namespace`. */
async function rulesOf(who: Pick<Identity, 'kube'>, namespace = ns()): Promise<Record<string, unknown> & { status: RulesStatus }> {
  const body = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', metadata: {}, spec: { namespace } };
  return (await who.kube.resource(RulesReviewResource).create(body as never))._unsafeUnwrap() as never;
}

/** Rules in a fixed order, for comparing as sets. */
const sorted = (rules: readonly object[]) => rules.map((r) => JSON.stringify(r)).sort();

/** What every authenticated user holds: system:basic-user, system:discovery, system:public-info-viewer. */
function everyone(): { resourceRules: object[]; nonResourceRules: object[] } {
  const health = ['/healthz', '/livez', '/readyz', '/version', '/version/'];
  const discovery = ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'];
  const resourceRules: object[] = [
    { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
  ];
  if (!appliesHere(VersionRules.selfSubjectReview))
    resourceRules.push({ verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] });
  return {
    resourceRules,
    nonResourceRules: [
      { verbs: ['get'], nonResourceURLs: discovery },
      { verbs: ['get'], nonResourceURLs: health },
    ],
  };
}

const binding = (name: string, roleRef: { kind: string; name: string }, subject: { kind: string; name: string }) => ({
  apiVersion: `${RBAC}/v1`,
  kind: 'RoleBinding',
  metadata: { name, namespace: ns() },
  roleRef: { apiGroup: RBAC, ...roleRef },
  subjects: [{ apiGroup: RBAC, ...subject }],
});

describe('SelfSubjectRulesReview (kubectl auth can-i --list)', () => {
  it('lists the rules bound to the user and its groups in the namespace, and names the roles that do not exist', async () => {
    const who = await target().identity();
    const role = (name: string, rules: object[]) => ({ apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: { name, namespace: ns() }, rules });
    const named = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'configmaps'], resourceNames: ['a'] };
    const both = { verbs: ['get'], apiGroups: ['apps'], resources: ['deployments', 'deployments/scale'] };
    (await resource(RoleResource).create(role(`${who.name}-named`, [named]) as never))._unsafeUnwrap();
    (await resource(RoleResource).create(role(`${who.name}-group`, [both]) as never))._unsafeUnwrap();
    const bindings = resource(RoleBindingResource);
    (
      await bindings.create(binding(`${who.name}-named`, { kind: 'Role', name: `${who.name}-named` }, { kind: 'User', name: who.name }) as never)
    )._unsafeUnwrap();
    (
      await bindings.create(binding(`${who.name}-group`, { kind: 'Role', name: `${who.name}-group` }, { kind: 'Group', name: who.groups[0]! }) as never)
    )._unsafeUnwrap();
    (await bindings.create(binding(`${who.name}-ghost`, { kind: 'Role', name: 'ghost' }, { kind: 'User', name: who.name }) as never))._unsafeUnwrap();
    let answer = await rulesOf(who);
    await eventually(async () => {
      answer = await rulesOf(who);
      return answer.status.resourceRules.length === everyone().resourceRules.length + 2 && answer.status.evaluationError !== undefined;
    });
    const { status, ...rest } = answer;
    expect(rest).toStrictEqual({ kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: {} });
    expect({ ...status, resourceRules: sorted(status.resourceRules), nonResourceRules: sorted(status.nonResourceRules) }).toStrictEqual({
      resourceRules: sorted([...everyone().resourceRules, named, both]),
      nonResourceRules: sorted(everyone().nonResourceRules),
      incomplete: false,
      evaluationError: `role.${RBAC} "ghost" not found`,
    });
  });

  it('for a namespace the user holds nothing in (or that does not exist): what every authenticated user holds', async () => {
    const who = await target().identity();
    const { status } = await rulesOf(who, 'no-such-namespace');
    expect({ ...status, resourceRules: sorted(status.resourceRules), nonResourceRules: sorted(status.nonResourceRules) }).toStrictEqual({
      resourceRules: sorted(everyone().resourceRules),
      nonResourceRules: sorted(everyone().nonResourceRules),
      incomplete: false,
    });
  });

  it('for the admin (system:masters): cluster-admin on everything, besides what everyone holds', async () => {
    const { status } = await rulesOf(target());
    expect(sorted(status.resourceRules)).toStrictEqual(sorted([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, ...everyone().resourceRules]));
    expect(sorted(status.nonResourceRules)).toStrictEqual(sorted([{ verbs: ['*'], nonResourceURLs: ['*'] }, ...everyone().nonResourceRules]));
  });

  it('needs a namespace: 400; serves only POST on the collection (405) and no item path (404)', async () => {
    const path = '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews';
    const send = (method: string, at: string, body?: object) => rawRequest(target().kubeConfig, method, at, body ? { body } : {});
    expectStatus(
      await send('POST', path, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: {} }),
      failure(400, 'BadRequest', 'no namespace on request'),
    );
    expectStatus(await send('GET', path), failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {}));
    expectStatus(await send('GET', `${path}/x`), failure(404, 'NotFound', 'the server could not find the requested resource', {}));
  });
});

describe('SelfSubjectReview (kubectl auth whoami)', () => {
  it('tells the user its name, groups and the credential it authenticated with', async () => {
    const who = await target().identity();
    const answer = await who.kube.resource(SelfSubjectReviewResource).create({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } as never);
    if (appliesHere(VersionRules.selfSubjectReview)) {
      // nor may a user create one: system:basic-user grants it with the API (RBAC refuses before the path is found)
      const cannot = `User "${who.name}" cannot create resource "selfsubjectreviews" in API group "authentication.k8s.io" at the cluster scope`;
      const details = { group: 'authentication.k8s.io', kind: 'selfsubjectreviews' };
      expect(answer._unsafeUnwrapErr().status).toStrictEqual(
        failure(403, 'Forbidden', `selfsubjectreviews.authentication.k8s.io is forbidden: ${cannot}`, details),
      );
      return;
    }
    const reviewed = answer._unsafeUnwrap() as unknown as { metadata: { creationTimestamp: string } };
    expect(Math.abs(Date.parse(reviewed.metadata.creationTimestamp) - Date.now())).toBeLessThan(60_000);
    expect(reviewed).toStrictEqual({
      kind: 'SelfSubjectReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) },
      status: {
        userInfo: {
          username: who.name,
          groups: [...who.groups, 'system:authenticated'],
          extra: { 'authentication.kubernetes.io/credential-id': [expect.stringMatching(/^X509SHA256=[0-9a-f]{64}$/)] },
        },
      },
    });
  });
});

describe('discovery', () => {
  /** The entries of `groupVersion` named `names`, in discovery order. */
  async function entries(groupVersion: string, names: readonly string[]): Promise<object[]> {
    const answer = await rawRequest(target().kubeConfig, 'GET', `/apis/${groupVersion}`);
    return answer.json<{ resources: { name: string }[] }>().resources.filter((r) => names.includes(r.name));
  }
  const createOnly = (name: string, kind: string) => ({ name, singularName: expect.any(String), namespaced: false, kind, verbs: ['create'] });

  it('lists the self reviews as cluster-scoped kinds one may only create', async () => {
    expect(await entries('authorization.k8s.io/v1', ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'])).toStrictEqual([
      createOnly('selfsubjectaccessreviews', 'SelfSubjectAccessReview'),
      createOnly('selfsubjectrulesreviews', 'SelfSubjectRulesReview'),
    ]);
    const reviews = await entries('authentication.k8s.io/v1', ['selfsubjectreviews']);
    expect(reviews).toStrictEqual(appliesHere(VersionRules.selfSubjectReview) ? [] : [createOnly('selfsubjectreviews', 'SelfSubjectReview')]);
  });
});

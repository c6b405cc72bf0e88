import { CertificateResource } from '@kubeception/sdk';
import { ConfigMapResource } from '@kubeception/sdk/kube';
import { beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, type RawRequest } from './raw.js';
import { expectStatus, failure, invalidStatus } from './status-body.js';
import { certificate, useTarget } from './target.js';

const { target, resource, ns } = useTarget('status-shapes');
const send = (method: string, path: string, request?: RawRequest) => rawRequest(target().kubeConfig, method, path, request);
const configMaps = () => `/api/v1/namespaces/${ns()}/configmaps`;
const certificates = () => `/apis/kubeception.io/v1alpha1/namespaces/${ns()}/certificates`;
const uidOf = async (path: string) => (await send('GET', path)).json<{ metadata: { uid: string; resourceVersion: string } }>().metadata;

/** The two kinds every shape is checked on: a built-in (no group) and a custom resource. */
const KINDS = [
  {
    what: 'a ConfigMap',
    path: configMaps,
    body: (name: string) => ({ metadata: { name } }),
    kind: 'ConfigMap',
    resource: 'configmaps',
    group: '',
  },
  {
    what: 'a Certificate',
    path: certificates,
    body: (name: string) => certificate(name, ns()),
    kind: 'Certificate',
    resource: 'certificates',
    group: 'kubeception.io',
  },
] as const;

/** `details` naming an object: `kind` is a resource or a kind, `group` only when there is one. */
const details = (name: string, group: string, kind: string) => ({ name, ...(group === '' ? {} : { group }), kind });
const qualified = (group: string, what: string) => (group === '' ? what : `${what}.${group}`);

beforeAll(async () => {
  (await resource(ConfigMapResource).create({ metadata: { name: 'there', namespace: ns() } }))._unsafeUnwrap();
  (await resource(CertificateResource).create(certificate('there', ns())))._unsafeUnwrap();
});

describe.each(KINDS)('Status details of $what', ({ path, body, kind, resource: plural, group }) => {
  it('NotFound names the resource and its group', async () => {
    expectStatus(
      await send('GET', `${path()}/missing`),
      failure(404, 'NotFound', `${qualified(group, plural)} "missing" not found`, details('missing', group, plural)),
    );
  });

  it('AlreadyExists names the resource and its group', async () => {
    const answer = await send('POST', path(), { body: body('there') });
    expectStatus(answer, failure(409, 'AlreadyExists', `${qualified(group, plural)} "there" already exists`, details('there', group, plural)));
  });

  it('Conflict of a stale update names the resource and its group', async () => {
    const current = (await send('GET', `${path()}/there`)).json<{ metadata: Record<string, unknown> }>();
    const answer = await send('PUT', `${path()}/there`, { body: { ...current, metadata: { ...current.metadata, resourceVersion: '1' } } });
    const message = `Operation cannot be fulfilled on ${qualified(group, plural)} "there": the object has been modified; please apply your changes to the latest version and try again`;
    expectStatus(answer, failure(409, 'Conflict', message, details('there', group, plural)));
  });

  it('Invalid names the kind and its group', async () => {
    const cause = {
      reason: 'FieldValueInvalid',
      message: `Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      field: 'metadata.name',
    };
    expectStatus(await send('POST', path(), { body: body('Bad_Name') }), invalidStatus({ group, kind }, 'Bad_Name', [cause]));
  });

  it.each<[string, Record<string, string>, (m: { uid: string; resourceVersion: string }) => string]>([
    [
      'uid',
      { uid: 'not-the-uid' },
      (m) => `the UID in the precondition (not-the-uid) does not match the UID in record (${m.uid}). The object might have been deleted and then recreated`,
    ],
    [
      'resourceVersion',
      { resourceVersion: '1' },
      (m) =>
        `the ResourceVersion in the precondition (1) does not match the ResourceVersion in record (${m.resourceVersion}). The object might have been modified`,
    ],
  ])('a failed %s precondition of a delete is a Conflict on the kind', async (_what, preconditions, why) => {
    const meta = await uidOf(`${path()}/there`);
    const answer = await send('DELETE', `${path()}/there`, { body: { preconditions } });
    expectStatus(
      answer,
      failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(group, kind)} "there": ${why(meta)}`, details('there', group, kind)),
    );
  });

  it('a finished delete answers a Success Status with the uid', async () => {
    (await send('POST', path(), { body: body('gone') })).json();
    const { uid } = await uidOf(`${path()}/gone`);
    const answer = await send('DELETE', `${path()}/gone`);
    expect({ code: answer.status, body: answer.json() }).toStrictEqual({
      code: 200,
      body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { ...details('gone', group, plural), uid } },
    });
  });
});

describe('Status details', () => {
  it('leave out the name of an object without one', async () => {
    const cause = { reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' };
    expectStatus(await send('POST', configMaps(), { body: { metadata: {} } }), invalidStatus({ kind: 'ConfigMap' }, '', [cause]));
  });

  it('of a create in a missing namespace name the namespace', async () => {
    const answer = await send('POST', '/api/v1/namespaces/no-such-namespace/configmaps', { body: { metadata: { name: 'x' } } });
    expectStatus(answer, failure(404, 'NotFound', 'namespaces "no-such-namespace" not found', { name: 'no-such-namespace', kind: 'namespaces' }));
  });

  it('of a delete of a custom object with finalizers: the object itself, being deleted', async () => {
    (await resource(CertificateResource).create(certificate('held', ns(), { metadata: { finalizers: ['example.com/hold'] } })))._unsafeUnwrap();
    const answer = await send('DELETE', `${certificates()}/held`);
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ kind: 'Certificate', metadata: { name: 'held', deletionTimestamp: expect.any(String) } });
    await send('PATCH', `${certificates()}/held`, { body: { metadata: { finalizers: null } }, contentType: 'application/merge-patch+json' });
  });

  it('of a delete of a ServiceAccount: the object (its registry returns deleted objects)', async () => {
    await send('POST', `/api/v1/namespaces/${ns()}/serviceaccounts`, { body: { metadata: { name: 'sa' } } });
    const answer = await send('DELETE', `/api/v1/namespaces/${ns()}/serviceaccounts/sa`);
    expect(answer.json()).toMatchObject({ kind: 'ServiceAccount', metadata: { name: 'sa' } });
  });
});

describe('paths and methods the server does not serve', () => {
  const NOT_ALLOWED = failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
  const NOT_FOUND = failure(404, 'NotFound', 'the server could not find the requested resource', {});

  it.each([
    ['DELETE of the namespaces collection', 'DELETE', () => '/api/v1/namespaces'],
    ['PUT of a collection', 'PUT', () => configMaps()],
    ['PATCH of a collection', 'PATCH', () => configMaps()],
    ['POST to an object', 'POST', () => `${configMaps()}/there`],
    ['DELETE of a status subresource', 'DELETE', () => `/api/v1/namespaces/${ns()}/status`],
    ['GET of namespaces/finalize', 'GET', () => `/api/v1/namespaces/${ns()}/finalize`],
  ])('answer %s with 405', async (_what, method, path) => {
    expectStatus(
      await send(method, path(), method === 'GET' || method === 'DELETE' ? {} : { body: {}, contentType: 'application/merge-patch+json' }),
      NOT_ALLOWED,
    );
    expect((await send('GET', `/api/v1/namespaces/${ns()}`)).json()).toMatchObject({ status: { phase: 'Active' } });
  });

  it.each([
    ['an unknown resource', () => `/api/v1/namespaces/${ns()}/nothings`],
    ['a status subresource of a kind without one', () => `${configMaps()}/there/status`],
  ])('answer %s with 404', async (_what, path) => {
    expectStatus(await send('GET', path()), NOT_FOUND);
  });

  it('answer an unknown subresource of a custom resource with a NotFound of the object (crdHandler)', async () => {
    const answer = await send('GET', `${certificates()}/there/nothing`);
    expectStatus(answer, failure(404, 'NotFound', 'certificates.kubeception.io "there" not found', details('there', 'kubeception.io', 'certificates')));
  });

  it('answer a DELETE of a custom resource’s status with a 405 naming the resource (crdHandler)', async () => {
    const answer = await send('DELETE', `${certificates()}/there/status`);
    const message = 'delete is not supported on resources of kind "certificates.kubeception.io"';
    expectStatus(answer, failure(405, 'MethodNotAllowed', message, { group: 'kubeception.io', kind: 'certificates' }));
  });

  it.each(['PUT', 'PATCH'])('answer a %s of a custom resource collection with 400 (crdHandler)', async (method) => {
    const answer = await send(method, certificates(), { body: {}, contentType: 'application/merge-patch+json' });
    expectStatus(answer, failure(400, 'BadRequest', 'name must be provided'));
  });
});

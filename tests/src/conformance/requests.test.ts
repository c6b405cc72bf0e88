import { CertificateResource } from '@kubeception/sdk';
import { ConfigMapResource, DeploymentResource } from '@kubeception/sdk/kube';
import { beforeAll, describe, expect, it } from 'vitest';
import { appliesHere, VersionRules } from './lane/server.js';
import { rawRequest, type RawRequest } from './raw.js';
import { expectStatus, failure, invalidStatus, optionsInvalid, type Cause } from './status-body.js';
import { deployment } from './deployment.js';
import { certificate, useTarget } from './target.js';

const { target, resource, ns } = useTarget('requests');
const send = (method: string, path: string, request?: RawRequest) => rawRequest(target().kubeConfig, method, path, request);
const configMaps = () => `/api/v1/namespaces/${ns()}/configmaps`;
const certificates = () => `/apis/kubeception.io/v1alpha1/namespaces/${ns()}/certificates`;
const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';

beforeAll(async () => {
  (await resource(ConfigMapResource).create({ metadata: { name: 'base', namespace: ns() }, data: { a: '1' } }))._unsafeUnwrap();
  (await resource(CertificateResource).create(certificate('base', ns())))._unsafeUnwrap();
});

const forceForbidden: Cause = { reason: 'FieldValueForbidden', message: 'Forbidden: may not be specified for non-apply patch', field: 'force' };
const dryRunFoo: Cause = { reason: 'FieldValueNotSupported', message: 'Unsupported value: []string{"Foo"}: supported values: "All"', field: 'dryRun' };
const rvMatchWithoutRv: Cause = {
  reason: 'FieldValueForbidden',
  message: 'Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided',
  field: 'resourceVersionMatch',
};
const rvMatchFoo: Cause = {
  reason: 'FieldValueNotSupported',
  message: 'Unsupported value: "Foo": supported values: "Exact", "NotOlderThan", ""',
  field: 'resourceVersionMatch',
};
const name = (n: string) => ({ metadata: { name: n } });

describe('request options are checked before anything else: 422 on the options kind', () => {
  it.each<[string, string, string, RawRequest, string, Cause[]]>([
    ['force on a merge patch', 'PATCH', '/base?force=true', { body: {}, contentType: MERGE }, 'PatchOptions', [forceForbidden]],
    ['force=false on a JSON patch', 'PATCH', '/base?force=false', { body: [], contentType: JSON_PATCH }, 'PatchOptions', [forceForbidden]],
    [
      'an apply patch without fieldManager',
      'PATCH',
      '/base',
      { body: { apiVersion: 'v1', kind: 'ConfigMap', ...name('base') }, contentType: 'application/apply-patch+yaml' },
      'PatchOptions',
      [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
    ],
    [
      'force and dryRun=Foo on a merge patch',
      'PATCH',
      '/base?dryRun=Foo&force=true',
      { body: {}, contentType: MERGE },
      'PatchOptions',
      [forceForbidden, dryRunFoo],
    ],
    ['dryRun=Foo on a create', 'POST', '?dryRun=Foo', { body: name('never') }, 'CreateOptions', [dryRunFoo]],
    ['dryRun=Foo on an update', 'PUT', '/base?dryRun=Foo', { body: name('base') }, 'UpdateOptions', [dryRunFoo]],
    [
      'propagationPolicy=Foo on a delete',
      'DELETE',
      '/base?propagationPolicy=Foo',
      {},
      'DeleteOptions',
      [
        {
          reason: 'FieldValueNotSupported',
          message: 'Unsupported value: "Foo": supported values: "Foreground", "Background", "Orphan", "nil"',
          field: 'propagationPolicy',
        },
      ],
    ],
    ['dryRun=Foo in the DeleteOptions of a missing object', 'DELETE', '/missing', { body: { dryRun: ['Foo'] } }, 'DeleteOptions', [dryRunFoo]],
    [
      'orphanDependents with a propagationPolicy',
      'DELETE',
      '/base?orphanDependents=true&propagationPolicy=Background',
      {},
      'DeleteOptions',
      [
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: "Background": orphanDependents and deletionPropagation cannot be both set',
          field: 'propagationPolicy',
        },
      ],
    ],
    ['resourceVersionMatch=Foo without resourceVersion', 'GET', '?resourceVersionMatch=Foo', {}, 'ListOptions', [rvMatchWithoutRv, rvMatchFoo]],
    ['resourceVersionMatch=Exact without resourceVersion', 'GET', '?resourceVersionMatch=Exact', {}, 'ListOptions', [rvMatchWithoutRv]],
    ['resourceVersionMatch=Foo with a resourceVersion', 'GET', '?resourceVersionMatch=Foo&resourceVersion=1', {}, 'ListOptions', [rvMatchFoo]],
  ])('%s', async (_what, method, path, request, kind, causes) => {
    expectStatus(await send(method, `${configMaps()}${path}`, request), optionsInvalid(kind, causes));
    expect((await resource(ConfigMapResource).get('base', { namespace: ns() }))._unsafeUnwrap().data).toEqual({ a: '1' });
  });

  it.each([
    ['limit', 'GET', '?limit=abc', 'abc'],
    ['gracePeriodSeconds', 'DELETE', '/base?gracePeriodSeconds=x', 'x'],
  ])('answers 400 for a %s that is no integer', async (_what, method, path, value) => {
    expectStatus(await send(method, `${configMaps()}${path}`), failure(400, 'BadRequest', `strconv.ParseInt: parsing "${value}": invalid syntax`));
  });

  it('refuses a fieldManager longer than 128 bytes', async () => {
    const answer = await send('POST', `${configMaps()}?fieldManager=${'m'.repeat(129)}`, { body: name('long-manager') });
    const limit = appliesHere(VersionRules.tooLongMessage) ? 'must have at most 128 bytes' : 'may not be more than 128 bytes';
    expectStatus(answer, optionsInvalid('CreateOptions', [{ reason: 'FieldValueTooLong', message: `Too long: ${limit}`, field: 'fieldManager' }]));
  });

  it('refuses an unknown fieldValidation directive', async () => {
    const answer = await send('POST', `${configMaps()}?fieldValidation=Foo`, { body: name('fv') });
    if (appliesHere(VersionRules.fieldValidation)) expect(answer.status).toBe(201);
    else {
      const cause = {
        reason: 'FieldValueNotSupported',
        message: 'Unsupported value: "Foo": supported values: "", "Ignore", "Strict", "Warn"',
        field: 'fieldValidation',
      };
      expectStatus(answer, optionsInvalid('CreateOptions', [cause]));
    }
  });
});

/** The 422 kube-apiserver gives for a JSON patch operation that does not apply: it does not say why. */
const REFUSED = failure(422, 'Invalid', 'the server rejected our request due to an error in our request', {});

describe('JSON patch (evanphx/json-patch v4)', () => {
  it.each([
    ['an object', {}, 'object', 'jsonpatch.Patch'],
    ['a string', 'x', 'string', 'jsonpatch.Patch'],
    ['a list of numbers', [1], 'number', 'jsonpatch.Operation'],
  ])('answers 400 for %s as a body, decoded loosely under fieldValidation=Ignore', async (_what, body, type, into) => {
    const answer = await send('PATCH', `${configMaps()}/base?fieldValidation=Ignore`, { body: JSON.stringify(body), contentType: JSON_PATCH });
    expectStatus(answer, failure(400, 'BadRequest', `json: cannot unmarshal ${type} into Go value of type ${into}`));
  });

  it('answers 400 for a body that is no list, decoded strictly by default', async () => {
    const answer = await send('PATCH', `${configMaps()}/base`, { body: { op: 'add' }, contentType: JSON_PATCH });
    const message = appliesHere(VersionRules.patchStrictDecoding)
      ? 'json: cannot unmarshal object into Go value of type jsonpatch.Patch'
      : 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp';
    expectStatus(answer, failure(400, 'BadRequest', message));
  });

  it.each([
    ['removes a missing key', { op: 'remove', path: '/data/missing' }],
    ['fails a test', { op: 'test', path: '/data/a', value: '9' }],
    ['adds under a missing parent', { op: 'add', path: '/metadata/labels/x', value: '1' }],
    ['names an unknown operation', { op: 'frob', path: '/data/a' }],
  ])('answers 422 without the reason when an operation %s', async (_what, op) => {
    expectStatus(await send('PATCH', `${configMaps()}/base`, { body: [op], contentType: JSON_PATCH }), REFUSED);
  });

  it('adds a key an object lacks with replace', async () => {
    const answer = await send('PATCH', `${configMaps()}/base`, { body: [{ op: 'replace', path: '/data/added', value: '2' }], contentType: JSON_PATCH });
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ data: { a: '1', added: '2' } });
    await send('PATCH', `${configMaps()}/base`, { body: [{ op: 'remove', path: '/data/added' }], contentType: JSON_PATCH });
  });
});

describe('merge patch', () => {
  it('answers a body that is a list: it replaces the object, which does not decode (fieldValidation=Ignore)', async () => {
    const answer = await send('PATCH', `${configMaps()}/base?fieldValidation=Ignore`, { body: [1, 2], contentType: MERGE });
    const why = `couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`;
    expectStatus(answer, invalidStatus({ kind: '' }, '', [{ reason: 'FieldValueInvalid', message: `Invalid value: "[1,2]": ${why}`, field: 'patch' }]));
  });

  it('answers a body that is a list, decoded strictly by default', async () => {
    const answer = await send('PATCH', `${configMaps()}/base`, { body: [1, 2], contentType: MERGE });
    if (appliesHere(VersionRules.patchStrictDecoding)) expect(answer.json()).toMatchObject({ code: 422, details: { causes: [{ field: 'patch' }] } });
    else expectStatus(answer, failure(400, 'BadRequest', 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}'));
  });
});

describe('patch media types', () => {
  it('answers a type no patch route takes with the router’s 415', async () => {
    expectStatus(
      await send('PATCH', `${configMaps()}/base`, { body: {}, contentType: 'text/plain' }),
      failure(415, 'UnsupportedMediaType', '415: Unsupported Media Type', {}),
    );
  });

  it('answers a strategic merge patch of a custom resource with a 415 listing the patch types', async () => {
    const message =
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml';
    expectStatus(await send('PATCH', `${certificates()}/base`, { body: {}, contentType: STRATEGIC }), failure(415, 'UnsupportedMediaType', message));
  });
});

describe('strategic merge patch order (strategicpatch.normalizeElementOrder)', () => {
  const finalizers = async (patch: object) =>
    (await send('PATCH', `${configMaps()}/fin`, { body: { metadata: patch }, contentType: STRATEGIC })).json<{ metadata: { finalizers?: string[] } }>().metadata
      .finalizers;

  it('puts new items of a primitive list before those only the server had, and orders by $setElementOrder', async () => {
    (await resource(ConfigMapResource).create({ metadata: { name: 'fin', namespace: ns(), finalizers: ['a/x'] } }))._unsafeUnwrap();
    expect(await finalizers({ finalizers: ['b/y'] })).toEqual(['b/y', 'a/x']);
    expect(await finalizers({ '$setElementOrder/finalizers': ['a/x', 'b/y', 'c/z'], finalizers: ['c/z'] })).toEqual(['a/x', 'b/y', 'c/z']);
    expect(await finalizers({ '$deleteFromPrimitiveList/finalizers': ['a/x', 'b/y', 'c/z'] })).toBeUndefined();
  });

  it('keeps a server-only item before a patch item the live list had after it', async () => {
    (await resource(DeploymentResource).create(deployment('order', ns())))._unsafeUnwrap();
    const patch = {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'a',
                env: [
                  { name: 'Y', value: '3' },
                  { name: 'W', value: '4' },
                ],
              },
            ],
          },
        },
      },
    };
    const patched = (await send('PATCH', `/apis/apps/v1/namespaces/${ns()}/deployments/order`, { body: patch, contentType: STRATEGIC })).json<{
      spec: { template: { spec: { containers: { name: string; env?: { name: string }[] }[] } } };
    }>();
    const [a, b] = patched.spec.template.spec.containers;
    expect(a?.env?.map((e) => e.name)).toEqual(['X', 'Y', 'W']);
    expect(b?.name).toBe('b');
  });

  it('orders a merge list by $setElementOrder', async () => {
    const patch = {
      spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }, { name: 'c' }], containers: [{ name: 'c', image: 'c:1' }] } } },
    };
    const answer = await send('PATCH', `/apis/apps/v1/namespaces/${ns()}/deployments/order`, { body: patch, contentType: STRATEGIC });
    expect(answer.json<{ spec: { template: { spec: { containers: { name: string }[] } } } }>().spec.template.spec.containers.map((c) => c.name)).toEqual([
      'b',
      'a',
      'c',
    ]);
  });
});

describe('bodies of custom resources', () => {
  it('answers a create without kind with 400', async () => {
    const { kind: _kind, ...body } = certificate('no-kind', ns());
    const answer = await send('POST', certificates(), { body });
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({
      reason: 'BadRequest',
      message: expect.stringMatching(/^Certificate in version "v1alpha1" cannot be handled as a Certificate: /),
    });
    expect(answer.json<{ message: string }>().message).toContain("Object 'Kind' is missing in '");
  });

  it('answers a create whose apiVersion is not the URL’s with 400', async () => {
    const answer = await send('POST', certificates(), { body: { ...certificate('other-version', ns()), apiVersion: 'kubeception.io/v9' } });
    const message = 'the API version in the data (kubeception.io/v9) does not match the expected API version (kubeception.io/v1alpha1)';
    expectStatus(answer, failure(400, 'BadRequest', message));
  });
});

/**
 * Validation and decoding of ConfigMaps, Secrets and Leases, and which kinds a PUT creates:
 * 422s with kube-apiserver's causes, 400s for bodies Go does not decode, unknown fields dropped.
 */
import { describe, expect, it } from 'vitest';
import { collection, expectInvalid, expectUndecodable, invalidCause, requests, requiredCause, type Cause } from './builtin-requests.js';
import { appliesHere, VersionRules } from './lane/server.js';
import { useTarget } from './target.js';

const { target, ns } = useTarget('builtin-validation');
const api = requests(target);
const configMaps = () => collection('', 'configmaps', ns());
const secrets = () => collection('', 'secrets', ns());
const leases = () => collection('coordination.k8s.io', 'leases', ns());

const CONFIG_KEY =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
const b64 = (s: string) => Buffer.from(s).toString('base64');
const tooLong = (field: string): Cause => ({
  reason: 'FieldValueTooLong',
  message: appliesHere(VersionRules.tooLongMessage) ? 'Too long: must have at most 1048576 bytes' : 'Too long: may not be more than 1048576 bytes',
  field,
});

describe('ConfigMap validation', () => {
  it.each([
    ['data', 'a b', { 'a b': 'x' }, undefined, CONFIG_KEY],
    ['binaryData', 'c d', undefined, { 'c d': b64('x') }, CONFIG_KEY],
    ['data', '..x', { '..x': 'x' }, undefined, "must not start with '..'"],
  ])('refuses an invalid key in %s (%j)', async (field, key, data, binaryData, detail) => {
    const answer = await api.post(configMaps(), { metadata: { name: 'bad-key' }, data, binaryData });
    expectInvalid(answer, 'ConfigMap', '', 'bad-key', [invalidCause(`${field}[${key}]`, JSON.stringify(key), detail)]);
  });

  it('refuses a key in both data and binaryData', async () => {
    const answer = await api.post(configMaps(), { metadata: { name: 'dup' }, data: { k: 'x' }, binaryData: { k: b64('y') } });
    expectInvalid(answer, 'ConfigMap', '', 'dup', [invalidCause('data[k]', '"k"', 'duplicate of key present in binaryData')]);
  });

  it('refuses more than 1 MiB of data, on the whole object', async () => {
    const answer = await api.post(configMaps(), { metadata: { name: 'big' }, data: { a: 'x'.repeat(512 * 1024), b: 'y'.repeat(512 * 1024 + 1) } });
    expectInvalid(answer, 'ConfigMap', '', 'big', [tooLong('[]')]);
  });

  it('answers 400 for binaryData that is not base64', async () => {
    expectUndecodable(
      await api.post(configMaps(), { metadata: { name: 'bin' }, binaryData: { k: '!!!' } }),
      'ConfigMap',
      'illegal base64 data at input byte 0',
    );
  });

  it('drops unknown fields: not stored, not in managedFields', async () => {
    const answer = await api.post(configMaps(), { metadata: { name: 'unknown' }, foo: 1, data: { a: 'b' } });
    const created = answer.json<{ foo?: unknown; data: unknown; metadata: { managedFields: { fieldsV1: unknown }[] } }>();
    expect({ status: answer.status, foo: created.foo, data: created.data }).toEqual({ status: 201, foo: undefined, data: { a: 'b' } });
    expect(created.metadata.managedFields[0]?.fieldsV1).toEqual({ 'f:data': { '.': {}, 'f:a': {} } });
    expect((await api.get(`${configMaps()}/unknown`)).json()).not.toHaveProperty('foo');
  });

  it('refuses unknown fields with fieldValidation=Strict', async () => {
    const answer = await api.post(`${configMaps()}?fieldValidation=Strict`, { metadata: { name: 'strict' }, foo: 1 });
    if (appliesHere(VersionRules.fieldValidation)) expect(answer.status).toBe(201);
    else
      expect({ status: answer.status, message: answer.json().message }).toEqual({
        status: 400,
        message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "foo"',
      });
  });
});

describe('Secret decoding and validation', () => {
  it('answers 400 for data that is not base64', async () => {
    expectUndecodable(await api.post(secrets(), { metadata: { name: 'b64' }, data: { k: '!!!' } }), 'Secret', 'illegal base64 data at input byte 0');
  });

  it('merges stringData into data (base64, overriding) and does not store it', async () => {
    const body = { metadata: { name: 'merged' }, data: { a: b64('x'), b: b64('x') }, stringData: { a: 'new', c: 'str' } };
    const created = (await api.post(secrets(), body)).json();
    expect({ data: created.data, stringData: created.stringData, type: created.type }).toEqual({
      data: { a: b64('new'), b: b64('x'), c: b64('str') },
      stringData: undefined,
      type: 'Opaque',
    });
  });

  it.each([
    ['kubernetes.io/tls', { 'tls.crt': b64('c') }, [requiredCause('data[tls.key]')]],
    ['kubernetes.io/tls', {}, [requiredCause('data[tls.crt]'), requiredCause('data[tls.key]')]],
    ['kubernetes.io/dockerconfigjson', {}, [requiredCause('data[.dockerconfigjson]')]],
    ['kubernetes.io/dockercfg', {}, [requiredCause('data[.dockercfg]')]],
    [
      'kubernetes.io/dockerconfigjson',
      { '.dockerconfigjson': b64('{') },
      [invalidCause('data[.dockerconfigjson]', '"<secret contents redacted>"', 'unexpected end of JSON input')],
    ],
    ['kubernetes.io/service-account-token', {}, [requiredCause('metadata.annotations[kubernetes.io/service-account.name]')]],
  ])('refuses a %s Secret without what it needs (%j)', async (type, data, causes) => {
    expectInvalid(await api.post(secrets(), { metadata: { name: 'typed' }, type, data }), 'Secret', '', 'typed', causes);
  });

  it.each([
    ['kubernetes.io/basic-auth', ['username', 'password']],
    ['kubernetes.io/ssh-auth', ['ssh-privatekey']],
  ])('refuses a %s Secret without its keys', async (type, keys) => {
    const old = appliesHere(VersionRules.secretAuthKeyPaths);
    const causes = keys.map((k) => requiredCause(old ? `data[%s][${k}]` : `data[${k}]`));
    expectInvalid(await api.post(secrets(), { metadata: { name: 'auth' }, type }), 'Secret', '', 'auth', causes);
  });

  it('accepts a basic-auth Secret with only a password', async () => {
    const answer = await api.post(secrets(), { metadata: { name: 'password-only' }, type: 'kubernetes.io/basic-auth', stringData: { password: 'p' } });
    expect({ status: answer.status, data: answer.json().data }).toEqual({ status: 201, data: { password: b64('p') } });
  });

  it('refuses invalid keys, from stringData too', async () => {
    expectInvalid(await api.post(secrets(), { metadata: { name: 'key' }, stringData: { 'a b': 'x' } }), 'Secret', '', 'key', [
      invalidCause('data[a b]', '"a b"', CONFIG_KEY),
    ]);
  });

  it('refuses more than 1 MiB of data, on data', async () => {
    const answer = await api.post(secrets(), { metadata: { name: 'big' }, data: { k: b64('x'.repeat(1024 * 1024 + 1)) } });
    expectInvalid(answer, 'Secret', '', 'big', [tooLong('data')]);
  });
});

describe('Lease validation and MicroTime decoding', () => {
  it('refuses leaseDurationSeconds 0', async () => {
    const answer = await api.post(leases(), { metadata: { name: 'zero' }, spec: { leaseDurationSeconds: 0 } });
    expectInvalid(answer, 'Lease', 'coordination.k8s.io', 'zero', [invalidCause('spec.leaseDurationSeconds', '0', 'must be greater than 0')]);
  });

  const layout = '"2006-01-02T15:04:05.000000Z07:00"';
  it.each([
    ['2024-01-01T00:00:00Z', 'cannot parse "Z" as ".000000"'],
    ['2024-01-01T00:00:00.123Z', 'cannot parse ".123Z" as ".000000"'],
    ['2024-01-01T00:00:00.123456789Z', 'cannot parse "789Z" as "Z07:00"'],
    ['bogus', 'cannot parse "bogus" as "2006"'],
  ])('answers 400 for renewTime %s (six fractional digits or nothing)', async (time, detail) => {
    const answer = await api.post(leases(), { metadata: { name: 'micro' }, spec: { renewTime: time } });
    expectUndecodable(answer, 'Lease', `parsing time "${time}" as ${layout}: ${detail}`);
  });

  it('stores MicroTimes in UTC with six fractional digits', async () => {
    const spec = { holderIdentity: 'me', leaseDurationSeconds: 15, acquireTime: '2024-01-01T02:00:00.123456+02:00', renewTime: '2024-01-01T00:00:01.000000Z' };
    const created = (await api.post(leases(), { metadata: { name: 'utc' }, spec })).json();
    expect(created.spec).toEqual({ ...spec, acquireTime: '2024-01-01T00:00:00.123456Z' });
  });
});

describe('PUT to a missing object', () => {
  const body = (kind: string, apiVersion: string, name: string, extra: Record<string, unknown> = {}) => ({ apiVersion, kind, metadata: { name }, ...extra });
  const rbac = 'rbac.authorization.k8s.io';
  it.each([
    ['coordination.k8s.io', 'leases', 'Lease', {}],
    ['', 'endpoints', 'Endpoints', {}],
    [rbac, 'roles', 'Role', { rules: [] }],
    [rbac, 'rolebindings', 'RoleBinding', { roleRef: { apiGroup: rbac, kind: 'Role', name: 'r' } }],
    ['', 'events', 'Event', { involvedObject: { kind: 'Pod', name: 'p', namespace: '<ns>' } }],
  ])('creates it for %s %s (201)', async (group, plural, kind, extra) => {
    const name = `put-${plural}`;
    const apiVersion = group === '' ? 'v1' : `${group}/v1`;
    const fields = JSON.parse(JSON.stringify(extra).replace('<ns>', ns())) as Record<string, unknown>;
    const answer = await api.put(`${collection(group, plural, ns())}/${name}`, body(kind, apiVersion, name, fields));
    expect({ status: answer.status, name: answer.json<{ metadata: { name: string } }>().metadata.name }).toEqual({ status: 201, name });
  });

  it.each([
    ['', 'configmaps', 'ConfigMap'],
    ['', 'secrets', 'Secret'],
    ['', 'serviceaccounts', 'ServiceAccount'],
    ['', 'services', 'Service'],
    ['apps', 'deployments', 'Deployment'],
    ['networking.k8s.io', 'networkpolicies', 'NetworkPolicy'],
  ])('answers 404 for %s %s', async (group, plural, kind) => {
    const answer = await api.put(`${collection(group, plural, ns())}/missing`, body(kind, group === '' ? 'v1' : `${group}/v1`, 'missing'));
    const resource = group === '' ? plural : `${plural}.${group}`;
    expect({ status: answer.status, message: answer.json().message }).toEqual({ status: 404, message: `${resource} "missing" not found` });
  });
});

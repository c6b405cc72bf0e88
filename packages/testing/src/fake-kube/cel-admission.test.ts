/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped wire JSON */
/**
 * CEL rules at admission, over the wire (client-node and raw HTTP): where rules run, `self` and
 * `oldSelf`, messages, field paths, reasons, evaluation errors, ratcheting, and rules skipped
 * after schema errors, worded as kube-apiserver words them.
 */
import { PatchStrategy, type KubernetesObject, type KubernetesObjectApi } from '@kubernetes/client-node';
import { createClusterModel } from '@kubeception/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure, objectSchema, raw, rawPatch, startWithClients, testCrd } from './fixtures.js';
import type { FakeKube } from './server.js';

const rules = (...r: object[]) => ({ 'x-kubernetes-validations': r });

const spec = {
  type: 'object',
  ...rules(
    { rule: 'self.min <= self.max', message: 'min must not exceed max' },
    { rule: 'self.ratio < 1.0', messageExpression: "'ratio ' + string(self.ratio) + ' is not below 1'" },
    { rule: "!has(self.name) || self.name.startsWith('g-')", message: 'name must start with g-', reason: 'FieldValueForbidden', fieldPath: '.name' },
    { rule: "self.tags.exists_one(t, t == 'primary') || self.tags.size() == 0" },
    { rule: 'self.min != 99 || self.extra.size() > 0', message: 'extra is needed with min 99' },
  ),
  properties: {
    min: { type: 'integer' },
    max: { type: 'integer' },
    ratio: { type: 'number' },
    name: { type: 'string', pattern: '^[a-z-]+$' },
    extra: { type: 'string' },
    tags: { type: 'array', items: { type: 'string' }, default: [] },
    size: {
      'x-kubernetes-int-or-string': true,
      ...rules({ rule: "type(self) == int ? self <= 10 : self.endsWith('%')", message: 'size must be at most 10 or a percentage' }),
    },
    owner: { type: 'string', ...rules({ rule: 'self == oldSelf', message: 'owner is immutable' }) },
    nickname: {
      type: 'string',
      ...rules({
        rule: 'oldSelf.hasValue() ? self.size() >= oldSelf.value().size() : self.size() <= 3',
        message: 'nickname starts short and only grows',
        optionalOldSelf: true,
      }),
    },
    ports: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      items: {
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string' }, port: { type: 'integer' } },
        ...rules({ rule: 'self.port == oldSelf.port', message: 'a named port keeps its number' }),
      },
    },
    limits: { type: 'object', additionalProperties: { type: 'integer', ...rules({ rule: 'self >= 0', message: 'must not be negative' }) } },
    deadline: { type: 'string', format: 'date-time', ...rules({ rule: "self > timestamp('2020-01-01T00:00:00Z')", message: 'deadline must be after 2020' }) },
  },
};

const gadgetCrd = testCrd('Gadget', objectSchema(spec));

/** A CRD whose `spec.version` carries the Cluster CRD's version skew rules, on a plain string (no enum). */
function releaseCrd(): object {
  const cluster = createClusterModel({ providers: [] }).crd().spec.versions[0]?.schema.openAPIV3Schema;
  const version = cluster?.properties?.spec?.properties?.kubernetes?.properties?.version;
  return testCrd(
    'Release',
    objectSchema({ type: 'object', properties: { version: { type: 'string', ...rules(...(version?.['x-kubernetes-validations'] ?? [])) } } }),
  );
}

let kube: FakeKube, objects: KubernetesObjectApi;
beforeAll(async () => {
  ({ kube, objects } = await startWithClients({ crds: [gadgetCrd, releaseCrd()] }));
});
afterAll(() => kube.stop());

const PATH = '/apis/example.com/v1/namespaces/default/gadgets';
const gadget = (name: string, s: object) => ({
  apiVersion: 'example.com/v1',
  kind: 'Gadget',
  metadata: { name, namespace: 'default' },
  spec: { min: 1, max: 2, ratio: 0.5, ...s },
});

/** A list of named ports. */
const ports = (...named: [string, number][]) => named.map(([name, port]) => ({ name, port }));
const causesOf = (body: any): string[] => body.details.causes.map((c: any) => `${c.reason} ${c.field}: ${c.message}`);
const mergePatch = (name: string, body: object, path = PATH) => rawPatch(kube, PatchStrategy.MergePatch, `${path}/${name}`, body);

describe('CEL rules at admission', () => {
  it('accepts an object every rule holds for', async () => {
    const created = (await objects.create(
      gadget('fine', { name: 'g-one', tags: ['primary', 'b'], size: '50%', limits: { cpu: 2 }, deadline: '2030-01-01T00:00:00Z' }) as KubernetesObject,
    )) as any;
    expect(created.spec.name).toBe('g-one');
  });

  it('reports each false rule at its node, with message, messageExpression, fieldPath, reason or the default message', async () => {
    const body = await apiFailure(objects.create(gadget('bad', { min: 3, max: 2, ratio: 1.5, name: 'x', tags: ['a'] }) as KubernetesObject));
    expect(body.code).toBe(422);
    expect(causesOf(body)).toEqual([
      'FieldValueInvalid spec: Invalid value: "object": min must not exceed max',
      'FieldValueInvalid spec: Invalid value: "object": ratio 1.5 is not below 1',
      'FieldValueForbidden spec.name: Forbidden: name must start with g-',
      `FieldValueInvalid spec: Invalid value: "object": failed rule: self.tags.exists_one(t, t == 'primary') || self.tags.size() == 0`,
    ]);
    expect(body.message).toBe(
      `Gadget.example.com "bad" is invalid: [${causesOf(body)
        .map((c) => c.slice(c.indexOf(' ') + 1))
        .join(', ')}]`,
    );
  });

  it('types values as the schema says: int, double, int-or-string as dyn, maps by key, date-time as timestamp', async () => {
    const body = await apiFailure(
      objects.create(gadget('typed', { size: 11, limits: { cpu: 1, memory: -1 }, deadline: '2019-06-01T00:00:00Z' }) as KubernetesObject),
    );
    expect(causesOf(body)).toEqual([
      'FieldValueInvalid spec.size: Invalid value: "": size must be at most 10 or a percentage',
      'FieldValueInvalid spec.limits[memory]: Invalid value: "integer": must not be negative',
      'FieldValueInvalid spec.deadline: Invalid value: "string": deadline must be after 2020',
    ]);
  });

  it('words evaluation errors like kube', async () => {
    const body = await apiFailure(objects.create(gadget('missing', { min: 99, max: 100 }) as KubernetesObject));
    expect(causesOf(body)).toEqual(['FieldValueInvalid spec: Invalid value: "object": no such key: extra evaluating rule: extra is needed with min 99']);
  });

  it('runs transition rules only on updates with an old value, optionalOldSelf ones always', async () => {
    expect((await raw(kube, 'POST', PATH, gadget('moving', { owner: 'ann', nickname: 'abc', ports: [{ name: 'http', port: 80 }] }))).status).toBe(201);
    expect(
      (
        await mergePatch('moving', {
          spec: { owner: 'ann', nickname: 'abcd', ports: ports(['http', 80], ['dns', 53]) },
        })
      ).status,
    ).toBe(200);
    const changed = await mergePatch('moving', {
      spec: { owner: 'bob', nickname: 'ab', ports: ports(['dns', 54], ['http', 80]) },
    });
    expect(changed.status).toBe(422);
    expect(causesOf(changed.json)).toEqual([
      'FieldValueInvalid spec.owner: Invalid value: "string": owner is immutable',
      'FieldValueInvalid spec.nickname: Invalid value: "string": nickname starts short and only grows',
      // matched with the old item of the same name, not the same index
      'FieldValueInvalid spec.ports[0]: Invalid value: "object": a named port keeps its number',
    ]);
    const created = await raw(kube, 'POST', PATH, gadget('long', { nickname: 'abcdef' }));
    expect(causesOf(created.json)).toEqual(['FieldValueInvalid spec.nickname: Invalid value: "string": nickname starts short and only grows']);
    // a field without an old value is not checked by a transition rule
    expect((await mergePatch('moving', { spec: { extra: 'new' } })).status).toBe(200);
  });

  it('skips the rules after type, required, enum or size errors, and says so', async () => {
    const body = await apiFailure(objects.create(gadget('shapeless', { min: 'one', max: 0 }) as KubernetesObject));
    expect(causesOf(body)).toEqual([
      'FieldValueTypeInvalid spec.min: Invalid value: "string": spec.min in body must be of type integer: "string"',
      'FieldValueInvalid <nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
    ]);
    // a pattern error does not block them
    const pattern = await apiFailure(objects.create(gadget('patterned', { name: 'G1', min: 5, max: 1 }) as KubernetesObject));
    expect(causesOf(pattern)).toEqual([
      `FieldValueInvalid spec.name: Invalid value: "G1": spec.name in body should match '^[a-z-]+$'`,
      'FieldValueInvalid spec: Invalid value: "object": min must not exceed max',
      'FieldValueForbidden spec.name: Forbidden: name must start with g-',
    ]);
  });

  it('ratchets: a rule added later warns about an unchanged bad value and refuses a new one', async () => {
    expect((await raw(kube, 'POST', PATH, gadget('legacy', { name: 'g-long-name' }))).status).toBe(201);
    const crd = (await raw(kube, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com')).json;
    crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.name['x-kubernetes-validations'] = [
      { rule: 'self.size() <= 5', message: 'name is too long' },
    ];
    expect((await raw(kube, 'PUT', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com', crd)).status).toBe(200);

    const unchanged = await mergePatch('legacy', { spec: { max: 3 } });
    expect(unchanged.status).toBe(200);
    expect(unchanged.headers.get('warning')).toBe('299 - "spec.name: Invalid value: \\"string\\": name is too long"');
    const changed = await mergePatch('legacy', { spec: { name: 'g-longer-name' } });
    expect(causesOf(changed.json)).toEqual(['FieldValueInvalid spec.name: Invalid value: "string": name is too long']);
  });
});

describe('the version skew rules of the Cluster CRD, on any major.minor.patch', () => {
  const RELEASES = '/apis/example.com/v1/namespaces/default/releases';
  const release = (name: string, version: string) => ({ apiVersion: 'example.com/v1', kind: 'Release', metadata: { name }, spec: { version } });

  it('lets patch versions change either way and minor versions go up one at a time', async () => {
    expect((await raw(kube, 'POST', RELEASES, release('r1', '1.32.5'))).status).toBe(201);
    for (const version of ['1.32.1', '1.32.7', '1.33.0', '1.33.10', '1.34.0', '1.34.0']) {
      const res = await mergePatch('r1', { spec: { version } }, RELEASES);
      expect(res.status, `${version}: ${JSON.stringify(res.json.message)}`).toBe(200);
    }
  });

  it('refuses going down a minor version, skipping one, or a major jump', async () => {
    expect((await raw(kube, 'POST', RELEASES, release('r2', '1.33.10'))).status).toBe(201);
    const refused = async (version: string) => causesOf((await mergePatch('r2', { spec: { version } }, RELEASES)).json);
    expect(await refused('1.32.99')).toEqual([
      'FieldValueInvalid spec.version: Invalid value: "string": spec.kubernetes.version may not go down a minor version (from 1.33.10 to 1.32.99): downgrades are not supported',
    ]);
    expect(await refused('1.35.0')).toEqual([
      'FieldValueInvalid spec.version: Invalid value: "string": spec.kubernetes.version may rise by one minor version at a time (from 1.33.10 to 1.35.0): upgrade to 1.34 first',
    ]);
    expect(await refused('2.0.0')).toHaveLength(1);
    expect(await refused('0.99.0')).toHaveLength(1);
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped wire JSON */
import { PatchStrategy, type KubernetesObject, type KubernetesObjectApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure, raw, rawPatch, sampleCluster, startWithCrds } from './fixtures.js';
import { pruneAndDefault } from './schema-defaults.js';
import { validateSchema } from './schema-validate.js';
import type { FakeKube } from './server.js';
import type { StatusCause } from './types.js';

let kube: FakeKube, objects: KubernetesObjectApi;
beforeAll(async () => {
  ({ kube, objects } = await startWithCrds());
});
afterAll(() => kube.stop());

const rejection = (obj: object): Promise<any> => apiFailure(objects.create(obj as KubernetesObject));

const withSpec = (name: string, patch: (spec: any) => void) => {
  const c = sampleCluster(name) as any;
  patch(c.spec);
  return c;
};

describe('CRD validation through the server', () => {
  it('rejects an unsupported enum value with the real message', async () => {
    const body = await rejection(withSpec('enum', (s) => (s.masters.replicas = 2)));
    expect(body.code).toBe(422);
    expect(body.reason).toBe('Invalid');
    // the CRD has CEL rules, which an enum error keeps from running: kube adds a cause without a field
    const notChecked =
      'Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';
    expect(body.message).toBe(
      `Cluster.kubeception.io "enum" is invalid: [spec.masters.replicas: Unsupported value: 2: supported values: "1", "3", "5", <nil>: ${notChecked}]`,
    );
    expect(body.details).toEqual({
      name: 'enum',
      group: 'kubeception.io',
      kind: 'Cluster',
      causes: [
        { reason: 'FieldValueNotSupported', message: 'Unsupported value: 2: supported values: "1", "3", "5"', field: 'spec.masters.replicas' },
        { reason: 'FieldValueInvalid', message: notChecked, field: '<nil>' },
      ],
    });
  });

  it('lists every cause, with field paths into lists', async () => {
    const body = await rejection(
      withSpec('many', (s) => {
        delete s.network.podCIDR;
        s.kubernetes.api.securePort = 0;
        s.workers = [
          { name: 'ok', replicas: 1, cpus: 1, memory: '1Gi', disk: '1Gi' },
          { name: 'Bad Pool', replicas: 'x', cpus: 1, memory: '1Gi', disk: '1Gi' },
        ];
      }),
    );
    const fields = body.details.causes.map((c: StatusCause) => `${c.field}|${c.reason}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        'spec.network.podCIDR|FieldValueRequired',
        'spec.kubernetes.api.securePort|FieldValueInvalid',
        'spec.workers[1].name|FieldValueInvalid',
        'spec.workers[1].replicas|FieldValueTypeInvalid',
      ]),
    );
    expect(body.message).toMatch(/^Cluster\.kubeception\.io "many" is invalid: \[.*\]$/);
    expect(body.details.causes.find((c: StatusCause) => c.field === 'spec.workers[1].replicas').message).toBe(
      'Invalid value: "string": spec.workers[1].replicas in body must be of type integer: "string"',
    );
    expect(body.details.causes.find((c: StatusCause) => c.field === 'spec.kubernetes.api.securePort').message).toBe(
      'Invalid value: 0: spec.kubernetes.api.securePort in body should be greater than or equal to 1',
    );
  });

  it('applies defaults where the parent exists, including inside defaulted objects', async () => {
    const c = (await objects.create(sampleCluster('defaults') as KubernetesObject)) as any;
    expect(c.spec.kubernetes.api).toMatchObject({ securePort: 443, serviceCIDR: '172.31.0.0/16' });
    expect(c.spec.kubernetes.dns).toEqual({ clusterDomain: 'cluster.local' });
    expect(c.spec.network.flannel).toEqual({ subnetLen: 30 });
    expect(c.spec.certificates).toEqual({ caTTL: '87600h', ttl: '72h' });
    expect(c.spec.workers).toEqual([]);
    expect(c.spec.paused).toBe(false);
  });

  it('prunes unknown fields but keeps preserve-unknown-fields subtrees', async () => {
    const c = withSpec('prune', (s) => {
      s.unknown = 1;
      s.provider.kvm = { anything: { goes: true } };
    });
    const res = await raw(kube, 'POST', '/apis/kubeception.io/v1alpha1/namespaces/default/clusters', c);
    expect(res.status).toBe(201);
    expect(res.json.spec.unknown).toBeUndefined();
    expect(res.json.spec.provider.kvm).toEqual({ anything: { goes: true } });
    expect(res.headers.get('warning')).toBe('299 - "unknown field \\"spec.unknown\\""');
  });

  it('fails unknown fields with fieldValidation=Strict', async () => {
    const c = withSpec('strict', (s) => (s.unknown = 1));
    const res = await raw(kube, 'POST', '/apis/kubeception.io/v1alpha1/namespaces/default/clusters?fieldValidation=Strict', c);
    expect(res.status).toBe(400);
    expect(res.json.message).toBe('Cluster in version "v1alpha1" cannot be handled as a Cluster: strict decoding error: unknown field "spec.unknown"');
  });

  it('validates status writes against the schema', async () => {
    await objects.create(sampleCluster('status') as KubernetesObject);
    const res = await rawPatch(kube, PatchStrategy.MergePatch, '/apis/kubeception.io/v1alpha1/namespaces/default/clusters/status/status', {
      status: { phase: 'Sleeping' },
    });
    expect(res.status).toBe(422);
    expect(res.json.details.causes[0]).toMatchObject({ field: 'status.phase', reason: 'FieldValueNotSupported' });
  });
});

describe('schema validator', () => {
  const check = (value: unknown, schema: object): StatusCause[] => {
    const errs: StatusCause[] = [];
    validateSchema(value, schema, 'spec', errs);
    return errs;
  };

  it('checks string constraints and formats', () => {
    expect(check('', { type: 'string', minLength: 1 })[0]?.message).toBe('Invalid value: "": spec in body should be at least 1 chars long');
    expect(check('abcd', { type: 'string', maxLength: 3 })[0]).toEqual({
      reason: 'FieldValueTooLong',
      field: 'spec',
      message: 'Too long: may not be more than 3 bytes',
    });
    expect(check('A', { type: 'string', pattern: '^[a-z]+$' })[0]?.message).toBe('Invalid value: "A": spec in body should match \'^[a-z]+$\'');
    expect(check('yesterday', { type: 'string', format: 'date-time' })[0]?.message).toBe(
      'Invalid value: "yesterday": spec in body must be of type date-time: "yesterday"',
    );
    expect(check('2025-01-01T00:00:00Z', { type: 'string', format: 'date-time' })).toEqual([]);
  });

  it('checks numbers, arrays and list-map keys', () => {
    expect(check(11, { type: 'integer', maximum: 10 })[0]?.message).toBe('Invalid value: 11: spec in body should be less than or equal to 10');
    expect(check(1.5, { type: 'integer' })[0]?.message).toBe('Invalid value: "number": spec in body must be of type integer: "number"');
    expect(check([1, 2, 3], { type: 'array', maxItems: 2 })[0]?.message).toBe('Too many: 3: must have at most 2 items');
    expect(check([], { type: 'array', minItems: 1 })[0]?.message).toBe('Invalid value: 0: spec in body should have at least 1 items');
    const listMap = { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'], items: { type: 'object' } };
    expect(check([{ type: 'Ready' }, { type: 'Ready' }], listMap)[0]).toMatchObject({ reason: 'FieldValueDuplicate', field: 'spec[1]' });
  });

  it('defaults only where the parent exists', () => {
    const schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: { a: { type: 'object', properties: { b: { type: 'integer', default: 1 } } }, c: { type: 'string', default: 'x' } },
        },
      },
    };
    const absent = { apiVersion: 'v', kind: 'K', metadata: {} };
    pruneAndDefault(absent, schema);
    expect(absent).toEqual({ apiVersion: 'v', kind: 'K', metadata: {} });
    const present: any = { spec: { a: {}, extra: 1 } };
    expect(pruneAndDefault(present, schema)).toEqual(['spec.extra']);
    expect(present).toEqual({ spec: { a: { b: 1 }, c: 'x' } });
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped wire JSON */
/** CRDs whose CEL rules do not compile are refused at creation, as kube-apiserver refuses them. */
import { PatchStrategy } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectSchema, raw, rawPatch, testCrd } from './fixtures.js';
import { startFakeKube, type FakeKube } from './server.js';

let kube: FakeKube;
beforeAll(async () => {
  kube = await startFakeKube();
});
afterAll(() => kube.stop());

const SPEC = 'spec.versions[0].schema.openAPIV3Schema.properties[spec]';

/** A CRD whose `spec` carries `rules` (and `tags`, a list whose items carry `itemRules`). */
function crd(plural: string, rules: object[], itemRules: object[] = []): object {
  const spec = {
    type: 'object',
    'x-kubernetes-validations': rules,
    properties: {
      min: { type: 'integer' },
      name: { type: 'string' },
      tags: { type: 'array', items: { type: 'string', ...(itemRules.length ? { 'x-kubernetes-validations': itemRules } : {}) } },
    },
  };
  return testCrd(plural[0]?.toUpperCase() + plural.slice(1, -1), objectSchema(spec), { plural });
}

async function causes(body: object): Promise<{ field: string; message: string; reason: string }[]> {
  const res = await raw(kube, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', body);
  expect(res.status, JSON.stringify(res.json)).toBe(422);
  expect(res.json.reason).toBe('Invalid');
  return res.json.details.causes;
}

const goRule = (rule: string, extra = '') =>
  `apiextensions.ValidationRule{Rule:${JSON.stringify(rule)}, Message:"${extra}", MessageExpression:"", Reason:(*apiextensions.FieldValueErrorReason)(nil), FieldPath:"", OptionalOldSelf:(*bool)(nil)}`;

describe('CRD creation compiles the CEL rules', () => {
  it('accepts rules that compile, and serves the kind', async () => {
    const res = await raw(
      kube,
      'POST',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      crd('goods', [{ rule: 'self.min >= 0 && self.tags.all(t, t.size() < 10)' }]),
    );
    expect(res.status).toBe(201);
    expect((await raw(kube, 'GET', '/apis/example.com/v1/namespaces/default/goods')).status).toBe(200);
  });

  it('refuses a rule naming an undefined field, in cel-go layout', async () => {
    const [cause, ...rest] = await causes(crd('nopes', [{ rule: 'self.nope == 1' }]));
    expect(rest).toEqual([]);
    expect(cause?.field).toBe(`${SPEC}.x-kubernetes-validations[0].rule`);
    expect(cause?.reason).toBe('FieldValueInvalid');
    expect(cause?.message).toBe(
      `Invalid value: ${goRule('self.nope == 1')}: compilation failed: ERROR: <input>:1:6: No such key: nope\n | self.nope == 1\n | .....^`,
    );
  });

  it('refuses syntax errors, wrong operand types and unknown variables', async () => {
    const list = await causes(crd('broken', [{ rule: 'self.min ==' }, { rule: "self.min == 'one'" }, { rule: 'other.min == 1' }]));
    expect(list.map((c) => c.field)).toEqual([0, 1, 2].map((i) => `${SPEC}.x-kubernetes-validations[${i}].rule`));
    for (const c of list) expect(c.message).toContain(': compilation failed: ERROR: <input>:1:');
    expect(list[2]?.message).toContain('Unknown variable: other');
  });

  it('refuses a rule that is not a bool, and a constant pattern that does not compile', async () => {
    const list = await causes(
      crd('nonbool', [
        { rule: 'self.min', message: 'm' },
        { rule: "self.name.matches('[')", message: 'm' },
      ]),
    );
    expect(list.map((c) => c.message)).toEqual([
      `Invalid value: ${goRule('self.min', 'm')}: cel expression must evaluate to a bool`,
      expect.stringMatching(/: program instantiation failed: error parsing regexp: .*\[/),
    ]);
  });

  it('sees only metadata.name and generateName at the root, like kube', async () => {
    const body = crd('metas', []) as any;
    body.spec.versions[0].schema.openAPIV3Schema['x-kubernetes-validations'] = [
      { rule: 'self.metadata.name.size() < 10' },
      { rule: "has(self.metadata.labels) || self.kind == 'Meta'" },
    ];
    const [cause, ...rest] = await causes(body);
    expect(rest).toEqual([]);
    expect(cause?.field).toBe('spec.versions[0].schema.openAPIV3Schema.x-kubernetes-validations[1].rule');
    expect(cause?.message).toContain('No such key: labels');
  });

  it('refuses oldSelf under the items of a list whose items cannot be matched with old ones', async () => {
    const [cause] = await causes(crd('atomics', [], [{ rule: 'self == oldSelf', message: 'fixed' }]));
    expect(cause).toEqual({
      reason: 'FieldValueInvalid',
      field: `${SPEC}.properties[tags].items.x-kubernetes-validations[0].rule`,
      message: `Invalid value: "self == oldSelf": oldSelf cannot be used on the uncorrelatable portion of the schema within ${SPEC}.properties[tags].items`,
    });
  });

  it('checks the shape of each rule: rule, message, reason, fieldPath, messageExpression', async () => {
    const list = await causes(
      crd('shapes', [
        { rule: ' ' },
        { rule: 'self.min > 0', message: 'two\nlines' },
        { rule: 'self.min > 0', reason: 'FieldValueWrong' },
        { rule: 'self.min > 0', fieldPath: '.nope' },
      ]),
    );
    const at = (i: number, f: string) => `${SPEC}.x-kubernetes-validations[${i}].${f}`;
    expect(list.map((c) => [c.field, c.reason, c.message])).toEqual([
      [at(0, 'rule'), 'FieldValueRequired', 'Required value: rule is not specified'],
      [at(1, 'message'), 'FieldValueInvalid', 'Invalid value: "two\\nlines": message must not contain line breaks'],
      [
        at(2, 'reason'),
        'FieldValueNotSupported',
        'Unsupported value: "FieldValueWrong": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"',
      ],
      [at(3, 'fieldPath'), 'FieldValueInvalid', 'Invalid value: ".nope": fieldPath must be a valid path: does not refer to a valid field'],
    ]);
  });

  it('compiles messageExpression (only once the rules of the node are well formed, as kube does)', async () => {
    const list = await causes(
      crd('messages', [
        { rule: 'self.min > 0', messageExpression: 'self.min' },
        { rule: 'self.min > 0', messageExpression: "'min is ' + self.nope" },
      ]),
    );
    expect(list.map((c) => [c.field, c.message.replace(/^Invalid value: apiextensions\.ValidationRule\{.*?\}: /, '')])).toEqual([
      [`${SPEC}.x-kubernetes-validations[0].messageExpression`, 'messageExpression must evaluate to a string'],
      [
        `${SPEC}.x-kubernetes-validations[1].messageExpression`,
        expect.stringMatching(/^messageExpression compilation failed: ERROR: <input>:1:18: No such key: nope/),
      ],
    ]);
  });

  it('checks rules on update of a CRD too', async () => {
    const created = await raw(kube, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd('laters', [{ rule: 'self.min > 0' }]));
    expect(created.status).toBe(201);
    const patch = [{ op: 'add', path: '/spec/versions/0/schema/openAPIV3Schema/properties/spec/x-kubernetes-validations/-', value: { rule: 'self.max > 0' } }];
    const res = await rawPatch(kube, PatchStrategy.JsonPatch, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/laters.example.com', patch);
    expect(res.status).toBe(422);
    expect(res.json.details.causes[0].field).toBe(`${SPEC}.x-kubernetes-validations[1].rule`);
  });
});

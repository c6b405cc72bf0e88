import { kubeceptionCrds } from '@kubeception/sdk';
import { describe, expect, it } from 'vitest';
import { stripCelRules } from './crds.js';
import { testCrd } from '../fake-kube/fixtures.js';

const rules = [{ rule: 'self.a <= self.b', message: 'a after b' }];

const crd = testCrd('Thing', {
  type: 'object',
  'x-kubernetes-validations': rules,
  properties: {
    spec: {
      type: 'object',
      properties: {
        list: { type: 'array', items: { type: 'object', 'x-kubernetes-validations': rules } },
        map: { type: 'object', additionalProperties: { type: 'string', 'x-kubernetes-validations': rules } },
        // data, not schema: kept as written
        raw: { type: 'object', default: { 'x-kubernetes-validations': 'kept' }, 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
  },
});

describe('stripCelRules', () => {
  it('removes x-kubernetes-validations at every depth and keeps everything else', () => {
    const stripped = stripCelRules(crd);
    const text = JSON.stringify(stripped);
    expect(text.match(/x-kubernetes-validations/g)).toEqual(['x-kubernetes-validations']); // only the default value's key
    expect(
      JSON.parse(
        JSON.stringify(crd)
          .replaceAll(`"x-kubernetes-validations":${JSON.stringify(rules)},`, '')
          .replaceAll(`,"x-kubernetes-validations":${JSON.stringify(rules)}`, ''),
      ),
    ).toEqual(stripped);
  });

  it('leaves its argument alone', () => {
    const before = JSON.stringify(crd);
    stripCelRules(crd);
    expect(JSON.stringify(crd)).toBe(before);
  });

  it('leaves no CEL rule in the Kubeception CRDs', () => {
    const crds = kubeceptionCrds();
    expect(JSON.stringify(crds)).toContain('x-kubernetes-validations');
    expect(JSON.stringify(crds.map((c) => stripCelRules(c)))).not.toContain('x-kubernetes-validations');
  });

  it('returns what is not a CRD unchanged', () => {
    const notCrd = { kind: 'ConfigMap' };
    expect(stripCelRules(notCrd)).toBe(notCrd);
  });
});

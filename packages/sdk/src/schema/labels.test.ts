import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toStructuralSchema } from './openapi.js';
import { LABEL_KEY_RULES, LABEL_VALUE_PATTERN, MAX_LABELS, labelKeyProblems, labelMap, labelValueProblems } from './labels.js';

const NAME_REGEX_ERROR =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_REGEX_ERROR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const KEYS = [
  'a',
  'A',
  '1',
  'a_b.c-d',
  'node.kubernetes.io/pool',
  'example.com/MyName',
  'a'.repeat(63),
  `${'a'.repeat(253)}/x`,
  '',
  'bad key!',
  'a\nb',
  '-a',
  'a-',
  'x$(curl)',
  'a/b/c',
  '/x',
  'x/',
  'Example.com/x',
  'a..b/c',
  'a'.repeat(64),
  `${'a'.repeat(254)}/x`,
  'a=b',
  'a,b',
];
const VALUES = ['', 'a', 'My_value-1.2', 'a'.repeat(63), 'a'.repeat(64), 'a\nb', '$(curl x)', ' a', 'a ', '-a', 'a=b', 'a,b', "'a'"];

describe('label syntax (the API server’s rules and words)', () => {
  it.each([
    ['bad key!', [`name part ${NAME_REGEX_ERROR}`]],
    ['Example.com/x', [expect.stringMatching(/^prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters/)]],
    ['/x', ['prefix part must be non-empty']],
    ['x/', ['name part must be non-empty', `name part ${NAME_REGEX_ERROR}`]],
    ['a'.repeat(64), ['name part must be no more than 63 characters']],
    [`${'a'.repeat(254)}/x`, ['prefix part must be no more than 253 characters']],
    ['a/b/c', [`a qualified name ${NAME_REGEX_ERROR} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]],
  ])('key %j: %j', (key, problems) => expect(labelKeyProblems(key)).toEqual(problems));

  it.each([
    ['a\nb', [VALUE_REGEX_ERROR]],
    ['$(curl x)', [VALUE_REGEX_ERROR]],
    ['a'.repeat(64), ['must be no more than 63 characters']],
    ['', []],
  ])('value %j: %j', (value, problems) => expect(labelValueProblems(value)).toEqual(problems));
});

describe('labelMap in the CRD', () => {
  const node = toStructuralSchema(z.strictObject({ labels: labelMap('Labels.') })).properties?.labels;

  it('bounds the map and its values, and checks the keys with CEL rules', () => {
    expect(node).toMatchObject({
      type: 'object',
      maxProperties: MAX_LABELS,
      additionalProperties: { type: 'string', pattern: LABEL_VALUE_PATTERN, maxLength: 63 },
      'x-kubernetes-validations': LABEL_KEY_RULES,
    });
  });

  it('writes CEL rules without backslashes, so no CEL string escaping is involved', () => {
    for (const { rule } of LABEL_KEY_RULES) expect(rule).not.toContain('\\');
  });

  const keyAccepted = (key: string) => LABEL_KEY_RULES.every(({ rule }) => new RegExp(/k\.matches\('([^']*)'\)/.exec(rule)?.[1] ?? '(?!)').test(key));

  it.each(KEYS.map((k) => [k]))('the CEL rules and the validator agree on key %j', (key) => {
    expect(keyAccepted(key)).toBe(labelKeyProblems(key).length === 0);
  });

  it.each(VALUES.map((v) => [v]))('the value pattern and the validator agree on %j', (value) => {
    expect(new RegExp(LABEL_VALUE_PATTERN).test(value) && value.length <= 63).toBe(labelValueProblems(value).length === 0);
  });
});

describe('labelMap in the validator', () => {
  const schema = z.strictObject({ labels: labelMap('Labels.') });
  const issues = (labels: Record<string, string>) => {
    const result = schema.safeParse({ labels });
    return result.success ? [] : result.error.issues.map((i) => ({ path: i.path, message: i.message }));
  };

  it('accepts Kubernetes labels', () => {
    expect(issues({ 'node.kubernetes.io/pool': 'default', gpu: '', team: 'platform_1' })).toEqual([]);
  });

  it('names the entry and words the problem as the API server does', () => {
    expect(issues({ 'bad key!': 'x', ok: 'a\nb' })).toEqual([
      { path: ['labels', 'bad key!'], message: `Invalid value: "bad key!": name part ${NAME_REGEX_ERROR}` },
      { path: ['labels', 'ok'], message: `Invalid value: "a\\nb": ${VALUE_REGEX_ERROR}` },
    ]);
  });

  it(`refuses more than ${MAX_LABELS} labels`, () => {
    const many = Object.fromEntries(Array.from({ length: MAX_LABELS + 1 }, (_, i) => [`l${i}`, 'v']));
    expect(issues(many)).toEqual([{ path: ['labels'], message: `Too many: ${MAX_LABELS + 1}: must have at most ${MAX_LABELS} labels` }]);
  });
});

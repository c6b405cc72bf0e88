import { provider as aws } from '@kubeception/driver-aws';
import { provider as kvm } from '@kubeception/driver-kvm';
import {
  createClusterModel,
  certificateAuthorityCrd,
  certificateCrd,
  validateCertificate,
  validateCertificateAuthority,
  type CustomResourceDefinition,
} from '@kubeception/sdk';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { loadSamples, type Sample } from './samples.js';

const clusters = createClusterModel({ providers: [kvm, aws] });
const crds: Record<string, CustomResourceDefinition> = {
  Cluster: clusters.crd(),
  CertificateAuthority: certificateAuthorityCrd(),
  Certificate: certificateCrd(),
};

function validate(sample: Sample) {
  switch (sample.object.kind) {
    case 'Cluster':
      return clusters.validate(sample.object);
    case 'CertificateAuthority':
      return validateCertificateAuthority(sample.object);
    default:
      return validateCertificate(sample.object);
  }
}

/**
 * The one CEL rule shape evaluated here: `self.all(k, k.matches('<regex>'))` on a map (the label
 * key rules). The regexes are RE2 and JavaScript alike; other rules are left to the API server.
 */
const MAP_KEYS_MATCH = /^self\.all\(k, k\.matches\('([^'\\]*)'\)\)$/;

function celMapKeys(rules: readonly { rule: string }[], data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return true;
  return rules.every(({ rule }) => {
    const regex = MAP_KEYS_MATCH.exec(rule)?.[1];
    return regex === undefined || Object.keys(data).every((key) => new RegExp(regex).test(key));
  });
}

/** Validates like the API server's schema step: defaults applied, unknown keywords ignored (but see {@link celMapKeys}). */
function crdValidator(kind: string) {
  const schema = crds[kind]?.spec.versions[0]?.schema.openAPIV3Schema;
  const ajv = new Ajv({ strict: false, useDefaults: true, validateFormats: false, allErrors: true });
  ajv.addKeyword({ keyword: 'x-kubernetes-validations', schemaType: 'array', validate: celMapKeys });
  return ajv.compile(schema ?? {});
}

const valid = loadSamples('valid');
const invalid = loadSamples('invalid');

describe('valid samples', () => {
  it.each(valid.map((s) => [s.file, s] as const))('%s validates', (_file, sample) => {
    const result = validate(sample);
    expect(result.isOk() ? [] : result.error.issues).toEqual([]);
  });

  it.each(valid.map((s) => [s.file, s] as const))('%s: validating the validated object changes nothing', (_file, sample) => {
    const once = validate(sample)._unsafeUnwrap();
    expect(validate({ ...sample, object: structuredClone(once) as unknown as Sample["object"] })._unsafeUnwrap()).toEqual(once);
  });

  it.each(valid.map((s) => [s.file, s] as const))('%s: the CRD schema accepts it and defaults it exactly like the SDK', (_file, sample) => {
    const check = crdValidator(sample.object.kind);
    const defaulted = structuredClone(sample.object);
    expect(check(defaulted), JSON.stringify(check.errors)).toBe(true);
    expect(defaulted).toEqual(validate(sample)._unsafeUnwrap());
  });

  it('covers each kind and provider', () => {
    const kinds = valid.map((s) => `${s.object.kind}/${Object.keys((s.object.spec as { provider?: object }).provider ?? {}).join('')}`);
    expect(kinds.sort()).toEqual(['Certificate/', 'CertificateAuthority/', 'Cluster/aws', 'Cluster/kvm']);
  });
});

describe('invalid samples', () => {
  it('has at least 25 distinct cases, each annotated', () => {
    expect(invalid.length).toBeGreaterThanOrEqual(25);
    for (const sample of invalid) expect(sample.expects.length, sample.file).toBeGreaterThan(0);
    const signatures = new Set(invalid.map((s) => s.expects.map((e) => `${e.path}: ${e.message}`).join('\n')));
    expect(signatures.size).toBe(invalid.length);
  });

  it.each(invalid.map((s) => [s.file, s] as const))('%s fails with exactly the annotated errors', (_file, sample) => {
    const result = validate(sample);
    expect(result.isErr()).toBe(true);
    const issues = result.isErr() ? result.error.issues : [];
    expect(issues.map((i) => i.path)).toEqual(sample.expects.map((e) => e.path));
    sample.expects.forEach((expected, i) => expect(issues[i]?.message).toContain(expected.message));
  });

  it.each(invalid.filter((s) => s.schemaRejects).map((s) => [s.file, s] as const))('%s is rejected by the CRD schema too', (_file, sample) => {
    const check = crdValidator(sample.object.kind);
    expect(check(structuredClone(sample.object))).toBe(false);
  });

  it('errors carry the object kind and name and a one-line-per-issue message', () => {
    const sample = invalid.find((s) => s.file === 'masters-even.yaml');
    const error = sample && validate(sample)._unsafeUnwrapErr();
    expect(error).toMatchObject({ kind: 'ValidationError', resource: 'Cluster', name: 'demo' });
    expect(error?.message).toBe('spec.masters.replicas: must be 1, 3 or 5 (an odd etcd quorum; got 2)');
  });
});

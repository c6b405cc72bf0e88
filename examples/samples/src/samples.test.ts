import { provider as aws } from '@kubeception/driver-aws';
import { provider as kvm } from '@kubeception/driver-kvm';
import {
  CertificateAuthorityResource,
  CertificateResource,
  createClusterModel,
  kubeceptionCrds,
  validateCertificate,
  validateCertificateAuthority,
} from '@kubeception/sdk';
import { createKubeClient } from '@kubeception/sdk/kube';
import { startFakeKube, type FakeKube } from '@kubeception/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSamples, type Sample } from './samples.js';

const providers = [kvm, aws];
const clusters = createClusterModel({ providers });

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

/** The fake API server with the CRDs `npx kubeception crds` prints for these providers: schema and CEL rules. */
let kube: FakeKube;
beforeAll(async () => {
  kube = await startFakeKube({ crds: kubeceptionCrds({ providers }) });
});
afterAll(() => kube.stop());

/** Creates the sample through the SDK's client, returns what the server stored or refused, and deletes it again. */
async function admit(sample: Sample) {
  const client = createKubeClient({ kubeConfig: kube.kubeConfig, qps: 0, retry: { maxAttempts: 1 } });
  const descriptor = { Cluster: clusters.resource, CertificateAuthority: CertificateAuthorityResource, Certificate: CertificateResource }[sample.object.kind];
  const resource = client.resource(descriptor as typeof CertificateResource);
  // as client-go sends by default (the annotations are the server's answers to that): unknown fields pruned, not refused
  const result = await resource.create(sample.object as never, { fieldValidation: 'Warn' });
  if (result.isOk()) (await resource.delete(result.value.metadata.name, { namespace: result.value.metadata.namespace }))._unsafeUnwrap();
  return result;
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
    expect(validate({ ...sample, object: structuredClone(once) as unknown as Sample['object'] })._unsafeUnwrap()).toEqual(once);
  });

  it.each(valid.map((s) => [s.file, s] as const))('%s: the API server accepts it and defaults it exactly like the SDK', async (_file, sample) => {
    const stored = await admit(sample);
    expect(stored.isOk() ? [] : stored.error.message).toEqual([]);
    expect(stored._unsafeUnwrap().spec).toEqual((validate(sample)._unsafeUnwrap() as { spec: unknown }).spec);
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

  it.each(invalid.map((s) => [s.file, s] as const))(
    '%s: the API server refuses it with the annotated causes, or accepts it when none are',
    async (_file, sample) => {
      const result = await admit(sample);
      if (sample.server.length === 0) {
        expect(result.isOk() ? 'accepted' : result.error.message).toBe('accepted');
        return;
      }
      const error = result.isErr() ? result.error : undefined;
      expect(error?.kind).toBe('Invalid');
      const causes = error?.kind === 'Invalid' ? error.causes.map((c) => `${c.field}: ${c.message}`) : [];
      expect(causes, causes.join('\n')).toHaveLength(sample.server.length);
      sample.server.forEach((expected, i) => expect(causes[i]?.startsWith(expected), `${causes[i]} starts with ${expected}`).toBe(true));
    },
  );

  it('has samples that only the SDK catches and samples that only the CEL rules catch on the server', () => {
    expect(invalid.filter((s) => s.server.length === 0).length).toBeGreaterThan(5);
    const cel = invalid.filter((s) => s.server.some((c) => c.includes('Invalid value: "object"')));
    expect(cel.map((s) => s.file)).toEqual(
      expect.arrayContaining(['kvm-guest-image-both.yaml', 'provider-duplicate.yaml', 'renew-before-ttl.yaml', 'ttl-beyond-ca.yaml', 'name-too-long.yaml']),
    );
  });

  it('errors carry the object kind and name and a one-line-per-issue message', () => {
    const sample = invalid.find((s) => s.file === 'masters-even.yaml');
    const error = sample && validate(sample)._unsafeUnwrapErr();
    expect(error).toMatchObject({ kind: 'ValidationError', resource: 'Cluster', name: 'demo' });
    expect(error?.message).toBe('spec.masters.replicas: must be 1, 3 or 5 (an odd etcd quorum; got 2)');
  });
});

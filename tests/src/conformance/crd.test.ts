import { ApisApi } from '@kubernetes/client-node';
import { CertificateAuthorityResource, CertificateResource, ClusterResource, customResourceDefinition, defineResource, z } from '@kubeception/sdk';
import { CustomResourceDefinitionResource, type KubeError } from '@kubeception/sdk/kube';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { appliesHere, VersionRules } from './lane/server.js';
import { eventually, useTarget } from './target.js';

const { target, resource, ns } = useTarget('crd');

const sample = (file: string) => {
  const object = parse(readFileSync(new URL(`../../../examples/samples/${file}`, import.meta.url), 'utf8')) as {
    metadata: { namespace?: string; name: string };
  };
  object.metadata.namespace = ns();
  return object as never;
};
// kube-apiserver ≥ 1.25 adds a `<nil>` cause ("some validation rules were not checked") when schema
// errors stop its CEL rules; 1.20 has no CEL and never sends it: compared without it
const causes = (error: KubeError) =>
  error.kind === 'Invalid' ? error.causes.filter((c) => c.field !== '<nil>').map((c) => `${c.reason} ${c.field}`) : [error.kind];

describe('our CRDs on the server', () => {
  it('accept every valid sample and apply defaults', async () => {
    const cluster = (await resource(ClusterResource).create(sample('valid/cluster-kvm.yaml')))._unsafeUnwrap();
    expect(cluster.spec.kubernetes.api).toMatchObject({ securePort: 443, serviceCIDR: '172.31.0.0/16' });
    expect(cluster.spec.certificates).toEqual({ caTTL: '87600h', ttl: '72h' });
    expect((await resource(CertificateAuthorityResource).create(sample('valid/certificate-authority.yaml'))).isOk()).toBe(true);
  });

  it.each([
    ['invalid/masters-even.yaml', ['FieldValueNotSupported spec.masters.replicas']],
    ['invalid/version-unsupported.yaml', ['FieldValueNotSupported spec.kubernetes.version']],
    ['invalid/masters-memory-gb.yaml', ['FieldValueInvalid spec.masters.memory']],
    ['invalid/secure-port-range.yaml', ['FieldValueInvalid spec.kubernetes.api.securePort']],
    ['invalid/cpus-string.yaml', ['FieldValueTypeInvalid spec.masters.cpus'], ['FieldValueInvalid spec.masters.cpus']],
    ['invalid/ingress-domain-missing.yaml', ['FieldValueRequired spec.ingress.domain']],
    ['invalid/pool-name-too-long.yaml', ['FieldValueTooLong spec.workers[0].name'], ['FieldValueInvalid spec.workers.name']],
    ['invalid/ca-key-type.yaml', ['FieldValueNotSupported spec.keyType']],
    ['invalid/cert-cluster-ref-missing.yaml', ['FieldValueRequired spec.clusterRef']],
  ])('rejects %s with 422 and the field path', async (file: string, expected: string[], before124?: string[]) => {
    const object = sample(file) as { kind: string };
    const descriptor = { Cluster: ClusterResource, CertificateAuthority: CertificateAuthorityResource, Certificate: CertificateResource }[object.kind];
    const error = (await resource(descriptor as typeof ClusterResource).create(object as never))._unsafeUnwrapErr(); // every kind has a descriptor above
    expect(error).toMatchObject({ kind: 'Invalid', code: 422 });
    expect(causes(error)).toEqual(before124 && appliesHere(VersionRules.openapiErrorCodes) ? before124 : expected);
    expect(error.message).toMatch(/^[A-Za-z]+\.kubeception\.io "[a-z0-9-]+" is invalid: /);
  });

  it('prunes unknown fields instead of storing them (fieldValidation=Warn)', async () => {
    const object = sample('invalid/unknown-field.yaml') as { metadata: { name: string } };
    object.metadata.name = 'pruned';
    const created = (await resource(ClusterResource).create(object as never, { fieldValidation: 'Warn' }))._unsafeUnwrap();
    expect(created.spec).not.toHaveProperty('master');
  });

  it('refuses unknown fields with 400, naming them, as the SDK client sends by default (fieldValidation=Strict)', async () => {
    const object = sample('invalid/unknown-field.yaml') as { metadata: { name: string } };
    object.metadata.name = 'strict';
    const created = await resource(ClusterResource).create(object as never);
    if (appliesHere(VersionRules.fieldValidation)) return expect(created._unsafeUnwrap().spec).not.toHaveProperty('master');
    const error = created._unsafeUnwrapErr();
    expect({ code: error.code, message: error.message }).toEqual({
      code: 400,
      message: expect.stringContaining('strict decoding error: unknown field "spec.master"'),
    });
  });
});

describe('CRD lifecycle', () => {
  const Widget = defineResource({
    group: 'conformance.kubeception.io',
    version: 'v1',
    kind: 'Widget',
    plural: 'widgets',
    shortNames: ['wd'],
    spec: z.strictObject({ size: z.int().min(1) }),
  });
  const crd = customResourceDefinition(Widget);

  it('serves a new kind once its CRD exists, lists it in discovery, and forgets it when deleted', async () => {
    const widgets = resource(Widget);
    (await resource(CustomResourceDefinitionResource).create(crd as never))._unsafeUnwrap();
    await eventually(async () => (await widgets.list({ namespace: ns() })).isOk(), 10_000, 'widgets to be served');

    const apis = target().kubeConfig.makeApiClient(ApisApi);
    const groups = (await apis.getAPIVersions()).groups.map((g) => g.name);
    expect(groups).toContain('conformance.kubeception.io');

    (
      await widgets.create({ apiVersion: 'conformance.kubeception.io/v1', kind: 'Widget', metadata: { name: 'w', namespace: ns() }, spec: { size: 2 } })
    )._unsafeUnwrap();
    const invalid = await widgets.create({
      apiVersion: 'conformance.kubeception.io/v1',
      kind: 'Widget',
      metadata: { name: 'v', namespace: ns() },
      spec: { size: 0 },
    });
    expect(causes(invalid._unsafeUnwrapErr())).toEqual(['FieldValueInvalid spec.size']);

    (await resource(CustomResourceDefinitionResource).delete(crd.metadata.name))._unsafeUnwrap();
    await eventually(
      async () =>
        (await widgets.list({ namespace: ns() })).match(
          () => false,
          (e) => e.kind === 'NotFound',
        ),
      10_000,
      'widgets to stop being served',
    );
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped wire JSON */
/**
 * ObjectMeta validation through client-node: labels, annotations, finalizers, owner references and
 * generateName of custom resources and built-in kinds, on create, replace, merge patch and apply.
 */
import { PatchStrategy, type CoreV1Api, type CustomObjectsApi, type KubernetesObject, type KubernetesObjectApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure, raw, rawPatch, sampleCluster, startWithCrds } from './fixtures.js';
import type { FakeKube } from './server.js';

let kube: FakeKube, core: CoreV1Api, custom: CustomObjectsApi, objects: KubernetesObjectApi;
beforeAll(async () => {
  ({ kube, core, custom, objects } = await startWithCrds({ namespaces: ['default', 'meta'] }));
});
afterAll(() => kube.stop());

const namespace = 'meta';
const clusters = { group: 'kubeception.io', version: 'v1alpha1', namespace, plural: 'clusters' };

async function failure(p: Promise<unknown>): Promise<{ code: number; message: string; details: any }> {
  const { code, message, details } = await apiFailure(p);
  return { code, message, details };
}

function cluster(name: string, metadata: Record<string, unknown> = {}): Record<string, any> {
  const c = sampleCluster(name, namespace);
  return { ...c, metadata: { ...c.metadata, ...metadata } };
}

const LABEL_VALUE_RULE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_PART_RULE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe('labels', () => {
  it('refuses a custom resource whose label value has a newline, with the cause at metadata.labels', async () => {
    const res = await failure(custom.createNamespacedCustomObject({ ...clusters, body: cluster('nl', { labels: { team: 'a\nb' } }) }));
    const message = String.raw`Invalid value: "a\nb": ` + LABEL_VALUE_RULE;
    expect(res).toEqual({
      code: 422,
      message: `Cluster.kubeception.io "nl" is invalid: metadata.labels: ${message}`,
      details: { name: 'nl', group: 'kubeception.io', kind: 'Cluster', causes: [{ reason: 'FieldValueInvalid', message, field: 'metadata.labels' }] },
    });
    expect((await raw(kube, 'GET', `/apis/kubeception.io/v1alpha1/namespaces/${namespace}/clusters/nl`)).status).toBe(404);
  });

  it('refuses a label key that is not a qualified name', async () => {
    const res = await failure(custom.createNamespacedCustomObject({ ...clusters, body: cluster('badkey', { labels: { 'bad key!': 'x' } }) }));
    expect(res.code).toBe(422);
    expect(res.details.causes).toEqual([{ reason: 'FieldValueInvalid', message: `Invalid value: "bad key!": ${NAME_PART_RULE}`, field: 'metadata.labels' }]);
  });

  it('checks the prefix of a key as a DNS subdomain and the name part for emptiness', async () => {
    const res = await failure(
      custom.createNamespacedCustomObject({ ...clusters, body: cluster('prefix', { labels: { 'Example.com/app': 'x', 'example.com/': 'y' } }) }),
    );
    expect(res.details.causes.map((c: any) => c.message)).toEqual([
      `Invalid value: "Example.com/app": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      'Invalid value: "example.com/": name part must be non-empty',
      `Invalid value: "example.com/": ${NAME_PART_RULE}`,
    ]);
  });

  it('refuses a label value of 64 characters', async () => {
    const long = 'v'.repeat(64);
    const res = await failure(custom.createNamespacedCustomObject({ ...clusters, body: cluster('long', { labels: { app: long } }) }));
    expect(res.message).toBe(`Cluster.kubeception.io "long" is invalid: metadata.labels: Invalid value: "${long}": must be no more than 63 characters`);
    expect(res.details.causes).toEqual([
      { reason: 'FieldValueInvalid', message: `Invalid value: "${long}": must be no more than 63 characters`, field: 'metadata.labels' },
    ]);
  });

  it('refuses an invalid label on built-in kinds too', async () => {
    const res = await failure(core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'cm', labels: { app: '-web' } } } }));
    expect(res).toEqual({
      code: 422,
      message: `ConfigMap "cm" is invalid: metadata.labels: Invalid value: "-web": ${LABEL_VALUE_RULE}`,
      details: {
        name: 'cm',
        kind: 'ConfigMap',
        causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: "-web": ${LABEL_VALUE_RULE}`, field: 'metadata.labels' }],
      },
    });
  });

  it('lists every cause, and each distinct one once in the message', async () => {
    const res = await failure(core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'twice', labels: { a: 'x y', b: 'x y' } } } }));
    expect(res.details.causes).toHaveLength(2);
    expect(res.message).toBe(`ConfigMap "twice" is invalid: metadata.labels: Invalid value: "x y": ${LABEL_VALUE_RULE}`);
  });
});

describe('annotations, finalizers, owner references and generateName', () => {
  it('refuses an annotation key that is not a qualified name, ignoring case', async () => {
    const res = await failure(
      core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'ann', annotations: { 'Example.COM/Note': 'fine', 'a/b/c': 'x' } } } }),
    );
    expect(res.details.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
        field: 'metadata.annotations',
      },
    ]);
  });

  it('refuses annotations over 256 KiB in total', async () => {
    const res = await failure(core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'big', annotations: { big: 'x'.repeat(256 * 1024) } } } }));
    expect(res.message).toBe('ConfigMap "big" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes');
    expect(res.details.causes).toEqual([
      { reason: 'FieldValueTooLong', message: 'Too long: may not be more than 262144 bytes', field: 'metadata.annotations' },
    ]);
  });

  it('refuses finalizers that are not qualified names, and orphan with foregroundDeletion', async () => {
    const res = await failure(
      custom.createNamespacedCustomObject({
        ...clusters,
        body: cluster('fin', { finalizers: ['kubeception.io/x', 'no good', 'orphan', 'foregroundDeletion'] }),
      }),
    );
    expect(res.details.causes).toEqual([
      { reason: 'FieldValueInvalid', message: `Invalid value: "no good": ${NAME_PART_RULE}`, field: 'metadata.finalizers' },
      {
        reason: 'FieldValueInvalid',
        message:
          'Invalid value: []string{"kubeception.io/x", "no good", "orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set',
        field: 'metadata.finalizers',
      },
    ]);
  });

  it('refuses owner references without version or uid, and two controllers', async () => {
    const ownerReferences = [
      { apiVersion: 'kubeception.io/', kind: 'Cluster', name: 'a', uid: '', controller: true },
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'b', uid: 'u-b', controller: true },
    ];
    const res = await failure(core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'owned', ownerReferences } } }));
    expect(res.details.causes.map((c: any) => [c.field, c.message])).toEqual([
      ['metadata.ownerReferences.apiVersion', 'Invalid value: "kubeception.io/": version must not be empty'],
      ['metadata.ownerReferences.uid', 'Invalid value: "": uid must not be empty'],
      [
        'metadata.ownerReferences',
        expect.stringMatching(
          /^Invalid value: \[\]v1\.OwnerReference\{v1\.OwnerReference\{APIVersion:"kubeception\.io\/", Kind:"Cluster", Name:"a", UID:"", Controller:\(\*bool\)\(0x[0-9a-f]+\).*: Only one reference can have Controller set to true\. Found "true" in references for Cluster\/a and ConfigMap\/b$/,
        ),
      ],
    ]);
  });

  it('checks generateName by the kind name rule, a trailing dash allowed', async () => {
    expect((await core.createNamespacedConfigMap({ namespace, body: { metadata: { generateName: 'gen-' } } })).metadata?.name).toMatch(/^gen-/);
    const res = await failure(core.createNamespacedConfigMap({ namespace, body: { metadata: { generateName: 'Gen-' } } }));
    expect(res.details.causes.map((c: any) => c.field)).toEqual(['metadata.generateName', 'metadata.name']);
    expect(res.details.causes[0].message).toMatch(/^Invalid value: "Gen-": a lowercase RFC 1123 subdomain/);
  });

  it('accepts valid metadata', async () => {
    const metadata = {
      labels: { 'app.kubernetes.io/name': 'web', empty: '', 'x_y.z-1': 'A.b_c-9', [`k.io/${'n'.repeat(63)}`]: 'v'.repeat(63) },
      annotations: { 'Example.COM/Some_Note': 'any\nvalue at all', note: '' },
      finalizers: ['kubeception.io/cleanup', 'plain'],
    };
    const created = (await custom.createNamespacedCustomObject({ ...clusters, body: cluster('valid', metadata) })) as any;
    expect(created.metadata).toMatchObject(metadata);
    const cm = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'valid', ...metadata } } });
    expect(cm.metadata?.labels).toEqual(metadata.labels);
  });
});

describe('updates and patches', () => {
  it('refuses a replace, a merge patch and an apply that bring an invalid label, and keeps the object', async () => {
    const created = (await custom.createNamespacedCustomObject({ ...clusters, body: cluster('upd', { labels: { team: 'a' } }) })) as any;
    const cause = { reason: 'FieldValueInvalid', message: `Invalid value: "a b": ${LABEL_VALUE_RULE}`, field: 'metadata.labels' };

    const replaced = await failure(
      custom.replaceNamespacedCustomObject({ ...clusters, name: 'upd', body: { ...created, metadata: { ...created.metadata, labels: { team: 'a b' } } } }),
    );
    expect(replaced).toMatchObject({ code: 422, details: { causes: [cause] } });

    const merged = await failure(
      objects.patch(
        { apiVersion: 'kubeception.io/v1alpha1', kind: 'Cluster', metadata: { name: 'upd', namespace, labels: { team: 'a b' } } } as KubernetesObject,
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.MergePatch,
      ),
    );
    expect(merged).toMatchObject({
      code: 422,
      message: `Cluster.kubeception.io "upd" is invalid: metadata.labels: ${cause.message}`,
      details: { causes: [cause] },
    });

    const applied = await failure(
      objects.patch(
        { apiVersion: 'kubeception.io/v1alpha1', kind: 'Cluster', metadata: { name: 'upd', namespace, labels: { team: 'a b' } } } as KubernetesObject,
        undefined,
        undefined,
        'tester',
        true,
        PatchStrategy.ServerSideApply,
      ),
    );
    expect(applied).toMatchObject({ code: 422, details: { causes: [cause] } });

    const stored = (await custom.getNamespacedCustomObject({ ...clusters, name: 'upd' })) as any;
    expect(stored.metadata.labels).toEqual({ team: 'a' });
    expect(stored.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
  });

  it('refuses an apply that creates an object with an invalid label, and a JSON patch on a built-in kind', async () => {
    const applied = await failure(
      objects.patch(cluster('applied', { labels: { team: 'a\tb' } }) as KubernetesObject, undefined, undefined, 'tester', true, PatchStrategy.ServerSideApply),
    );
    expect(applied).toMatchObject({
      code: 422,
      details: { causes: [{ field: 'metadata.labels', message: String.raw`Invalid value: "a\tb": ` + LABEL_VALUE_RULE }] },
    });
    expect((await raw(kube, 'GET', `/apis/kubeception.io/v1alpha1/namespaces/${namespace}/clusters/applied`)).status).toBe(404);

    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'jp' } } });
    const res = await rawPatch(kube, PatchStrategy.JsonPatch, `/api/v1/namespaces/${namespace}/configmaps/jp`, [
      { op: 'add', path: '/metadata/labels', value: { 'bad key!': 'x' } },
    ]);
    expect(res.status).toBe(422);
    expect(res.json.details.causes).toEqual([
      { reason: 'FieldValueInvalid', message: `Invalid value: "bad key!": ${NAME_PART_RULE}`, field: 'metadata.labels' },
    ]);
  });

  it('puts metadata causes before schema causes in one 422', async () => {
    const body = cluster('both', { labels: { team: 'a b' } });
    body.spec.masters.replicas = 'three';
    const res = await failure(custom.createNamespacedCustomObject({ ...clusters, body }));
    expect(res.details.causes[0]).toMatchObject({ field: 'metadata.labels' });
    expect(res.details.causes.slice(1).map((c: any) => c.field)).toContain('spec.masters.replicas');
  });
});

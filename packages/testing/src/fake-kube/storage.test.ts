/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped wire JSON */
import { ApiException, type CoreV1Api, type CustomObjectsApi, type KubernetesObject, type KubernetesObjectApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure, raw, sampleCluster, startWithCrds } from './fixtures.js';
import type { FakeKube } from './server.js';

let kube: FakeKube, core: CoreV1Api, objects: KubernetesObjectApi, custom: CustomObjectsApi;
beforeAll(async () => {
  ({ kube, core, custom, objects } = await startWithCrds({ namespaces: ['default', 'kube-system', 'kube-public', 'storage'] }));
});
afterAll(() => kube.stop());

const statusOf = async (p: Promise<unknown>): Promise<{ code: number; body: any }> => {
  const status = await apiFailure(p);
  return { code: status.code, body: status };
};

describe('object storage', () => {
  it('sets uid, creationTimestamp, resourceVersion and generation on create', async () => {
    const c = (await objects.create(sampleCluster('meta', 'storage') as KubernetesObject)) as any;
    expect(c.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(c.metadata.creationTimestamp).toBeInstanceOf(Date);
    expect(Number(c.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(c.metadata.generation).toBe(1);
    expect(c.spec.masters.replicas).toBe(1);
  });

  it('hands out strictly increasing resourceVersions across kinds', async () => {
    const rvs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const cm = await core.createNamespacedConfigMap({ namespace: 'storage', body: { metadata: { name: `rv-${i}` } } });
      rvs.push(Number(cm.metadata?.resourceVersion));
      const s = await core.createNamespacedSecret({ namespace: 'storage', body: { metadata: { name: `rv-${i}` } } });
      rvs.push(Number(s.metadata?.resourceVersion));
    }
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
    expect(new Set(rvs).size).toBe(rvs.length);
  });

  it('answers 404 NotFound with the real wording', async () => {
    const { code, body } = await statusOf(
      custom.getNamespacedCustomObject({ group: 'kubeception.io', version: 'v1alpha1', namespace: 'storage', plural: 'clusters', name: 'x' }),
    );
    expect(code).toBe(404);
    expect(body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      message: 'clusters.kubeception.io "x" not found',
      details: { name: 'x', group: 'kubeception.io', kind: 'clusters' },
      code: 404,
    });
    const core404 = await statusOf(core.readNamespacedConfigMap({ namespace: 'storage', name: 'nope' }));
    expect(core404.body.message).toBe('configmaps "nope" not found');
  });

  it('answers 409 AlreadyExists', async () => {
    await core.createNamespacedConfigMap({ namespace: 'storage', body: { metadata: { name: 'dup' } } });
    const { code, body } = await statusOf(core.createNamespacedConfigMap({ namespace: 'storage', body: { metadata: { name: 'dup' } } }));
    expect(code).toBe(409);
    expect(body).toMatchObject({ reason: 'AlreadyExists', message: 'configmaps "dup" already exists', details: { name: 'dup', kind: 'configmaps' } });
  });

  it('rejects a stale resourceVersion with 409 Conflict', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: 'storage', body: { metadata: { name: 'stale' }, data: { a: '1' } } });
    await core.replaceNamespacedConfigMap({ namespace: 'storage', name: 'stale', body: { ...cm, data: { a: '2' } } });
    const { code, body } = await statusOf(core.replaceNamespacedConfigMap({ namespace: 'storage', name: 'stale', body: { ...cm, data: { a: '3' } } }));
    expect(code).toBe(409);
    expect(body.reason).toBe('Conflict');
    expect(body.message).toBe(
      'Operation cannot be fulfilled on configmaps "stale": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('lets exactly one of concurrent writers win per resourceVersion', async () => {
    await core.createNamespacedConfigMap({ namespace: 'storage', body: { metadata: { name: 'race' }, data: { n: '0' } } });
    const wins: string[] = [];
    let conflicts = 0;
    const writer = async (id: number) => {
      for (let i = 0; i < 20; i++) {
        const cur = await core.readNamespacedConfigMap({ namespace: 'storage', name: 'race' });
        try {
          const out = await core.replaceNamespacedConfigMap({ namespace: 'storage', name: 'race', body: { ...cur, data: { n: `${id}-${i}` } } });
          wins.push(out.metadata?.resourceVersion as string);
        } catch (e) {
          if (e instanceof ApiException && e.code === 409) conflicts++;
          else throw e;
        }
      }
    };
    await Promise.all(Array.from({ length: 5 }, (_, i) => writer(i)));
    expect(new Set(wins).size).toBe(wins.length);
    expect(wins.length + conflicts).toBe(100);
    expect(conflicts).toBeGreaterThan(0);
  });

  it('does not bump resourceVersion for a no-op update', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: 'storage', body: { metadata: { name: 'noop' }, data: { a: '1' } } });
    const again = await core.replaceNamespacedConfigMap({ namespace: 'storage', name: 'noop', body: cm });
    expect(again.metadata?.resourceVersion).toBe(cm.metadata?.resourceVersion);
  });

  it('generates names from generateName', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: 'storage', body: { metadata: { generateName: 'gen-' } } });
    expect(cm.metadata?.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('rejects invalid names with 422', async () => {
    const { code, body } = await statusOf(core.createNamespacedConfigMap({ namespace: 'storage', body: { metadata: { name: 'Bad_Name' } } }));
    expect(code).toBe(422);
    expect(body.details.causes[0]).toMatchObject({ reason: 'FieldValueInvalid', field: 'metadata.name' });
    expect(body.message).toMatch(/^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
  });
});

describe('generation and the status subresource', () => {
  it('bumps generation on spec changes only and ignores status on the main endpoint', async () => {
    const c = (await objects.create(sampleCluster('gen', 'storage') as KubernetesObject)) as any;
    const labelled = (await objects.replace({ ...c, metadata: { ...c.metadata, labels: { a: 'b' } }, status: { phase: 'Ready' } })) as any;
    expect(labelled.metadata.generation).toBe(1);
    expect(labelled.status).toBeUndefined();
    const scaled = (await objects.replace({ ...labelled, spec: { ...labelled.spec, paused: true } })) as any;
    expect(scaled.metadata.generation).toBe(2);
  });

  it('changes only status through /status, without bumping generation', async () => {
    const c = (await objects.create(sampleCluster('st', 'storage') as KubernetesObject)) as any;
    const out = await custom.replaceNamespacedCustomObjectStatus({
      group: 'kubeception.io',
      version: 'v1alpha1',
      namespace: 'storage',
      plural: 'clusters',
      name: 'st',
      body: {
        ...c,
        metadata: { ...c.metadata, labels: { ignored: 'yes' } },
        spec: { ...c.spec, paused: true },
        status: { phase: 'Provisioning', observedGeneration: 1 },
      },
    });
    expect(out).toMatchObject({ status: { phase: 'Provisioning' }, spec: { paused: false }, metadata: { generation: 1 } });
    expect((out as any).metadata.labels).toBeUndefined();
  });

  it('drops status on create for kinds with a status subresource', async () => {
    const c = (await objects.create({ ...sampleCluster('drop', 'storage'), status: { phase: 'Ready' } } as KubernetesObject)) as any;
    expect(c.status).toBeUndefined();
  });

  it('keeps status and does not track generation for ConfigMaps', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: 'storage', body: { metadata: { name: 'nogen' }, data: { a: '1' } } });
    expect(cm.metadata?.generation).toBeUndefined();
  });
});

describe('NamespaceLifecycle', () => {
  it('rejects objects in a missing namespace', async () => {
    const { code, body } = await statusOf(core.createNamespacedConfigMap({ namespace: 'missing', body: { metadata: { name: 'a' } } }));
    expect(code).toBe(404);
    expect(body.message).toBe('namespaces "missing" not found');
  });

  it('rejects objects in a terminating namespace', async () => {
    await core.createNamespace({ body: { metadata: { name: 'dying' } } });
    await core.createNamespacedConfigMap({ namespace: 'dying', body: { metadata: { name: 'held', finalizers: ['test/hold'] } } });
    await core.deleteNamespace({ name: 'dying' });
    const { code, body } = await statusOf(core.createNamespacedConfigMap({ namespace: 'dying', body: { metadata: { name: 'late' } } }));
    expect(code).toBe(403);
    expect(body.message).toBe('configmaps "late" is forbidden: unable to create new content in namespace dying because it is being terminated');
    expect(body.details.causes).toEqual([{ reason: 'NamespaceTerminating', message: 'namespace dying is being terminated', field: 'metadata.namespace' }]);
  });

  it('refuses to delete the default namespace', async () => {
    const { code, body } = await statusOf(core.deleteNamespace({ name: 'default' }));
    expect(code).toBe(403);
    expect(body.message).toBe('namespaces "default" is forbidden: this namespace may not be deleted');
  });
});

describe('wire details', () => {
  it('serves Status bodies with the real field order and Content-Type', async () => {
    const res = await raw(kube, 'GET', '/api/v1/namespaces/storage/configmaps/none');
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(Object.keys(res.json)).toEqual(['kind', 'apiVersion', 'metadata', 'status', 'message', 'reason', 'details', 'code']);
  });

  it('rejects a create with a resourceVersion', async () => {
    const res = await raw(kube, 'POST', '/api/v1/namespaces/storage/configmaps', { metadata: { name: 'rv', resourceVersion: '5' } });
    expect(res.status).toBe(500);
    expect(res.json.message).toBe('Internal error occurred: resourceVersion should not be set on objects to be created');
  });

  it('honours dryRun=All', async () => {
    const res = await raw(kube, 'POST', '/api/v1/namespaces/storage/configmaps?dryRun=All', { metadata: { name: 'dry' } });
    expect(res.status).toBe(201);
    expect((await raw(kube, 'GET', '/api/v1/namespaces/storage/configmaps/dry')).status).toBe(404);
  });

  it('answers unknown resources of a built-in group with a NotFound Status, unknown groups with the mux text', async () => {
    const res = await raw(kube, 'GET', '/apis/apps/v1/namespaces/default/things');
    expect(res.status).toBe(404);
    expect(res.json.message).toBe('the server could not find the requested resource');
    const group = await raw(kube, 'GET', '/apis/nope.io/v1/things');
    expect([group.status, group.headers.get('content-type'), group.json]).toEqual([404, 'text/plain; charset=utf-8', '404 page not found\n']);
  });
});

import { CertificateResource } from '@kubeception/sdk';
import { ConfigMapResource, DeploymentResource } from '@kubeception/sdk/kube';
import { beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, type RawRequest } from './raw.js';
import { certificate, useTarget } from './target.js';

const { target, resource, ns } = useTarget('discovery');
const send = (method: string, path: string, request?: RawRequest) => rawRequest(target().kubeConfig, method, path, request);

interface ApiResource {
  name: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  group?: string;
  version?: string;
}
const resources = async (path: string) => (await send('GET', path)).json<{ resources: ApiResource[] }>().resources;
const byName = async (path: string, name: string) => (await resources(path)).find((r) => r.name === name);

beforeAll(async () => {
  (await resource(ConfigMapResource).create({ metadata: { name: 'listed', namespace: ns() }, data: { a: '1' } }))._unsafeUnwrap();
  (await resource(CertificateResource).create(certificate('listed', ns())))._unsafeUnwrap();
});

describe('discovery', () => {
  it('lists only resources that answer: every resource of apps/v1 can be listed', async () => {
    const listed = (await resources('/apis/apps/v1')).filter((r) => !r.name.includes('/'));
    expect(listed.map((r) => r.name)).toEqual(expect.arrayContaining(['daemonsets', 'deployments', 'replicasets']));
    for (const r of listed) expect([r.name, (await send('GET', `/apis/apps/v1/namespaces/${ns()}/${r.name}`)).status]).toEqual([r.name, 200]);
  });

  it('lists the scale (autoscaling/v1 Scale) and status subresources of deployments', async () => {
    const all = await resources('/apis/apps/v1');
    expect(all.find((r) => r.name === 'deployments/scale')).toMatchObject({
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
    expect(all.find((r) => r.name === 'deployments/status')).toMatchObject({ kind: 'Deployment', verbs: ['get', 'patch', 'update'] });
  });

  it('lists namespaces without deletecollection, and their finalize subresource (update only)', async () => {
    expect((await byName('/api/v1', 'namespaces'))?.verbs).toEqual(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
    expect(await byName('/api/v1', 'namespaces/finalize')).toMatchObject({ namespaced: false, kind: 'Namespace', verbs: ['update'] });
  });

  it('lists a custom resource with every verb and its status subresource', async () => {
    const all = await resources('/apis/kubeception.io/v1alpha1');
    expect(all.find((r) => r.name === 'certificates')).toMatchObject({
      namespaced: true,
      kind: 'Certificate',
      verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
    });
    expect(all.find((r) => r.name === 'certificates/status')).toMatchObject({ kind: 'Certificate', verbs: ['get', 'patch', 'update'] });
  });

  it('answers an unknown group with the mux’s plain 404', async () => {
    const answer = await send('GET', '/apis/nope.example.com/v1/things');
    expect([answer.status, answer.headers['content-type'], answer.body]).toEqual([404, 'text/plain; charset=utf-8', '404 page not found\n']);
  });
});

describe('lists', () => {
  it('carry built-in items without apiVersion and kind', async () => {
    const list = (await send('GET', `/api/v1/namespaces/${ns()}/configmaps`)).json<{ kind: string; apiVersion: string; items: Record<string, unknown>[] }>();
    expect([list.kind, list.apiVersion]).toEqual(['ConfigMapList', 'v1']);
    expect(list.items.map((item) => [item.apiVersion, item.kind])).toEqual(list.items.map(() => [undefined, undefined]));
  });

  it('carry custom resource items with apiVersion and kind', async () => {
    const list = (await send('GET', `/apis/kubeception.io/v1alpha1/namespaces/${ns()}/certificates`)).json<{
      kind: string;
      items: Record<string, unknown>[];
    }>();
    expect(list.kind).toBe('CertificateList');
    expect(list.items.map((item) => [item.apiVersion, item.kind])).toEqual([['kubeception.io/v1alpha1', 'Certificate']]);
  });

  it('return the items of a deletecollection', async () => {
    (await resource(ConfigMapResource).create({ metadata: { name: 'doomed', namespace: ns(), labels: { doomed: 'yes' } } }))._unsafeUnwrap();
    const answer = await send('DELETE', `/api/v1/namespaces/${ns()}/configmaps?labelSelector=doomed%3Dyes`);
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ kind: 'ConfigMapList', items: [{ metadata: { name: 'doomed' } }] });
  });
});

describe('writes', () => {
  it.each([
    ['a ConfigMap', () => `/api/v1/namespaces/${ns()}/configmaps`, (name: string) => ({ metadata: { name, foo: 'bar' }, data: { a: '1' } })],
    [
      'a Certificate',
      () => `/apis/kubeception.io/v1alpha1/namespaces/${ns()}/certificates`,
      (name: string) => ({ ...certificate(name, ns()), metadata: { name, foo: 'bar' } }),
    ],
  ])('drop metadata fields ObjectMeta does not have (%s)', async (_what, path, body) => {
    const created = await send('POST', path(), { body: body('pruned') });
    expect(created.status).toBe(201);
    expect(created.json<{ metadata: Record<string, unknown> }>().metadata.foo).toBeUndefined();
    const read = (await send('GET', `${path()}/pruned`)).json<{ metadata: Record<string, unknown> }>();
    const updated = await send('PUT', `${path()}/pruned`, { body: { ...read, metadata: { ...read.metadata, other: 1 } } });
    expect(updated.json<{ metadata: Record<string, unknown> }>().metadata.other).toBeUndefined();
  });

  it('leave the status of a Deployment alone when written through the main resource', async () => {
    const spec = {
      selector: { matchLabels: { app: 's' } },
      template: { metadata: { labels: { app: 's' } }, spec: { containers: [{ name: 'c', image: 'c:1' }] } },
    };
    const created = (await resource(DeploymentResource).create({ metadata: { name: 's', namespace: ns() }, spec }))._unsafeUnwrap();
    const answer = await send('PUT', `/apis/apps/v1/namespaces/${ns()}/deployments/s`, { body: { ...created, status: { replicas: 5, readyReplicas: 5 } } });
    expect(answer.status).toBe(200);
    expect(answer.json<{ status?: { replicas?: number } }>().status?.replicas).toBeUndefined();
  });
});

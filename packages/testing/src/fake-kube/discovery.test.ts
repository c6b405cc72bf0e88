/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped wire JSON */
import { kubeceptionCrds } from '@kubeception/sdk';
import { ApiextensionsV1Api, ApisApi, CoreApi, KubernetesObjectApi, PatchStrategy, VersionApi, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, raw, rawPatch, sampleCluster } from './fixtures.js';
import { startFakeKube, type FakeKube } from './server.js';

let kube: FakeKube;
beforeAll(async () => {
  kube = await startFakeKube();
});
afterAll(() => kube.stop());

describe('discovery', () => {
  it('serves /version, /api and /apis', async () => {
    const version = await kube.kubeConfig.makeApiClient(VersionApi).getCode();
    expect(version).toMatchObject({ major: '1', minor: '32' });
    const core = await kube.kubeConfig.makeApiClient(CoreApi).getAPIVersions();
    expect(core.versions).toEqual(['v1']);
    const groups = await kube.kubeConfig.makeApiClient(ApisApi).getAPIVersions();
    const names = groups.groups.map((g) => g.name);
    for (const g of [
      'apps',
      'batch',
      'networking.k8s.io',
      'rbac.authorization.k8s.io',
      'policy',
      'coordination.k8s.io',
      'events.k8s.io',
      'discovery.k8s.io',
      'apiextensions.k8s.io',
    ])
      expect(names).toContain(g);
  });

  it('lists resources with verbs, scope, short names, categories and status subresources', async () => {
    const core = (await raw(kube, 'GET', '/api/v1')).json;
    const byName = new Map<string, any>(core.resources.map((r: any) => [r.name, r]));
    expect(byName.get('pods')).toMatchObject({ kind: 'Pod', namespaced: true, shortNames: ['po'], categories: ['all'] });
    expect(byName.get('pods').verbs).toEqual(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    expect(byName.get('namespaces')).toMatchObject({ namespaced: false, shortNames: ['ns'] });
    expect(byName.has('pods/status')).toBe(true);
    expect(byName.has('nodes/status')).toBe(true);
    expect(byName.has('configmaps/status')).toBe(false);
    expect(byName.has('secrets/status')).toBe(false);
    const apps = (await raw(kube, 'GET', '/apis/apps/v1')).json.resources.map((r: any) => r.name);
    expect(apps).toEqual(expect.arrayContaining(['deployments', 'deployments/status', 'daemonsets/status', 'replicasets/status']));
    const crd = (await raw(kube, 'GET', '/apis/apiextensions.k8s.io/v1')).json.resources;
    expect(crd[0]).toMatchObject({ name: 'customresourcedefinitions', namespaced: false, shortNames: ['crd', 'crds'] });
  });

  it('serves a CRD kind as soon as the CRD exists and stops when it is deleted', async () => {
    const ext = kube.kubeConfig.makeApiClient(ApiextensionsV1Api);
    const crd = kubeceptionCrds()[0] as any;
    expect((await raw(kube, 'GET', '/apis/kubeception.io/v1alpha1')).status).toBe(404);
    const created = await ext.createCustomResourceDefinition({ body: crd });
    expect(created.status?.conditions?.find((c) => c.type === 'Established')?.status).toBe('True');
    expect(created.metadata?.finalizers).toContain('customresourcecleanup.apiextensions.k8s.io');
    const list = (await raw(kube, 'GET', '/apis/kubeception.io/v1alpha1')).json;
    expect(list.resources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'clusters', kind: 'Cluster', namespaced: true, shortNames: ['kc'], categories: ['kubeception'] }),
        expect.objectContaining({ name: 'clusters/status' }),
      ]),
    );
    const groups = (await raw(kube, 'GET', '/apis')).json.groups;
    expect(groups.find((g: any) => g.name === 'kubeception.io').preferredVersion.version).toBe('v1alpha1');
    const objects = KubernetesObjectApi.makeApiClient(kube.kubeConfig);
    await objects.create(sampleCluster('served') as KubernetesObject);
    await ext.deleteCustomResourceDefinition({ name: crd.metadata.name });
    await eventually(async () => ((await raw(kube, 'GET', '/apis/kubeception.io/v1alpha1')).status === 404 ? true : undefined));
    expect((await raw(kube, 'GET', '/apis/kubeception.io/v1alpha1/namespaces/default/clusters/served')).status).toBe(404);
    expect((await raw(kube, 'GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/clusters.kubeception.io')).status).toBe(404);
  });

  it('waits for custom objects with finalizers before removing a CRD', async () => {
    const ext = kube.kubeConfig.makeApiClient(ApiextensionsV1Api);
    const crd = kubeceptionCrds()[2] as any;
    await ext.createCustomResourceDefinition({ body: crd });
    const path = '/apis/kubeception.io/v1alpha1/namespaces/default/certificates';
    const cert = {
      apiVersion: 'kubeception.io/v1alpha1',
      kind: 'Certificate',
      metadata: { name: 'held', finalizers: ['test/hold'] },
      spec: { clusterRef: { name: 'demo' }, component: 'api', role: 'api', commonName: 'api.demo' },
    };
    expect((await raw(kube, 'POST', path, cert)).status).toBe(201);
    await ext.deleteCustomResourceDefinition({ name: crd.metadata.name });
    const terminating = await eventually(async () => {
      const got = (await raw(kube, 'GET', `${path}/held`)).json;
      return got.metadata?.deletionTimestamp ? got : undefined;
    });
    expect(terminating.metadata.finalizers).toEqual(['test/hold']);
    const create = await raw(kube, 'POST', path, { ...cert, metadata: { name: 'late' } });
    expect(create.status).toBe(405);
    expect((await rawPatch(kube, PatchStrategy.MergePatch, `${path}/held`, { metadata: { finalizers: null } })).status).toBe(200);
    await eventually(async () => ((await raw(kube, 'GET', '/apis/kubeception.io/v1alpha1')).status === 404 ? true : undefined));
  });

  it('publishes an OpenAPI v3 index with PATCH operations that take fieldValidation', async () => {
    const root = (await raw(kube, 'GET', '/openapi/v3')).json;
    expect(root.paths['api/v1'].serverRelativeURL).toMatch(/^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]+$/);
    const apps = (await raw(kube, 'GET', '/openapi/v3/apis/apps/v1')).json;
    const patch = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(patch['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(patch.parameters.map((p: any) => p.name)).toContain('fieldValidation');
  });

  it('answers health checks', async () => {
    expect((await raw(kube, 'GET', '/readyz')).json).toBe('ok');
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped wire JSON */
import { ApiException, ApiextensionsV1Api, PatchStrategy, setHeaderOptions, type CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw, rawPatch, startWithClients, widgetCrd } from './fixtures.js';
import type { FakeKube } from './server.js';

let kube: FakeKube, objects: CustomObjectsApi;
beforeAll(async () => {
  ({ kube, custom: objects } = await startWithClients({ crds: [widgetCrd()] }));
});
afterAll(() => kube.stop());

const BASE = '/apis/example.com/v1/namespaces/default/widgets';
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const widget = (name: string, size: number) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name }, spec: { size, color: 'red' } });

describe('the scale subresource of custom resources', () => {
  it('is listed in discovery only for versions that declare it', async () => {
    const v1 = (await raw(kube, 'GET', '/apis/example.com/v1')).json.resources.map((r: any) => r.name);
    expect(v1).toEqual(['widgets', 'widgets/scale', 'widgets/status']);
    const beta = (await raw(kube, 'GET', '/apis/example.com/v1beta1')).json.resources.map((r: any) => r.name);
    expect(beta).toEqual(['widgets']);
    expect((await raw(kube, 'GET', '/apis/example.com/v1beta1/namespaces/default/widgets/w/scale')).status).toBe(404);
  });

  it('reads spec, status and selector from the CRD paths', async () => {
    await objects.createNamespacedCustomObject({ group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets', body: widget('w', 1) });
    expect((await raw(kube, 'GET', `${BASE}/w/scale`)).json).toMatchObject({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'w', namespace: 'default' },
      spec: { replicas: 1 },
      status: { replicas: 0 },
    });
    await objects.patchNamespacedCustomObjectStatus(
      { group: 'example.com', version: 'v1', namespace: 'default', plural: 'widgets', name: 'w', body: { status: { ready: 1, selector: 'app=w' } } },
      merge,
    );
    const scale = (await raw(kube, 'GET', `${BASE}/w/scale`)).json;
    const w = (await raw(kube, 'GET', `${BASE}/w`)).json;
    expect(scale).toEqual({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: 'w',
        namespace: 'default',
        uid: w.metadata.uid,
        resourceVersion: w.metadata.resourceVersion,
        creationTimestamp: w.metadata.creationTimestamp,
      },
      spec: { replicas: 1 },
      status: { replicas: 1, selector: 'app=w' },
    });
  });

  it('writes only the spec replicas path, through PUT, merge and JSON patches', async () => {
    const put = await raw(kube, 'PUT', `${BASE}/w/scale`, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'w' }, spec: { replicas: 3 } });
    expect(put.json.spec).toEqual({ replicas: 3 });
    const patched = await rawPatch(kube, PatchStrategy.MergePatch, `${BASE}/w/scale`, { spec: { replicas: 4 } });
    expect(patched.json.spec).toEqual({ replicas: 4 });
    const json = await rawPatch(kube, PatchStrategy.JsonPatch, `${BASE}/w/scale`, [{ op: 'replace', path: '/spec/replicas', value: 5 }]);
    expect(json.json.spec).toEqual({ replicas: 5 });
    const w = (await raw(kube, 'GET', `${BASE}/w`)).json;
    expect(w.spec).toEqual({ size: 5, color: 'red' });
    expect(w.status).toEqual({ ready: 1, selector: 'app=w' });
    expect(w.metadata.generation).toBe(4);
    expect(json.json.metadata.resourceVersion).toBe(w.metadata.resourceVersion);
    const stale = await raw(kube, 'PUT', `${BASE}/w/scale`, {
      metadata: { name: 'w', resourceVersion: put.json.metadata.resourceVersion },
      spec: { replicas: 1 },
    });
    expect(stale.status).toBe(409);
    expect(stale.json.message).toBe(
      'Operation cannot be fulfilled on widgets.example.com "w": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('validates the written replicas against the schema and refuses strategic merge patches', async () => {
    const tooMany = await rawPatch(kube, PatchStrategy.MergePatch, `${BASE}/w/scale`, { spec: { replicas: 11 } });
    expect(tooMany.status).toBe(422);
    expect(tooMany.json.message).toMatch(/^Widget\.example\.com "w" is invalid: spec\.size: /);
    const smp = await rawPatch(kube, PatchStrategy.StrategicMergePatch, `${BASE}/w/scale`, { spec: { replicas: 2 } });
    expect(smp.status).toBe(415);
    const applied = await rawPatch(kube, PatchStrategy.ServerSideApply, `${BASE}/w/scale?fieldManager=scaler&force=true`, {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'w' },
      spec: { replicas: 2 },
    });
    expect(applied.json.spec).toEqual({ replicas: 2 });
    expect((await raw(kube, 'GET', `${BASE}/w`)).json.spec.size).toBe(2);
  });

  it('rejects CRDs whose scale paths are not under .spec and .status', async () => {
    const ext = kube.kubeConfig.makeApiClient(ApiextensionsV1Api);
    const bad = { ...(widgetCrd({ specReplicasPath: '.status.size', statusReplicasPath: '' }) as any) };
    bad.metadata = { name: 'gadgets.example.com' };
    bad.spec = { ...bad.spec, names: { plural: 'gadgets', kind: 'Gadget' } };
    try {
      await ext.createCustomResourceDefinition({ body: bad });
      expect.fail('expected 422');
    } catch (e) {
      expect(e).toBeInstanceOf(ApiException);
      const causes = JSON.parse((e as ApiException<string>).body).details.causes.map((c: any) => c.field);
      expect(causes).toEqual(['spec.versions[0].subresources.scale.specReplicasPath', 'spec.versions[0].subresources.scale.statusReplicasPath']);
    }
  });
});

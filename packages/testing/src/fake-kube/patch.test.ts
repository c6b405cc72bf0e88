/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped wire JSON */
import { PatchStrategy, type AppsV1Api, type CoreV1Api, type KubernetesObject, type KubernetesObjectApi, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure, raw, rawPatch, sampleCluster, startWithCrds } from './fixtures.js';
import type { FakeKube } from './server.js';

let kube: FakeKube, objects: KubernetesObjectApi, core: CoreV1Api, apps: AppsV1Api;
beforeAll(async () => {
  ({ kube, objects, core, apps } = await startWithCrds());
});
afterAll(() => kube.stop());

const patch = (obj: object, strategy: PatchStrategy, manager?: string, force?: boolean) =>
  objects.patch(obj as KubernetesObject, undefined, undefined, manager, force, strategy) as Promise<any>;

function deployment(name: string, containers: object[]): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: containers as never } } },
  };
}

describe('JSON and merge patches', () => {
  it('applies a JSON patch and bumps generation', async () => {
    await objects.create(sampleCluster('jp') as KubernetesObject);
    const res = await rawPatch(kube, PatchStrategy.JsonPatch, '/apis/kubeception.io/v1alpha1/namespaces/default/clusters/jp', [
      { op: 'replace', path: '/spec/masters/replicas', value: 3 },
    ]);
    expect(res.json.spec.masters.replicas).toBe(3);
    expect(res.json.metadata.generation).toBe(2);
  });

  it('fails a JSON patch whose test op fails with 422', async () => {
    const res = await rawPatch(kube, PatchStrategy.JsonPatch, '/apis/kubeception.io/v1alpha1/namespaces/default/clusters/jp', [
      { op: 'test', path: '/spec/paused', value: true },
    ]);
    expect(res.status).toBe(422);
  });

  it('applies a merge patch where null deletes', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'mp', labels: { a: '1', b: '2' } }, data: { x: '1' } } });
    const out = await patch(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'mp', namespace: 'default', labels: { a: null, c: '3' } } },
      PatchStrategy.MergePatch,
    );
    expect(out.metadata.labels).toEqual({ b: '2', c: '3' });
    expect(out.data).toEqual({ x: '1' });
  });

  it('rejects a patch with a stale resourceVersion', async () => {
    const cm = await core.readNamespacedConfigMap({ namespace: 'default', name: 'mp' });
    await patch({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'mp', namespace: 'default' }, data: { x: '2' } }, PatchStrategy.MergePatch);
    const err = await apiFailure(
      patch(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'mp', namespace: 'default', resourceVersion: cm.metadata?.resourceVersion },
          data: { x: '3' },
        },
        PatchStrategy.MergePatch,
      ),
    );
    expect(err.code).toBe(409);
  });
});

describe('strategic merge patch', () => {
  it('merges containers, env, ports and volumeMounts by key', async () => {
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: deployment('smp', [
        { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }], volumeMounts: [{ name: 'v', mountPath: '/a' }] },
        { name: 'side', image: 'side:1' },
      ]),
    });
    const out = await patch(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'smp', namespace: 'default' },
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: 'app',
                  image: 'app:2',
                  env: [{ name: 'B', value: '2' }],
                  ports: [{ containerPort: 443 }],
                  volumeMounts: [{ name: 'w', mountPath: '/b' }],
                },
              ],
            },
          },
        },
      },
      PatchStrategy.StrategicMergePatch,
    );
    const [app, side] = out.spec.template.spec.containers;
    expect(side).toMatchObject({ name: 'side', image: 'side:1' });
    expect(app.image).toBe('app:2');
    // upstream's element order: the patch's items first, then those only the server had (no $setElementOrder)
    expect(app.env.map((e: any) => e.name)).toEqual(['B', 'A']);
    expect(app.ports.map((p: any) => p.containerPort)).toEqual([443, 80]);
    expect(app.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/b', '/a']);
    expect(out.metadata.generation).toBe(2);
  });

  const smp = async (path: string, body: object) => (await rawPatch(kube, PatchStrategy.StrategicMergePatch, path, body)).json;

  it('deletes list items with $patch: delete and replaces atomic lists', async () => {
    // client-node's typed serializer drops `$` directives, so these go over the wire directly.
    const out = await smp('/apis/apps/v1/namespaces/default/deployments/smp', {
      spec: { template: { spec: { containers: [{ name: 'side', $patch: 'delete' }], tolerations: [{ key: 'a', operator: 'Exists' }] } } },
    });
    expect(out.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['app']);
    expect(out.spec.template.spec.tolerations).toEqual([{ key: 'a', operator: 'Exists' }]);
  });

  it('merges metadata.finalizers as a set and removes with $deleteFromPrimitiveList', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'fin', finalizers: ['a/x'] } } });
    const added = await patch(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fin', namespace: 'default', finalizers: ['b/y'] } },
      PatchStrategy.StrategicMergePatch,
    );
    expect(added.metadata.finalizers).toEqual(['b/y', 'a/x']);
    const removed = await smp('/api/v1/namespaces/default/configmaps/fin', { metadata: { '$deleteFromPrimitiveList/finalizers': ['a/x', 'b/y'] } });
    expect(removed.metadata.finalizers).toBeUndefined();
  });

  it('is refused for custom resources with 415', async () => {
    const res = await rawPatch(kube, PatchStrategy.StrategicMergePatch, '/apis/kubeception.io/v1alpha1/namespaces/default/clusters/jp', { spec: {} });
    expect(res.status).toBe(415);
    expect(res.json.message).toBe(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
  });
});

describe('server-side apply', () => {
  const cm = (data: Record<string, string>, extra: object = {}) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'ssa', namespace: 'default', ...extra },
    data,
  });

  it('creates on first apply and records the manager', async () => {
    const out = await patch(cm({ a: '1', b: '2' }), PatchStrategy.ServerSideApply, 'alpha');
    expect(out.data).toEqual({ a: '1', b: '2' });
    expect(out.metadata.managedFields).toEqual([
      expect.objectContaining({
        manager: 'alpha',
        operation: 'Apply',
        apiVersion: 'v1',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } },
      }),
    ]);
  });

  it('shares fields with equal values and reports conflicts on changed values', async () => {
    const shared = await patch(cm({ a: '1' }), PatchStrategy.ServerSideApply, 'beta');
    expect(shared.metadata.managedFields.map((m: any) => m.manager)).toEqual(['alpha', 'beta']);
    const err = await apiFailure(patch(cm({ a: '9', b: '8' }), PatchStrategy.ServerSideApply, 'beta'));
    expect(err.code).toBe(409);
    expect(err.reason).toBe('Conflict');
    expect(err.message).toBe('Apply failed with 2 conflicts: conflicts with "alpha":\n- .data.a\n- .data.b');
    expect(err.details.causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "alpha"', field: '.data.a' },
      { reason: 'FieldManagerConflict', message: 'conflict with "alpha"', field: '.data.b' },
    ]);
  });

  it('takes ownership with force', async () => {
    const out = await patch(cm({ a: '9' }), PatchStrategy.ServerSideApply, 'beta', true);
    expect(out.data).toEqual({ a: '9', b: '2' });
    const alpha = out.metadata.managedFields.find((m: any) => m.manager === 'alpha');
    expect(alpha.fieldsV1).toEqual({ 'f:data': { 'f:b': {} } });
  });

  it('removes fields a manager stops applying unless someone else owns them', async () => {
    const out = await patch(cm({ b: '2', c: '3' }), PatchStrategy.ServerSideApply, 'alpha');
    expect(out.data).toEqual({ a: '9', b: '2', c: '3' });
    const dropped = await patch(cm({ b: '2' }), PatchStrategy.ServerSideApply, 'alpha');
    expect(dropped.data).toEqual({ a: '9', b: '2' });
  });

  it('names Update managers with their apiVersion in conflicts', async () => {
    await core.patchNamespacedConfigMap({
      namespace: 'default',
      name: 'ssa',
      fieldManager: 'editor',
      body: [{ op: 'replace', path: '/data/b', value: 'edited' }],
    });
    const err = await apiFailure(patch(cm({ b: '3' }), PatchStrategy.ServerSideApply, 'alpha'));
    expect(err.message).toBe('Apply failed with 1 conflict: conflict with "editor" using v1: .data.b');
  });

  it('merges list-map items by key (containers by name)', async () => {
    const dep = (containers: object[]) => ({ ...deployment('ssa-dep', containers) });
    await patch(dep([{ name: 'app', image: 'app:1' }]), PatchStrategy.ServerSideApply, 'owner');
    const out = await patch(dep([{ name: 'side', image: 'side:1' }]), PatchStrategy.ServerSideApply, 'other');
    expect(out.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['app', 'side']);
    const err = await apiFailure(patch(dep([{ name: 'app', image: 'app:2' }]), PatchStrategy.ServerSideApply, 'other'));
    expect(err.details.causes[0].field).toBe('.spec.template.spec.containers[name="app"].image');
    const owner = out.metadata.managedFields.find((m: any) => m.manager === 'owner');
    expect(owner.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"app"}']).toEqual({ '.': {}, 'f:image': {}, 'f:name': {} });
  });

  it('applies status through the status subresource only', async () => {
    await objects.create(sampleCluster('ssa-status') as KubernetesObject);
    const res = await rawPatch(
      kube,
      PatchStrategy.ServerSideApply,
      '/apis/kubeception.io/v1alpha1/namespaces/default/clusters/ssa-status/status?fieldManager=op&force=true',
      { apiVersion: 'kubeception.io/v1alpha1', kind: 'Cluster', metadata: { name: 'ssa-status' }, spec: { paused: true }, status: { phase: 'Ready' } },
    );
    expect(res.status).toBe(200);
    expect(res.json.status.phase).toBe('Ready');
    expect(res.json.spec.paused).toBe(false);
    expect(res.json.metadata.managedFields.find((m: any) => m.manager === 'op')).toMatchObject({
      subresource: 'status',
      fieldsV1: { 'f:status': { 'f:phase': {} } },
    });
  });

  it('keeps the entries of managers whose fields an update leaves alone, and takes or drops the rest', async () => {
    const name = 'ssa-owners';
    const body = (replicas: number, labels: object) => ({
      ...deployment(name, [{ name: 'app', image: 'app:1' }]),
      metadata: { name, namespace: 'default', labels },
      spec: { ...deployment(name, []).spec, replicas, template: deployment(name, [{ name: 'app', image: 'app:1' }]).spec!.template },
    });
    const path = `/apis/apps/v1/namespaces/default/deployments/${name}`;
    const merge = { 'Content-Type': PatchStrategy.MergePatch };
    const applied = (await rawPatch(kube, PatchStrategy.ServerSideApply, `${path}?fieldManager=owner`, body(2, { team: 'a', tier: 'web' }))).json;
    const owner = applied.metadata.managedFields.find((m: any) => m.manager === 'owner');
    // a status write: the applier's entry comes back as it was
    const status = (await raw(kube, 'PATCH', `${path}/status?fieldManager=status-writer`, { status: { replicas: 2, readyReplicas: 1 } }, merge)).json;
    const entry = (object: any, manager: string) => object.metadata.managedFields.find((m: any) => m.manager === manager);
    expect(entry(status, 'owner')).toEqual(owner);
    expect(entry(status, 'status-writer')).toMatchObject({ subresource: 'status', fieldsV1: { 'f:status': { 'f:readyReplicas': {}, 'f:replicas': {} } } });
    // a label changed by another manager moves to it; a label removed leaves every entry
    const edited = (await raw(kube, 'PATCH', `${path}?fieldManager=editor`, { metadata: { labels: { team: 'b', tier: null } } }, merge)).json;
    expect(edited.metadata.labels).toEqual({ team: 'b' });
    expect(entry(edited, 'owner').fieldsV1['f:metadata']).toBeUndefined();
    expect(entry(edited, 'owner').fieldsV1['f:spec']).toEqual(owner.fieldsV1['f:spec']);
    expect(entry(edited, 'editor').fieldsV1).toEqual({ 'f:metadata': { 'f:labels': { 'f:team': {} } } });
    // the status writer's fields are left alone by a spec write
    expect(entry(edited, 'status-writer')).toEqual(entry(status, 'status-writer'));
  });

  it('requires a field manager', async () => {
    const res = await rawPatch(
      kube,
      PatchStrategy.ServerSideApply,
      '/api/v1/namespaces/default/configmaps/ssa',
      { apiVersion: 'v1', kind: 'ConfigMap' },
      { 'User-Agent': '' },
    );
    expect([201, 200, 422]).toContain(res.status);
  });
});

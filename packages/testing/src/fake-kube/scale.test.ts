/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped wire JSON */
import { PatchStrategy, setHeaderOptions, type AppsV1Api, type V1Deployment, type V1Scale } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure, raw, rawPatch, startWithClients } from './fixtures.js';
import type { FakeKube } from './server.js';

let kube: FakeKube, apps: AppsV1Api;
beforeAll(async () => {
  ({ kube, apps } = await startWithClients());
});
afterAll(() => kube.stop());

const DEPLOY = '/apis/apps/v1/namespaces/default/deployments';
const as = (strategy: PatchStrategy) => setHeaderOptions('Content-Type', strategy);

function deployment(name: string, replicas: number, selector: object = { matchLabels: { app: name } }): V1Deployment {
  return {
    metadata: { name, labels: { team: 'a' } },
    spec: { replicas, selector, template: { metadata: { labels: { app: name, tier: 'a' } }, spec: { containers: [{ name: 'main', image: 'app:1' }] } } },
  };
}

describe('the scale subresource of Deployments and ReplicaSets', () => {
  it('is listed in discovery as autoscaling/v1 Scale', async () => {
    const resources = (await raw(kube, 'GET', '/apis/apps/v1')).json.resources;
    const names = resources.map((r: any) => r.name);
    for (const plural of ['deployments', 'replicasets']) {
      expect(resources.find((r: any) => r.name === `${plural}/scale`)).toEqual({
        name: `${plural}/scale`,
        singularName: '',
        namespaced: true,
        group: 'autoscaling',
        version: 'v1',
        kind: 'Scale',
        verbs: ['get', 'patch', 'update'],
      });
      expect(names.indexOf(`${plural}/scale`)).toBe(names.indexOf(plural) + 1);
    }
    expect(names).not.toContain('daemonsets/scale');
  });

  it('reads a Deployment as a Scale with its status replicas and selector string', async () => {
    const selector = {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['b', 'a'] },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    };
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('web', 2, selector) });
    const withStatus = await apps.patchNamespacedDeploymentStatus(
      { namespace: 'default', name: 'web', body: { status: { replicas: 1 } } },
      as(PatchStrategy.MergePatch),
    );
    const m = withStatus.metadata ?? {};
    const res = await raw(kube, 'GET', `${DEPLOY}/web/scale`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: 'web',
        namespace: 'default',
        uid: m.uid,
        resourceVersion: m.resourceVersion,
        creationTimestamp: (await raw(kube, 'GET', `${DEPLOY}/web`)).json.metadata.creationTimestamp,
      },
      spec: { replicas: 2 },
      status: { replicas: 1, selector: 'app=web,!legacy,tier in (a,b)' },
    });
    const typed = await apps.readNamespacedDeploymentScale({ namespace: 'default', name: 'web' });
    expect(typed.spec?.replicas).toBe(2);
    expect(typed.metadata?.uid).toBe(m.uid);
  });

  it('replaces the Scale: only spec.replicas changes, generation and resourceVersion move', async () => {
    const before = await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });
    const scale = await apps.readNamespacedDeploymentScale({ namespace: 'default', name: 'web' });
    const out = await apps.replaceNamespacedDeploymentScale({
      namespace: 'default',
      name: 'web',
      body: { ...scale, metadata: { ...scale.metadata, labels: { ignored: 'yes' } }, spec: { replicas: 4 } },
    });
    expect(out.spec?.replicas).toBe(4);
    expect(out.status).toEqual({ replicas: 1, selector: 'app=web,!legacy,tier in (a,b)' });
    const after = await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });
    expect(after.spec?.replicas).toBe(4);
    expect(after.spec?.template).toEqual(before.spec?.template);
    expect(after.metadata?.labels).toEqual({ team: 'a' });
    expect(after.status).toEqual(before.status);
    expect(after.metadata?.generation).toBe((before.metadata?.generation ?? 0) + 1);
    expect(Number(after.metadata?.resourceVersion)).toBeGreaterThan(Number(before.metadata?.resourceVersion));
    expect(out.metadata?.resourceVersion).toBe(after.metadata?.resourceVersion);
    expect(after.metadata?.managedFields?.find((f) => f.subresource === 'scale')).toMatchObject({
      operation: 'Update',
      apiVersion: 'apps/v1',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });
  });

  it('answers a stale resourceVersion or a foreign uid with 409 Conflict and changes nothing', async () => {
    const scale = await apps.readNamespacedDeploymentScale({ namespace: 'default', name: 'web' });
    await apps.replaceNamespacedDeploymentScale({ namespace: 'default', name: 'web', body: { ...scale, spec: { replicas: 3 } } });
    const stale = await apiFailure(apps.replaceNamespacedDeploymentScale({ namespace: 'default', name: 'web', body: { ...scale, spec: { replicas: 9 } } }));
    expect(stale).toMatchObject({ code: 409, reason: 'Conflict', details: { name: 'web', group: 'apps', kind: 'deployments' } });
    expect(stale.message).toBe(
      'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again',
    );
    const patched = await rawPatch(kube, PatchStrategy.MergePatch, `${DEPLOY}/web/scale`, {
      metadata: { resourceVersion: scale.metadata?.resourceVersion },
      spec: { replicas: 9 },
    });
    expect(patched.status).toBe(409);
    const uid = await raw(kube, 'PUT', `${DEPLOY}/web/scale`, { metadata: { name: 'web', uid: 'not-mine' }, spec: { replicas: 9 } });
    expect(uid.status).toBe(409);
    expect(uid.json.message).toMatch(
      /^Operation cannot be fulfilled on deployments\/scale\.apps "web": Precondition failed: UID in precondition: not-mine, UID in object meta: /,
    );
    expect((await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' })).spec?.replicas).toBe(3);
  });

  it('patches the Scale of a ReplicaSet with JSON, merge and strategic merge patches', async () => {
    await apps.createNamespacedReplicaSet({ namespace: 'default', body: deployment('rs', 1) as never });
    const patch = (body: unknown, strategy: PatchStrategy) => apps.patchNamespacedReplicaSetScale({ namespace: 'default', name: 'rs', body }, as(strategy));
    expect((await patch([{ op: 'replace', path: '/spec/replicas', value: 2 }], PatchStrategy.JsonPatch)).spec?.replicas).toBe(2);
    expect((await patch({ metadata: { labels: { ignored: 'yes' } }, spec: { replicas: 3 } }, PatchStrategy.MergePatch)).spec?.replicas).toBe(3);
    expect((await patch({ spec: { replicas: 5 } }, PatchStrategy.StrategicMergePatch)).spec?.replicas).toBe(5);
    const rs = await apps.readNamespacedReplicaSet({ namespace: 'default', name: 'rs' });
    expect(rs.spec?.replicas).toBe(5);
    expect(rs.metadata?.generation).toBe(4);
    expect(rs.metadata?.labels).toEqual({ team: 'a' });
    const failed = await rawPatch(kube, PatchStrategy.JsonPatch, '/apis/apps/v1/namespaces/default/replicasets/rs/scale', [
      { op: 'test', path: '/spec/replicas', value: 1 },
    ]);
    expect(failed.status).toBe(422);
  });

  it('server-side applies a Scale, with conflicts on replicas owned by another manager', async () => {
    const scale = (replicas: number) => ({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web' }, spec: { replicas } });
    const conflicted = await apiFailure(
      apps.patchNamespacedDeploymentScale({ namespace: 'default', name: 'web', body: scale(6), fieldManager: 'hpa' }, as(PatchStrategy.ServerSideApply)),
    );
    expect(conflicted).toMatchObject({ code: 409, reason: 'Conflict', details: { causes: [expect.objectContaining({ field: '.spec.replicas' })] } });
    const out = await apps.patchNamespacedDeploymentScale(
      { namespace: 'default', name: 'web', body: scale(6), fieldManager: 'hpa', force: true },
      as(PatchStrategy.ServerSideApply),
    );
    expect(out.spec?.replicas).toBe(6);
    const dep = await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });
    expect(dep.spec?.replicas).toBe(6);
    expect(dep.spec?.template?.spec?.containers[0]?.image).toBe('app:1');
    expect(dep.metadata?.managedFields?.find((f) => f.manager === 'hpa')).toMatchObject({
      operation: 'Apply',
      subresource: 'scale',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
    });
    const wrongKind = await rawPatch(kube, PatchStrategy.ServerSideApply, `${DEPLOY}/web/scale?fieldManager=hpa`, { ...scale(1), kind: 'Deployment' });
    expect(wrongKind.status).toBe(400);
  });

  it('validates the Scale and the request', async () => {
    const negative = await rawPatch(kube, PatchStrategy.MergePatch, `${DEPLOY}/web/scale`, { spec: { replicas: -1 } });
    expect(negative.status).toBe(422);
    expect(negative.json).toMatchObject({
      reason: 'Invalid',
      message: 'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      details: { name: 'web', group: 'autoscaling', kind: 'Scale' },
    });
    expect((await raw(kube, 'PUT', `${DEPLOY}/web/scale`, { metadata: { name: 'other' }, spec: { replicas: 1 } })).status).toBe(400);
    expect((await raw(kube, 'PUT', `${DEPLOY}/web/scale`, { spec: { replicas: 'two' } })).status).toBe(400);
    const missing = await apiFailure(apps.readNamespacedDeploymentScale({ namespace: 'default', name: 'nope' }));
    expect(missing).toMatchObject({ code: 404, message: 'deployments.apps "nope" not found' });
    expect((await rawPatch(kube, PatchStrategy.MergePatch, `${DEPLOY}/nope/scale`, { spec: { replicas: 1 } })).status).toBe(404);
    expect((await raw(kube, 'DELETE', `${DEPLOY}/web/scale`)).status).toBe(405);
    expect((await raw(kube, 'GET', '/apis/apps/v1/namespaces/default/daemonsets/x/scale')).status).toBe(404);
    expect((await raw(kube, 'GET', '/api/v1/namespaces/default/configmaps/x/scale')).status).toBe(404);
    expect((await raw(kube, 'DELETE', '/api/v1/namespaces/default/configmaps/x/scale')).status).toBe(404);
    expect((await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' })).spec?.replicas).toBe(6);
  });

  it('changes nothing on a dry run and nothing when the replicas are unchanged', async () => {
    const before = await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });
    const dry: V1Scale = await apps.patchNamespacedDeploymentScale(
      { namespace: 'default', name: 'web', body: { spec: { replicas: 0 } }, dryRun: 'All' },
      as(PatchStrategy.MergePatch),
    );
    expect(dry.spec?.replicas).toBeUndefined();
    const same = await apps.patchNamespacedDeploymentScale(
      { namespace: 'default', name: 'web', body: { spec: { replicas: 6 } } },
      as(PatchStrategy.MergePatch),
    );
    expect(same.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    expect((await apps.readNamespacedDeployment({ namespace: 'default', name: 'web' })).metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
  });

  it('logs scale requests with their subresource and matches faults by subresource', async () => {
    kube.requests.clear();
    kube.faults.fail({ verb: 'patch', resource: 'deployments', subresource: 'scale', status: 503 });
    await apps.patchNamespacedDeployment({ namespace: 'default', name: 'web', body: { metadata: { annotations: { a: 'b' } } } }, as(PatchStrategy.MergePatch));
    const failed = await apiFailure(
      apps.patchNamespacedDeploymentScale({ namespace: 'default', name: 'web', body: { spec: { replicas: 2 } } }, as(PatchStrategy.MergePatch)),
    );
    expect(failed.code).toBe(503);
    await apps.patchNamespacedDeploymentScale({ namespace: 'default', name: 'web', body: { spec: { replicas: 2 } } }, as(PatchStrategy.MergePatch));
    await apps.readNamespacedDeploymentScale({ namespace: 'default', name: 'web' });
    expect(kube.requests.filter({ subresource: 'scale' }).map((r) => [r.verb, r.resource, r.name, r.code])).toEqual([
      ['patch', 'deployments', 'web', 503],
      ['patch', 'deployments', 'web', 200],
      ['get', 'deployments', 'web', 200],
    ]);
    expect(kube.requests.count({ subresource: 'scale', faulted: true })).toBe(1);
  });

  it('renders a Table for kubectl get --subresource=scale', async () => {
    const res = await raw(kube, 'GET', `${DEPLOY}/web/scale`, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    expect(res.json.kind).toBe('Table');
    expect(res.json.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Desired', 'Available']);
    expect(res.json.rows[0].cells).toEqual(['web', 2, 1]);
  });
});

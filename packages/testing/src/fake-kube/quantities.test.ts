/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped wire JSON */
import { PatchStrategy, type AppsV1Api, type CoreV1Api, type KubernetesObject, type KubernetesObjectApi, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFailure, raw, rawPatch, sampleCluster, startWithCrds } from './fixtures.js';
import type { FakeKube } from './server.js';

let kube: FakeKube, objects: KubernetesObjectApi, apps: AppsV1Api, core: CoreV1Api;
beforeAll(async () => {
  ({ kube, objects, apps, core } = await startWithCrds());
});
afterAll(() => kube.stop());

const MEMORY = '20480Mi';

/** A Deployment as the KVM driver renders a VM: its disk as an emptyDir limit, memory requested in MiB. */
function vmDeployment(name: string, memory = MEMORY, sizeLimit = MEMORY): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'vm', image: 'launcher:1', resources: { requests: { cpu: '0.5', memory }, limits: { memory } } }],
          volumes: [{ name: 'vm', emptyDir: { sizeLimit } }],
        },
      },
    },
  };
}

const apply = (body: object) =>
  objects.patch(body as KubernetesObject, undefined, undefined, 'kvm-driver', true, PatchStrategy.ServerSideApply) as Promise<any>;
const quantitiesOf = (d: any) => ({ resources: d.spec.template.spec.containers[0].resources, sizeLimit: d.spec.template.spec.volumes[0].emptyDir.sizeLimit });
const CANONICAL = { resources: { requests: { cpu: '500m', memory: '20Gi' }, limits: { memory: '20Gi' } }, sizeLimit: '20Gi' };
/** Resolves in the next wall-clock second: managedFields times have a second's precision. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1020 - (Date.now() % 1000)));

describe('quantities of built-in kinds', () => {
  it('stores and returns 20480Mi as 20Gi on create', async () => {
    const created = await apps.createNamespacedDeployment({ namespace: 'default', body: vmDeployment('created') });
    expect(quantitiesOf(created)).toEqual(CANONICAL);
    expect(quantitiesOf(await apps.readNamespacedDeployment({ namespace: 'default', name: 'created' }))).toEqual(CANONICAL);
  });

  it('stores 20Gi through server-side apply, and a second apply of 20480Mi writes nothing, even a second later', async () => {
    const first = await apply(vmDeployment('applied'));
    expect(quantitiesOf(first)).toEqual(CANONICAL);
    await nextSecond();
    const second = await apply(vmDeployment('applied'));
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    expect(second.metadata.managedFields).toEqual(first.metadata.managedFields);
    expect(quantitiesOf(second)).toEqual(CANONICAL);
  });

  it('still writes an apply that changes a quantity', async () => {
    const first = await apply(vmDeployment('resized'));
    const second = await apply(vmDeployment('resized', '24Gi'));
    expect(second.metadata.resourceVersion).not.toBe(first.metadata.resourceVersion);
    expect(quantitiesOf(second).resources.limits).toEqual({ memory: '24Gi' });
  });

  it('canonicalizes a patched object, values of a ResourceList rounded up to a milli first', async () => {
    await apps.createNamespacedDeployment({ namespace: 'default', body: vmDeployment('patched') });
    const patch = {
      spec: {
        template: {
          spec: {
            containers: [{ name: 'vm', resources: { requests: { cpu: '1.0001', memory: '1.5Gi' } } }],
            volumes: [{ name: 'vm', emptyDir: { sizeLimit: '1.0001' } }],
          },
        },
      },
    };
    const patched = await objects.patch(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'patched', namespace: 'default' }, ...patch } as KubernetesObject,
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.StrategicMergePatch,
    );
    expect(quantitiesOf(patched)).toEqual({ resources: { requests: { cpu: '1001m', memory: '1536Mi' }, limits: { memory: '20Gi' } }, sizeLimit: '1000100u' });
  });

  it('canonicalizes PersistentVolumeClaims and Nodes', async () => {
    const claim = await core.createNamespacedPersistentVolumeClaim({
      namespace: 'default',
      body: { metadata: { name: 'etcd' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10240Mi' } } } },
    });
    expect(claim.spec?.resources?.requests).toEqual({ storage: '10Gi' });
    const node = await core.createNode({ body: { metadata: { name: 'n1' }, status: { capacity: { cpu: '8000m', memory: '32768Mi', pods: '110' } } } });
    expect(node.status?.capacity).toEqual({ cpu: '8', memory: '32Gi', pods: '110' });
  });

  it('keeps the quantities of custom resources as written', async () => {
    const cluster = sampleCluster('quantities');
    (cluster.spec as any).masters.memory = '4096Mi';
    const created = (await objects.create(cluster as KubernetesObject)) as any;
    expect(created.spec.masters.memory).toBe('4096Mi');
  });

  it('refuses a create with an invalid quantity as a body that does not decode (400)', async () => {
    const err = await apiFailure(apps.createNamespacedDeployment({ namespace: 'default', body: vmDeployment('invalid', '20 Gi') }));
    expect(err).toMatchObject({
      code: 400,
      reason: 'BadRequest',
      message: `Deployment in version "v1" cannot be handled as a Deployment: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    });
    expect((await raw(kube, 'GET', '/apis/apps/v1/namespaces/default/deployments/invalid')).status).toBe(404);
  });

  it('refuses a patch with an invalid quantity with 422 on field patch', async () => {
    await apps.createNamespacedDeployment({ namespace: 'default', body: vmDeployment('bad-patch') });
    const res = await rawPatch(kube, PatchStrategy.JsonPatch, '/apis/apps/v1/namespaces/default/deployments/bad-patch', [
      { op: 'replace', path: '/spec/template/spec/volumes/0/emptyDir/sizeLimit', value: '1ki' },
    ]);
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ reason: 'Invalid', code: 422, details: { causes: [{ reason: 'FieldValueInvalid', field: 'patch' }] } });
    expect(res.json.message).toMatch(/^ "" is invalid: patch: Invalid value: "\{.*\}": unable to parse quantity's suffix$/);
    // a strategic merge patch is shown as Go prints the decoded patch, its valid quantities as sent
    const spec = { containers: [{ name: 'vm', resources: { requests: { cpu: '0.5' } } }], volumes: [{ name: 'vm', emptyDir: { sizeLimit: true } }] };
    const merge = await rawPatch(kube, PatchStrategy.StrategicMergePatch, '/apis/apps/v1/namespaces/default/deployments/bad-patch', {
      spec: { template: { spec } },
    });
    const shown =
      'map[spec:map[template:map[spec:map[containers:[map[name:vm resources:map[requests:map[cpu:0.5]]]] volumes:[map[emptyDir:map[sizeLimit:true] name:vm]]]]]]';
    expect(merge.json.message).toBe(
      ` "" is invalid: patch: Invalid value: "${shown}": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    );
    expect(quantitiesOf(await apps.readNamespacedDeployment({ namespace: 'default', name: 'bad-patch' }))).toEqual(CANONICAL);
  });

  it('refuses an apply with an invalid quantity as an object that does not convert (500)', async () => {
    const err = await apiFailure(apply(vmDeployment('bad-apply', '4MM')));
    expect(err).toMatchObject({
      code: 500,
      message: `failed to convert new object (default/bad-apply; apps/v1, Kind=Deployment) to proper version: unable to convert unstructured object to apps/v1, Kind=Deployment: unable to parse quantity's suffix`,
    });
    expect(err.reason).toBeUndefined();
  });
});

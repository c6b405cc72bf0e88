import { PodResource, createKubeClient, type KubeClient } from '@kubeception/sdk/kube';
import { ApiException, AppsV1Api, CoreV1Api, PolicyV1Api, type V1OwnerReference, type V1Pod, type V1PodDisruptionBudget } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWithClients } from './fixtures.js';
import { startFakeKube, type FakeKube } from './server.js';

let kube: FakeKube, core: CoreV1Api, policy: PolicyV1Api, graceful: FakeKube;
beforeAll(async () => {
  ({ kube, core, policy } = await startWithClients());
  graceful = await startFakeKube({ gracefulPodDeletion: true });
});
afterAll(async () => {
  await kube.stop();
  await graceful.stop();
});

let ns = '';
let n = 0;
beforeEach(async () => {
  ns = `evict-${++n}`;
  await core.createNamespace({ body: { metadata: { name: ns } } });
});

/** A pod of app `app`, Running and Ready (or not), bound to node n1. */
async function pod(
  api: CoreV1Api,
  name: string,
  { app = 'web', ready = true, phase = 'Running', owner }: { app?: string; ready?: boolean; phase?: string; owner?: V1OwnerReference } = {},
): Promise<void> {
  const body: V1Pod = {
    metadata: { name, labels: { app }, ...(owner ? { ownerReferences: [owner] } : {}) },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] },
  };
  await api.createNamespacedPod({ namespace: ns, body });
  const status = { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
  const current = await api.readNamespacedPod({ namespace: ns, name });
  await api.replaceNamespacedPodStatus({ namespace: ns, name, body: { ...current, status } });
}

async function budget(name: string, spec: Partial<NonNullable<V1PodDisruptionBudget['spec']>>, app = 'web'): Promise<void> {
  await policy.createNamespacedPodDisruptionBudget({ namespace: ns, body: { metadata: { name }, spec: { selector: { matchLabels: { app } }, ...spec } } });
}

/** Evicts through client-node; answers the HTTP code and the Status body. */
async function evict(
  name: string,
  api: CoreV1Api = core,
  deleteOptions?: object,
): Promise<{ code: number; body: { status?: string; message?: string; reason?: string; details?: { causes?: { reason?: string; message?: string }[] } } }> {
  try {
    await api.createNamespacedPodEviction({
      namespace: ns,
      name,
      body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: ns }, ...(deleteOptions ? { deleteOptions } : {}) },
    });
    return { code: 201, body: { status: 'Success' } };
  } catch (e) {
    if (!(e instanceof ApiException)) throw e;
    return { code: e.code, body: JSON.parse(String(e.body)) as never };
  }
}

const names = async (api: CoreV1Api = core) => (await api.listNamespacedPod({ namespace: ns })).items.map((p) => p.metadata?.name).sort();

describe('pods/eviction on the fake API server', () => {
  it('is in discovery as policy/v1 Eviction with the create verb', async () => {
    const list = await core.getAPIResources();
    expect(list.resources.find((r) => r.name === 'pods/eviction')).toMatchObject({
      group: 'policy',
      version: 'v1',
      kind: 'Eviction',
      verbs: ['create'],
      namespaced: true,
    });
  });

  it('deletes a pod no budget covers, and answers 404 and 400 like the real server', async () => {
    await pod(core, 'a');
    await budget('other', { minAvailable: 1 }, 'db');
    expect(await evict('a')).toEqual({ code: 201, body: { status: 'Success' } });
    expect(await names()).toEqual([]);
    expect((await evict('a')).code).toBe(404);
    await pod(core, 'b');
    const mismatched = await core
      .createNamespacedPodEviction({ namespace: ns, name: 'b', body: { metadata: { name: 'not-b' } } })
      .catch((e: ApiException<string>) => e);
    expect((mismatched as ApiException<string>).code).toBe(400);
    expect(String((mismatched as ApiException<string>).body)).toContain('name in URL does not match name in Eviction object');
  });

  it("refuses with 429 and the budget's numbers once the budget allows no disruption", async () => {
    for (const name of ['w1', 'w2', 'w3']) await pod(core, name);
    await budget('web', { minAvailable: 2 });
    expect((await evict('w1')).code).toBe(201);
    const refused = await evict('w2');
    expect(refused.code).toBe(429);
    expect(refused.body).toMatchObject({
      status: 'Failure',
      reason: 'TooManyRequests',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }] },
    });
    expect(await names()).toEqual(['w2', 'w3']);
    // a new healthy pod makes room for one more
    await pod(core, 'w4');
    expect((await evict('w2')).code).toBe(201);
    expect(await names()).toEqual(['w3', 'w4']);
  });

  it("takes maxUnavailable percentages of the controllers' replicas, rounded up; a bare pod allows none", async () => {
    const apps = kube.kubeConfig.makeApiClient(AppsV1Api);
    const rs = await apps.createNamespacedReplicaSet({
      namespace: ns,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
        },
      },
    });
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata!.uid!, controller: true };
    for (const name of ['p1', 'p2', 'p3']) await pod(core, name, { owner });
    // 34% of 3 replicas rounds up to 2: one healthy pod must stay
    await budget('web', { maxUnavailable: '34%' });
    expect((await evict('p1')).code).toBe(201);
    expect((await evict('p2')).code).toBe(201);
    expect((await evict('p3')).body.details?.causes?.[0]?.message).toBe('The disruption budget web needs 1 healthy pods and has 1 currently');

    await pod(core, 'bare', { app: 'solo' });
    await budget('solo', { maxUnavailable: 1 }, 'solo');
    expect((await evict('bare')).code).toBe(429);
  });

  it('deletes Pending and finished pods without asking the budget', async () => {
    await pod(core, 'pending', { phase: 'Pending', ready: false });
    await pod(core, 'done', { phase: 'Succeeded', ready: false });
    await budget('web', { minAvailable: 5 });
    expect((await evict('pending')).code).toBe(201);
    expect((await evict('done')).code).toBe(201);
    expect(await names()).toEqual([]);
  });

  it('evicts an unready pod when the budget has its healthy pods, or always with AlwaysAllow', async () => {
    await pod(core, 'ok1');
    await pod(core, 'sick', { ready: false });
    await budget('web', { minAvailable: 1 });
    // healthy 1 ≥ desired 1: the unready pod may go although no disruption is allowed
    expect((await evict('sick')).code).toBe(201);
    expect((await evict('ok1')).code).toBe(429);

    await pod(core, 'db-sick', { app: 'db', ready: false });
    await budget('db', { minAvailable: 1 }, 'db');
    expect((await evict('db-sick')).code).toBe(429);
    await policy.patchNamespacedPodDisruptionBudget({
      namespace: ns,
      name: 'db',
      body: [{ op: 'add', path: '/spec/unhealthyPodEvictionPolicy', value: 'AlwaysAllow' }],
    });
    expect((await evict('db-sick')).code).toBe(201);
  });

  it('answers 500 when two budgets select the pod', async () => {
    await pod(core, 'x');
    await budget('one', { minAvailable: 0 });
    await budget('two', { maxUnavailable: 1 });
    const answer = await evict('x');
    expect(answer).toMatchObject({
      code: 500,
      body: { message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.' },
    });
    expect(await names()).toEqual(['x']);
  });

  it("deletes gracefully with the Eviction's deleteOptions; a terminating pod no longer counts as healthy", async () => {
    const api = graceful.kubeConfig.makeApiClient(CoreV1Api);
    await api.createNamespace({ body: { metadata: { name: ns } } });
    for (const name of ['g1', 'g2']) await pod(api, name);
    await graceful.kubeConfig.makeApiClient(PolicyV1Api).createNamespacedPodDisruptionBudget({
      namespace: ns,
      body: { metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'web' } }, minAvailable: 1 } },
    });
    expect((await evict('g1', api, { gracePeriodSeconds: 30 })).code).toBe(201);
    const terminating = await api.readNamespacedPod({ namespace: ns, name: 'g1' });
    expect(terminating.metadata?.deletionGracePeriodSeconds).toBe(30);
    expect((await evict('g2', api)).code).toBe(429);
    // evicting the terminating pod again is allowed (it is not available anyway)
    expect((await evict('g1', api)).code).toBe(201);
  });
});

describe("KubeClient.evict (SDK over HTTP, and the fake's local client)", () => {
  const clients: [string, () => KubeClient][] = [
    ['HTTP', () => createKubeClient({ kubeConfig: kube.kubeConfig, qps: 0 })],
    ['local', () => kube.localClient()],
  ];
  for (const [label, client] of clients) {
    it(`${label}: evicts, and reports a budget's refusal as TooManyRequests with its cause, without retrying`, async () => {
      for (const name of ['a1', 'a2']) await pod(core, name);
      await budget('web', { minAvailable: 1 });
      const sdk = client();
      expect((await sdk.evict('a1', { namespace: ns })).isOk()).toBe(true);
      const refused = (await sdk.evict('a2', { namespace: ns }))._unsafeUnwrapErr();
      expect(refused).toMatchObject({ kind: 'TooManyRequests', code: 429 });
      expect(refused.kind === 'TooManyRequests' && refused.status?.details?.causes?.[0]?.message).toBe(
        'The disruption budget web needs 1 healthy pods and has 1 currently',
      );
      expect((await sdk.evict('gone', { namespace: ns }))._unsafeUnwrapErr().kind).toBe('NotFound');
      expect((await sdk.resource(PodResource).list({ namespace: ns }))._unsafeUnwrap().items.map((p) => p.metadata.name)).toEqual(['a2']);
    });
  }
});

/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped wire JSON */
import { ApiException, CoreV1Api, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from './server.js';
import { ConfigMapResource, createKubeClient } from '@kubeception/sdk/kube';

let kube: FakeKube;
let core: CoreV1Api;
beforeAll(async () => {
  kube = await startFakeKube();
  core = kube.kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'target' } } });
});
beforeEach(() => {
  kube.faults.clear();
  kube.requests.clear();
});
afterAll(() => kube.stop());

async function codeOf(p: Promise<unknown>): Promise<{ code: number; body: any; headers: Record<string, string> }> {
  try {
    await p;
    return { code: 200, body: undefined, headers: {} };
  } catch (e) {
    if (e instanceof ApiException) return { code: e.code, body: JSON.parse(e.body as string), headers: e.headers };
    throw e;
  }
}

const get = () => core.readNamespacedConfigMap({ namespace: 'default', name: 'target' });

describe('faults', () => {
  it('fails the next N matching requests with 429 and Retry-After', async () => {
    kube.faults.fail({ verb: 'get', resource: 'configmaps', name: 'target', status: 429, times: 2, retryAfterSeconds: 3 });
    const first = await codeOf(get());
    expect(first.code).toBe(429);
    expect(first.headers['retry-after']).toBe('3');
    expect(first.body).toMatchObject({ reason: 'TooManyRequests', details: { retryAfterSeconds: 3 } });
    expect((await codeOf(get())).code).toBe(429);
    expect((await codeOf(get())).code).toBe(200);
    expect(kube.requests.filter({ verb: 'get', resource: 'configmaps' }).map((r) => [r.code, r.fault])).toEqual([
      [429, 'status 429'],
      [429, 'status 429'],
      [200, undefined],
    ]);
  });

  it('only fails requests that match', async () => {
    kube.faults.fail({ verb: ['create', 'update'], status: 500 });
    expect((await codeOf(get())).code).toBe(200);
    const created = await codeOf(core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'f1' } } }));
    expect(created.code).toBe(500);
    expect(created.body.reason).toBe('InternalError');
    expect((await codeOf(core.readNamespacedConfigMap({ namespace: 'default', name: 'f1' }))).code).toBe(404);
  });

  it('injects 503 and 409 with real Status bodies', async () => {
    kube.faults.fail({ resource: 'configmaps', status: 503 });
    expect((await codeOf(get())).body.reason).toBe('ServiceUnavailable');
    kube.faults.fail({ resource: 'configmaps', status: 409 });
    const conflict = await codeOf(get());
    expect(conflict.body.message).toBe(
      'Operation cannot be fulfilled on configmaps "target": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it("records who asked: the client's User-Agent", async () => {
    kube.requests.clear();
    await get();
    const sdk = createKubeClient({ kubeConfig: kube.kubeConfig, userAgent: 'kvm-operator/0.1.0' });
    (await sdk.resource(ConfigMapResource).get('target', { namespace: 'default' }))._unsafeUnwrap();
    expect(kube.requests.all().map((r) => r.userAgent)).toEqual([expect.stringMatching(/^kubernetes-client-javascript\//) as string, 'kvm-operator/0.1.0']);
    expect(kube.requests.count({ userAgent: 'kvm-operator/0.1.0' })).toBe(1);
  });

  it('adds latency', async () => {
    kube.faults.latency({ verb: 'get', ms: 120, times: 1 });
    const started = Date.now();
    await get();
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(kube.requests.count({ faulted: true })).toBe(1);
  });

  it('holds requests while paused', async () => {
    kube.faults.pause();
    let done = false;
    const pending = get().then(() => (done = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    kube.faults.resume();
    await pending;
    expect(done).toBe(true);
  });

  it('drops open watches', async () => {
    let ended: unknown;
    await new Watch(kube.kubeConfig).watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: kube.resourceVersion() },
      () => {},
      (err) => (ended = err ?? 'closed'),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(kube.faults.dropWatches()).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(ended).toBeDefined();
  });

  it('fails watch requests on demand', async () => {
    kube.faults.fail({ verb: 'watch', status: 410 });
    let ended: any;
    await new Watch(kube.kubeConfig).watch(
      '/api/v1/namespaces/default/configmaps',
      {},
      () => {},
      (err) => (ended = err),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(String(ended)).toMatch(/410|Gone/);
  });

  it('logs every request with verb, resource, namespace and name', async () => {
    await get();
    await core.listNamespacedConfigMap({ namespace: 'default' });
    expect(kube.requests.all().map((r) => [r.verb, r.resource, r.namespace, r.name, r.code])).toEqual([
      ['get', 'configmaps', 'default', 'target', 200],
      ['list', 'configmaps', 'default', undefined, 200],
    ]);
  });
});

/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped wire JSON */
import { ApiException, type CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw, startWithClients } from './fixtures.js';
import { parseLabelSelector } from './selectors.js';
import type { FakeKube } from './server.js';
import type { KubeObject } from './types.js';

let kube: FakeKube, core: CoreV1Api;
beforeAll(async () => {
  ({ kube, core } = await startWithClients({ namespaces: ['default', 'kube-system', 'kube-public', 'l1', 'l2'] }));
  for (const [ns, name, labels] of [
    ['l1', 'a', { app: 'web', tier: 'front' }],
    ['l1', 'b', { app: 'web', tier: 'back' }],
    ['l1', 'c', { app: 'db' }],
    ['l2', 'd', { app: 'web', env: 'prod' }],
    ['l2', 'e', {}],
  ] as const) {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name, labels: { ...labels } } } });
  }
});
afterAll(() => kube.stop());

const names = (items: { metadata?: { name?: string } }[]) => items.map((i) => i.metadata?.name);

describe('label selectors', () => {
  const obj = (labels: Record<string, string>): KubeObject => ({ metadata: { labels } });
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app in (db, web)', true],
    ['app notin (web)', false],
    ['tier', true],
    ['!tier', false],
    ['app=web,!env', true],
    ['version>2', false],
  ])('%s', (selector, expected) => {
    expect(parseLabelSelector(selector)(obj({ app: 'web', tier: 'front' }))).toBe(expected);
  });

  it('filters lists through the server', async () => {
    expect(names((await core.listNamespacedConfigMap({ namespace: 'l1', labelSelector: 'app=web,tier in (front)' })).items)).toEqual(['a']);
    expect(names((await core.listConfigMapForAllNamespaces({ labelSelector: 'app=web' })).items)).toEqual(['a', 'b', 'd']);
    expect(names((await core.listConfigMapForAllNamespaces({ labelSelector: '!app' })).items)).toEqual(['e']);
  });

  it('rejects malformed selectors with 400', async () => {
    const res = await raw(kube, 'GET', '/api/v1/configmaps?labelSelector=' + encodeURIComponent('a b c'));
    expect(res.status).toBe(400);
  });
});

describe('field selectors', () => {
  it('selects by metadata.name and metadata.namespace', async () => {
    expect(names((await core.listConfigMapForAllNamespaces({ fieldSelector: 'metadata.namespace=l2,metadata.name!=e' })).items)).toEqual(['d']);
  });

  it('selects pods by spec.nodeName and status.phase, events by involvedObject', async () => {
    await core.createNamespacedPod({ namespace: 'l1', body: { metadata: { name: 'p1' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] } } });
    await core.createNamespacedPod({ namespace: 'l1', body: { metadata: { name: 'p2' }, spec: { containers: [{ name: 'c', image: 'i' }] } } });
    expect(names((await core.listNamespacedPod({ namespace: 'l1', fieldSelector: 'spec.nodeName=n1' })).items)).toEqual(['p1']);
    expect(names((await core.listNamespacedPod({ namespace: 'l1', fieldSelector: 'spec.nodeName=' })).items)).toEqual(['p2']);
    expect(names((await core.listNamespacedPod({ namespace: 'l1', fieldSelector: 'status.phase=Pending' })).items)).toEqual(['p1', 'p2']);
    await core.createNamespacedEvent({
      namespace: 'l1',
      body: { metadata: { name: 'ev1' }, involvedObject: { kind: 'Pod', name: 'p1', namespace: 'l1' }, reason: 'Test' },
    });
    expect(names((await core.listNamespacedEvent({ namespace: 'l1', fieldSelector: 'involvedObject.kind=Pod,involvedObject.name=p1' })).items)).toEqual([
      'ev1',
    ]);
  });

  it('rejects unsupported fields like the real server', async () => {
    const res = await raw(kube, 'GET', '/api/v1/configmaps?fieldSelector=data.x%3Dy');
    expect(res.status).toBe(400);
    // kinds without field label conversions of their own answer with runtime.DefaultMetaV1FieldSelectorConversion's message
    expect(res.json.message).toBe('"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"');
  });
});

describe('pagination', () => {
  it('pages with limit/continue over a consistent snapshot', async () => {
    const first = await core.listConfigMapForAllNamespaces({ limit: 2 });
    expect(names(first.items)).toEqual(['a', 'b']);
    expect(first.metadata?.remainingItemCount).toBe(3);
    await core.createNamespacedConfigMap({ namespace: 'l1', body: { metadata: { name: 'bb' } } });
    await core.deleteNamespacedConfigMap({ namespace: 'l2', name: 'e' });
    const second = await core.listConfigMapForAllNamespaces({ limit: 2, _continue: first.metadata?._continue as string });
    expect(names(second.items)).toEqual(['c', 'd']);
    expect(second.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    const third = await core.listConfigMapForAllNamespaces({ limit: 2, _continue: second.metadata?._continue as string });
    expect(names(third.items)).toEqual(['e']);
    expect(third.metadata?._continue).toBeUndefined();
    await core.deleteNamespacedConfigMap({ namespace: 'l1', name: 'bb' });
  });

  it('expires continue tokens after compaction with 410', async () => {
    const first = await core.listConfigMapForAllNamespaces({ limit: 1 });
    kube.faults.compact();
    try {
      await core.listConfigMapForAllNamespaces({ limit: 1, _continue: first.metadata?._continue as string });
      throw new Error('expected 410');
    } catch (e) {
      expect(e instanceof ApiException && e.code).toBe(410);
      expect(JSON.parse((e as ApiException<string>).body).reason).toBe('Expired');
    }
  });
});

describe('resourceVersion semantics', () => {
  it('reports the list resourceVersion and rejects one from the future', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'l1' });
    expect(list.metadata?.resourceVersion).toBe(kube.resourceVersion());
    const res = await raw(kube, 'GET', `/api/v1/namespaces/l1/configmaps?resourceVersion=${Number(kube.resourceVersion()) + 100}`);
    expect(res.status).toBe(504);
    expect(res.json.message).toMatch(/^Too large resource version: \d+, current: \d+$/);
  });

  it('lists the state at an exact older resourceVersion from the history', async () => {
    const before = kube.resourceVersion();
    await core.createNamespacedConfigMap({ namespace: 'l2', body: { metadata: { name: 'later' } } });
    const res = await raw(kube, 'GET', `/api/v1/namespaces/l2/configmaps?resourceVersion=${before}&resourceVersionMatch=Exact`);
    expect(res.json.items.map((i: any) => i.metadata.name)).toEqual(['d']);
    expect(res.json.metadata.resourceVersion).toBe(before);
  });
});

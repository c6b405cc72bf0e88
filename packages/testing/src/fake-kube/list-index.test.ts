/**
 * The label index stays right through label changes, deletes, finalizers, namespace deletion and
 * compaction: every indexed list through the real client equals the unfiltered list filtered
 * with the same selector on this side.
 */
import { PatchStrategy, setHeaderOptions, type CoreV1Api, type V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startWithClients } from './fixtures.js';
import { parseLabelSelector } from './selectors.js';
import type { FakeKube } from './server.js';
import type { KubeObject } from './types.js';

let kube: FakeKube, core: CoreV1Api;
beforeAll(async () => {
  ({ kube, core } = await startWithClients({ namespaces: ['default', 'ix-a', 'ix-b'] }));
});
afterAll(() => kube.stop());

const SELECTORS = ['app=web', 'app==db', 'app in (web, db)', 'tier', 'app=web,tier=front', 'app=web,!tier', 'tier,app notin (web)', 'gone', 'gone=soon'];
const key = (c: V1ConfigMap) => `${c.metadata?.namespace}/${c.metadata?.name}`;
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

const create = (namespace: string, name: string, labels: Record<string, string> = {}, finalizers?: string[]) =>
  core.createNamespacedConfigMap({ namespace, body: { metadata: { name, labels, finalizers } } });
const relabel = (namespace: string, name: string, labels: Record<string, string | null>) =>
  core.patchNamespacedConfigMap({ namespace, name, body: { metadata: { labels } } }, merge);

/** Indexed lists (cluster-wide and per namespace) compared with the unfiltered list filtered here. */
async function expectIndexAgreesWithScan(): Promise<void> {
  const all = (await core.listConfigMapForAllNamespaces()).items;
  for (const selector of SELECTORS) {
    const match = parseLabelSelector(selector);
    const expected = all.filter((c) => match(c as KubeObject)).map(key);
    expect((await core.listConfigMapForAllNamespaces({ labelSelector: selector })).items.map(key), selector).toEqual(expected);
    for (const namespace of ['ix-a', 'ix-b']) {
      const inNs = expected.filter((k) => k.startsWith(`${namespace}/`));
      expect((await core.listNamespacedConfigMap({ namespace, labelSelector: selector })).items.map(key), `${selector} in ${namespace}`).toEqual(inNs);
    }
  }
}

async function labelsOf(namespace: string, selector: string): Promise<string[]> {
  return (await core.listNamespacedConfigMap({ namespace, labelSelector: selector })).items.map((c) => c.metadata?.name ?? '');
}

describe('the label index', () => {
  it('follows creates and label changes by merge patch, JSON patch and replace', async () => {
    await create('ix-a', 'a1', { app: 'web', tier: 'front' });
    await create('ix-a', 'a2', { app: 'web' });
    await create('ix-a', 'a3', { app: 'db', tier: 'back' });
    await create('ix-b', 'b1', { app: 'web', tier: 'front' });
    await create('ix-b', 'b2');
    await expectIndexAgreesWithScan();

    await relabel('ix-a', 'a1', { app: 'db' });
    await relabel('ix-a', 'a2', { tier: 'front' });
    await core.patchNamespacedConfigMap({ namespace: 'ix-a', name: 'a3', body: [{ op: 'remove', path: '/metadata/labels/tier' }] });
    const b2 = await core.readNamespacedConfigMap({ namespace: 'ix-b', name: 'b2' });
    await core.replaceNamespacedConfigMap({ namespace: 'ix-b', name: 'b2', body: { ...b2, metadata: { ...b2.metadata, labels: { app: 'web' } } } });
    expect(await labelsOf('ix-a', 'app=db')).toEqual(['a1', 'a3']);
    expect(await labelsOf('ix-a', 'tier')).toEqual(['a1', 'a2']);
    await expectIndexAgreesWithScan();
  });

  it('keeps labels through writes that do not touch them and drops every label removed at once', async () => {
    await core.patchNamespacedConfigMap({ namespace: 'ix-a', name: 'a1', body: { data: { k: 'v' } } }, merge);
    expect(await labelsOf('ix-a', 'app=db,tier=front')).toEqual(['a1']);
    await relabel('ix-b', 'b1', { app: null, tier: null });
    expect(await labelsOf('ix-b', 'tier')).toEqual([]);
    await expectIndexAgreesWithScan();
  });

  it('forgets deleted objects, also when a name comes back with other labels', async () => {
    await core.deleteNamespacedConfigMap({ namespace: 'ix-a', name: 'a2' });
    expect(await labelsOf('ix-a', 'tier=front')).toEqual(['a1']);
    await create('ix-a', 'a2', { app: 'cache' });
    expect(await labelsOf('ix-a', 'tier=front')).toEqual(['a1']);
    expect(await labelsOf('ix-a', 'app=cache')).toEqual(['a2']);
    await expectIndexAgreesWithScan();
  });

  it('keeps a terminating object until its finalizers go, even when its labels change on the way out', async () => {
    await create('ix-b', 'held', { app: 'web', gone: 'soon' }, ['example.com/hold']);
    await core.deleteNamespacedConfigMap({ namespace: 'ix-b', name: 'held' });
    expect(await labelsOf('ix-b', 'gone=soon')).toEqual(['held']);
    await core.patchNamespacedConfigMap({ namespace: 'ix-b', name: 'held', body: { metadata: { finalizers: null, labels: { gone: 'now' } } } }, merge);
    expect(await labelsOf('ix-b', 'gone')).toEqual([]);
    expect(await labelsOf('ix-b', 'gone=soon')).toEqual([]);
    await create('ix-b', 'held');
    expect(await labelsOf('ix-b', 'gone')).toEqual([]);
    await expectIndexAgreesWithScan();
  });

  it('empties with its namespace and starts clean when the namespace is recreated', async () => {
    await create('ix-b', 'b3', { app: 'web', tier: 'back' });
    await core.deleteNamespace({ name: 'ix-b' });
    await eventually(async () => ((await core.listNamespace()).items.some((n) => n.metadata?.name === 'ix-b') ? undefined : true));
    expect((await core.listConfigMapForAllNamespaces({ labelSelector: 'app=web' })).items.map(key)).toEqual([]);
    await core.createNamespace({ body: { metadata: { name: 'ix-b' } } });
    await create('ix-b', 'b3', { tier: 'front' });
    expect(await labelsOf('ix-b', 'app')).toEqual([]);
    expect(await labelsOf('ix-b', 'tier=front')).toEqual(['b3']);
    await expectIndexAgreesWithScan();
  });

  it('survives compaction and pages over a consistent snapshot', async () => {
    kube.faults.compact();
    await expectIndexAgreesWithScan();
    for (let i = 0; i < 5; i++) await create('ix-a', `p${i}`, { app: 'web', tier: 'front' });
    const first = await core.listConfigMapForAllNamespaces({ labelSelector: 'app=web', limit: 3 });
    await create('ix-a', 'p-late', { app: 'web' });
    await relabel('ix-a', 'p4', { app: 'db' });
    const rest = await core.listConfigMapForAllNamespaces({ labelSelector: 'app=web', _continue: first.metadata?._continue as string });
    expect([...first.items, ...rest.items].map(key)).toEqual(['ix-a/p0', 'ix-a/p1', 'ix-a/p2', 'ix-a/p3', 'ix-a/p4']);
    expect(rest.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    await expectIndexAgreesWithScan();
  });
});

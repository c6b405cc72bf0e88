/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped wire JSON */
import { PatchStrategy, type CoreV1Api, type V1ConfigMap, type V1OwnerReference } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, raw, rawPatch, startWithClients, unlessNotFound } from './fixtures.js';
import type { FakeKube } from './server.js';

let kube: FakeKube, core: CoreV1Api;
beforeAll(async () => {
  ({ kube, core } = await startWithClients({ namespaces: ['default', 'kube-system', 'kube-public', 'del'] }));
});
afterAll(() => kube.stop());

const ns = 'del';
const create = (name: string, extra: Partial<V1ConfigMap['metadata']> = {}) =>
  core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name, ...extra } } });
const read = (name: string) => unlessNotFound(core.readNamespacedConfigMap({ namespace: ns, name }));
const gone = (name: string) => eventually(async () => ((await read(name)) === undefined ? true : undefined));
const ref = (owner: V1ConfigMap, blockOwnerDeletion?: boolean): V1OwnerReference => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  name: owner.metadata?.name as string,
  uid: owner.metadata?.uid as string,
  ...(blockOwnerDeletion === undefined ? {} : { blockOwnerDeletion }),
});

describe('finalizers', () => {
  it('keeps an object with finalizers, sets deletionTimestamp, deletes it when the last goes', async () => {
    await create('fin', { finalizers: ['test/a', 'test/b'] });
    const deleting = await raw(kube, 'DELETE', `/api/v1/namespaces/${ns}/configmaps/fin`);
    expect(deleting.status).toBe(200);
    expect(deleting.json.metadata.deletionTimestamp).toBeDefined();
    expect(deleting.json.metadata.deletionGracePeriodSeconds).toBe(0);
    const cur = (await read('fin')) as V1ConfigMap;
    await core.replaceNamespacedConfigMap({ namespace: ns, name: 'fin', body: { ...cur, metadata: { ...cur.metadata, finalizers: ['test/b'] } } });
    expect((await read('fin'))?.metadata?.finalizers).toEqual(['test/b']);
    await core.patchNamespacedConfigMap({ namespace: ns, name: 'fin', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
    expect(await read('fin')).toBeUndefined();
  });

  it('forbids adding finalizers to an object being deleted', async () => {
    await create('nofin', { finalizers: ['test/a'] });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'nofin' });
    const res = await rawPatch(kube, PatchStrategy.MergePatch, `/api/v1/namespaces/${ns}/configmaps/nofin`, {
      metadata: { finalizers: ['test/a', 'test/new'] },
    });
    expect(res.status).toBe(422);
    expect(res.json.message).toBe(
      'ConfigMap "nofin" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"test/new"}',
    );
  });

  it('answers an immediate delete with a Success Status', async () => {
    await create('plain');
    const res = await raw(kube, 'DELETE', `/api/v1/namespaces/${ns}/configmaps/plain`);
    expect(res.json).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'plain', kind: 'configmaps' } });
  });

  it('honours uid and resourceVersion preconditions', async () => {
    const cm = await create('pre');
    const bad = await raw(kube, 'DELETE', `/api/v1/namespaces/${ns}/configmaps/pre`, { preconditions: { uid: 'other' } });
    expect(bad.status).toBe(409);
    expect(bad.json.message).toBe(
      `Operation cannot be fulfilled on ConfigMap "pre": the UID in the precondition (other) does not match the UID in record (${cm.metadata?.uid}). The object might have been deleted and then recreated`,
    );
    const staleRv = await raw(kube, 'DELETE', `/api/v1/namespaces/${ns}/configmaps/pre`, { preconditions: { resourceVersion: '1' } });
    expect(staleRv.status).toBe(409);
    const ok = await raw(kube, 'DELETE', `/api/v1/namespaces/${ns}/configmaps/pre?gracePeriodSeconds=0`, {
      preconditions: { uid: cm.metadata?.uid, resourceVersion: cm.metadata?.resourceVersion },
    });
    expect(ok.status).toBe(200);
  });
});

describe('garbage collection', () => {
  it('deletes dependents three levels deep in the background', async () => {
    const a = await create('bg-a');
    const b = await create('bg-b', { ownerReferences: [ref(a)] });
    await create('bg-c', { ownerReferences: [ref(b)] });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'bg-a' });
    expect(await read('bg-a')).toBeUndefined();
    await gone('bg-b');
    await gone('bg-c');
  });

  it('keeps a dependent that still has a live owner, dropping the dangling reference', async () => {
    const a = await create('two-a');
    const b = await create('two-b');
    await create('two-c', { ownerReferences: [ref(a), ref(b)] });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'two-a' });
    const c = await eventually(async () => {
      const cur = await read('two-c');
      return cur?.metadata?.ownerReferences?.length === 1 ? cur : undefined;
    });
    expect(c.metadata?.ownerReferences?.[0]?.name).toBe('two-b');
  });

  it('deletes a dependent whose owner never existed', async () => {
    await create('orphaned', { ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'ghost', uid: '00000000-0000-0000-0000-000000000000' }] });
    await gone('orphaned');
  });

  it('waits for blocking dependents in foreground deletion', async () => {
    const a = await create('fg-a');
    await create('fg-b', { ownerReferences: [ref(a, true)], finalizers: ['test/hold'] });
    await create('fg-free', { ownerReferences: [ref(a, false)] });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'fg-a', propagationPolicy: 'Foreground' });
    const owner = await read('fg-a');
    expect(owner?.metadata?.finalizers).toContain('foregroundDeletion');
    expect(owner?.metadata?.deletionTimestamp).toBeDefined();
    await gone('fg-free');
    const blocked = await eventually(async () => ((await read('fg-b'))?.metadata?.deletionTimestamp ? true : undefined));
    expect(blocked).toBe(true);
    expect(await read('fg-a')).toBeDefined();
    await core.patchNamespacedConfigMap({ namespace: ns, name: 'fg-b', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
    await gone('fg-a');
  });

  it('cascades foreground deletion through three levels', async () => {
    const a = await create('fg3-a');
    const b = await create('fg3-b', { ownerReferences: [ref(a, true)] });
    await create('fg3-c', { ownerReferences: [ref(b, true)], finalizers: ['test/hold'] });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'fg3-a', propagationPolicy: 'Foreground' });
    await eventually(async () => ((await read('fg3-c'))?.metadata?.deletionTimestamp ? true : undefined));
    expect((await read('fg3-b'))?.metadata?.finalizers).toContain('foregroundDeletion');
    expect(await read('fg3-a')).toBeDefined();
    await core.patchNamespacedConfigMap({ namespace: ns, name: 'fg3-c', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
    await gone('fg3-b');
    await gone('fg3-a');
  });

  it('orphans dependents with propagationPolicy Orphan', async () => {
    const a = await create('or-a');
    await create('or-b', { ownerReferences: [ref(a)] });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'or-a', propagationPolicy: 'Orphan' });
    await gone('or-a');
    const b = await read('or-b');
    expect(b?.metadata?.ownerReferences).toBeUndefined();
  });
});

describe('namespace deletion', () => {
  it('goes Terminating, deletes its content, waits for finalizers, then disappears', async () => {
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'x' } } });
    await core.createNamespacedSecret({ namespace: 'doomed', body: { metadata: { name: 'held', finalizers: ['test/hold'] } } });
    const deleted = await core.deleteNamespace({ name: 'doomed' });
    expect((deleted as any).status?.phase).toBe('Terminating');
    const readNs = () => unlessNotFound(core.readNamespace({ name: 'doomed' }));
    await eventually(async () => ((await core.listNamespacedConfigMap({ namespace: 'doomed' })).items.length === 0 ? true : undefined));
    const ns1 = await readNs();
    expect(ns1?.status?.phase).toBe('Terminating');
    expect(ns1?.spec?.finalizers).toEqual(['kubernetes']);
    await core.patchNamespacedSecret({ namespace: 'doomed', name: 'held', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
    await eventually(async () => ((await readNs()) === undefined ? true : undefined));
  });
});

describe('deletecollection', () => {
  it('deletes the objects matching a selector', async () => {
    await create('dc-1', { labels: { batch: 'x' } });
    await create('dc-2', { labels: { batch: 'x' } });
    await create('dc-3', { labels: { batch: 'y' } });
    await core.deleteCollectionNamespacedConfigMap({ namespace: ns, labelSelector: 'batch=x' });
    expect((await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'batch' })).items.map((c) => c.metadata?.name)).toEqual(['dc-3']);
  });
});

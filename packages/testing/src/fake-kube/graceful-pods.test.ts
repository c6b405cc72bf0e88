import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithClients, unlessNotFound } from './fixtures.js';
import { startFakeKube, type FakeKube } from './server.js';

let kube: FakeKube, plain: FakeKube, core: CoreV1Api;
beforeAll(async () => {
  ({ kube, core } = await startWithClients({ gracefulPodDeletion: true }));
  plain = await startFakeKube();
});
afterAll(async () => {
  await kube.stop();
  await plain.stop();
});

const pod = (name: string, spec: Partial<NonNullable<V1Pod['spec']>> = {}, finalizers?: string[]): V1Pod => ({
  metadata: { name, ...(finalizers ? { finalizers } : {}) },
  spec: { containers: [{ name: 'c', image: 'i' }], ...spec },
});
const read = (api: CoreV1Api, name: string) => unlessNotFound(api.readNamespacedPod({ namespace: 'default', name }));

describe('graceful pod deletion (gracefulPodDeletion: true)', () => {
  it('keeps a bound pod for its grace period until deleted with gracePeriodSeconds 0', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: pod('bound', { nodeName: 'n1', terminationGracePeriodSeconds: 45 }) });
    const before = Date.now();
    const deleting = await core.deleteNamespacedPod({ namespace: 'default', name: 'bound' });
    expect(deleting.metadata?.deletionGracePeriodSeconds).toBe(45);
    const at = new Date(deleting.metadata?.deletionTimestamp as unknown as string).getTime();
    expect(at).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 44_000);
    // Status updates during termination keep the pod.
    const current = (await read(core, 'bound')) as V1Pod;
    await core.replaceNamespacedPodStatus({ namespace: 'default', name: 'bound', body: { ...current, status: { phase: 'Running' } } });
    expect((await read(core, 'bound'))?.status?.phase).toBe('Running');
    // A shorter grace period shortens; 0 removes.
    const shorter = await core.deleteNamespacedPod({ namespace: 'default', name: 'bound', gracePeriodSeconds: 10 });
    expect(shorter.metadata?.deletionGracePeriodSeconds).toBe(10);
    const longer = await core.deleteNamespacedPod({ namespace: 'default', name: 'bound', gracePeriodSeconds: 60 });
    expect(longer.metadata?.deletionGracePeriodSeconds).toBe(10);
    await core.deleteNamespacedPod({ namespace: 'default', name: 'bound', gracePeriodSeconds: 0 });
    expect(await read(core, 'bound')).toBeUndefined();
  });

  it('deletes unbound and finished pods at once, and defaults the grace period to 30 s', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: pod('unbound') });
    await core.deleteNamespacedPod({ namespace: 'default', name: 'unbound' });
    expect(await read(core, 'unbound')).toBeUndefined();
    await core.createNamespacedPod({ namespace: 'default', body: pod('done', { nodeName: 'n1' }) });
    const done = (await read(core, 'done')) as V1Pod;
    await core.replaceNamespacedPodStatus({ namespace: 'default', name: 'done', body: { ...done, status: { phase: 'Succeeded' } } });
    await core.deleteNamespacedPod({ namespace: 'default', name: 'done' });
    expect(await read(core, 'done')).toBeUndefined();
    await core.createNamespacedPod({ namespace: 'default', body: pod('default-grace', { nodeName: 'n1' }) });
    const deleting = await core.deleteNamespacedPod({ namespace: 'default', name: 'default-grace' });
    expect(deleting.metadata?.deletionGracePeriodSeconds).toBe(30);
    await core.deleteNamespacedPod({ namespace: 'default', name: 'default-grace', gracePeriodSeconds: 0 });
  });

  it('keeps a pod with finalizers after its grace period until they are removed', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: pod('fin', { nodeName: 'n1' }, ['test/keep']) });
    await core.deleteNamespacedPod({ namespace: 'default', name: 'fin' });
    await core.deleteNamespacedPod({ namespace: 'default', name: 'fin', gracePeriodSeconds: 0 });
    const kept = (await read(core, 'fin')) as V1Pod;
    expect(kept.metadata?.deletionGracePeriodSeconds).toBe(0);
    await core.patchNamespacedPod({ namespace: 'default', name: 'fin', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
    expect(await read(core, 'fin')).toBeUndefined();
  });

  it('is off by default: bound pods go at once', async () => {
    const api = plain.kubeConfig.makeApiClient(CoreV1Api);
    await api.createNamespacedPod({ namespace: 'default', body: pod('bound', { nodeName: 'n1' }) });
    await api.deleteNamespacedPod({ namespace: 'default', name: 'bound' });
    expect(await read(api, 'bound')).toBeUndefined();
  });
});

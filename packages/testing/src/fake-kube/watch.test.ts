/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped wire JSON */
import { Watch, type CoreV1Api } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startWithClients } from './fixtures.js';
import type { FakeKube } from './server.js';

let kube: FakeKube, core: CoreV1Api;
const controllers: AbortController[] = [];
beforeAll(async () => {
  ({ kube, core } = await startWithClients({ namespaces: ['default', 'kube-system', 'kube-public', 'w'], bookmarkIntervalMs: 50, historySize: 50 }));
});
afterEach(() => {
  for (const c of controllers.splice(0)) c.abort();
});
afterAll(() => kube.stop());

interface Seen {
  type: string;
  name: string | undefined;
  rv: string | undefined;
  object: any;
}

async function watch(path: string, params: Record<string, string | number | boolean | undefined>): Promise<{ events: Seen[]; done: Promise<unknown> }> {
  const events: Seen[] = [];
  let finish: (v: unknown) => void = () => {};
  const done = new Promise((r) => (finish = r));
  const ctl = await new Watch(kube.kubeConfig).watch(
    path,
    params,
    (type, object) => events.push({ type, name: object?.metadata?.name, rv: object?.metadata?.resourceVersion, object }),
    (err) => finish(err ?? 'closed'),
  );
  controllers.push(ctl);
  return { events, done };
}

const cm = (name: string, labels: Record<string, string> = {}) => core.createNamespacedConfigMap({ namespace: 'w', body: { metadata: { name, labels } } });

describe('watch', () => {
  it('sends current state as ADDED when started without a resourceVersion, then changes', async () => {
    await cm('w-initial');
    const { events } = await watch('/api/v1/namespaces/w/configmaps', {});
    await eventually(() => (events.length >= 1 ? true : undefined));
    expect(events[0]).toMatchObject({ type: 'ADDED', name: 'w-initial' });
    await core.patchNamespacedConfigMap({ namespace: 'w', name: 'w-initial', body: [{ op: 'add', path: '/data', value: { a: '1' } }] });
    await core.deleteNamespacedConfigMap({ namespace: 'w', name: 'w-initial' });
    await eventually(() => (events.length >= 3 ? true : undefined));
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(Number(events[2]?.rv)).toBeGreaterThan(Number(events[1]?.rv));
  });

  it('resumes from a resourceVersion without missing or repeating events', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'w' });
    const first = await watch('/api/v1/namespaces/w/configmaps', { resourceVersion: list.metadata?.resourceVersion });
    await cm('r-1');
    await eventually(() => (first.events.length === 1 ? true : undefined));
    expect(kube.faults.dropWatches()).toBeGreaterThan(0);
    await first.done;
    const lastRv = first.events[0]?.rv;
    await cm('r-2');
    await cm('r-3');
    const second = await watch('/api/v1/namespaces/w/configmaps', { resourceVersion: lastRv });
    await eventually(() => (second.events.length === 2 ? true : undefined));
    expect(second.events.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED r-2', 'ADDED r-3']);
  });

  it('answers a compacted resourceVersion with a 410 ERROR event', async () => {
    const rv = kube.resourceVersion();
    await cm('c-1');
    kube.faults.compact();
    const { events, done } = await watch('/api/v1/namespaces/w/configmaps', { resourceVersion: rv });
    await done;
    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe('ERROR');
    expect(events[0]?.object).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
      message: `too old resource version: ${rv} (${kube.resourceVersion()})`,
    });
  });

  it('expires versions that fell out of the bounded history', async () => {
    const rv = kube.resourceVersion();
    for (let i = 0; i < 60; i++) await cm(`h-${i}`);
    const { events, done } = await watch('/api/v1/namespaces/w/configmaps', { resourceVersion: rv });
    await done;
    expect(events[0]?.object.code).toBe(410);
  });

  it('sends BOOKMARK events when allowed', async () => {
    const { events } = await watch('/api/v1/namespaces/w/configmaps', { resourceVersion: kube.resourceVersion(), allowWatchBookmarks: true });
    await eventually(() => (events.some((e) => e.type === 'BOOKMARK') ? true : undefined));
    const bookmark = events.find((e) => e.type === 'BOOKMARK');
    expect(bookmark?.object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: kube.resourceVersion() } });
  });

  it('never sends bookmarks unasked', async () => {
    const { events } = await watch('/api/v1/namespaces/w/configmaps', { resourceVersion: kube.resourceVersion() });
    await new Promise((r) => setTimeout(r, 150));
    expect(events).toEqual([]);
  });

  it('ends the stream after timeoutSeconds', async () => {
    const started = Date.now();
    const { done } = await watch('/api/v1/namespaces/w/configmaps', { resourceVersion: kube.resourceVersion(), timeoutSeconds: 1 });
    await done;
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('applies selectors, turning selector exits into DELETED', async () => {
    const { events } = await watch('/api/v1/watch/namespaces/w/configmaps', { resourceVersion: kube.resourceVersion(), labelSelector: 'pick=yes' });
    await cm('s-1', { pick: 'yes' });
    await cm('s-2', { pick: 'no' });
    await core.patchNamespacedConfigMap({ namespace: 'w', name: 's-1', body: [{ op: 'replace', path: '/metadata/labels/pick', value: 'no' }] });
    await core.patchNamespacedConfigMap({ namespace: 'w', name: 's-2', body: [{ op: 'replace', path: '/metadata/labels/pick', value: 'yes' }] });
    await eventually(() => (events.length === 3 ? true : undefined));
    expect(events.map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED s-1', 'DELETED s-1', 'ADDED s-2']);
  });

  it('marks the end of initial events for sendInitialEvents', async () => {
    await cm('i-1');
    const { events } = await watch('/api/v1/namespaces/w/configmaps', {
      sendInitialEvents: true,
      resourceVersionMatch: 'NotOlderThan',
      allowWatchBookmarks: true,
      fieldSelector: 'metadata.name=i-1',
    });
    await eventually(() => (events.length >= 2 ? true : undefined));
    expect(events[0]).toMatchObject({ type: 'ADDED', name: 'i-1' });
    expect(events[1]?.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
  });

  it('fans out one event to many watchers', async () => {
    const watchers = await Promise.all(Array.from({ length: 20 }, () => watch('/api/v1/namespaces/w/configmaps', { resourceVersion: kube.resourceVersion() })));
    await cm('fan');
    await eventually(() => (watchers.every((w) => w.events.length === 1) ? true : undefined));
    expect(new Set(watchers.map((w) => w.events[0]?.rv)).size).toBe(1);
  });

  it('counts its open watches: one a client aborts is closed, one that timed out is gone', async () => {
    // the watches of earlier tests were aborted by their clients: the server closes them
    await eventually(() => (kube.openWatches() === 0 ? true : undefined));
    const { done: timedOut } = await watch('/api/v1/namespaces/w/configmaps', { resourceVersion: kube.resourceVersion(), timeoutSeconds: 1 });
    await watch('/api/v1/namespaces/w/configmaps', { resourceVersion: kube.resourceVersion() });
    await eventually(() => (kube.openWatches() === 2 ? true : undefined));
    for (const c of controllers.splice(-1)) c.abort();
    await eventually(() => (kube.openWatches() === 1 ? true : undefined));
    await timedOut;
    await eventually(() => (kube.openWatches() === 0 ? true : undefined));
  });
});

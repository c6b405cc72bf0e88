/** The runtime's watcher against the fake API server with injected faults: the cache must end equal to the server. */
import type { KubeObject, Persisted } from '@kubeception/sdk';
import { ConfigMapResource, createKubeClient, type ConfigMap, type KubeClient } from '@kubeception/sdk/kube';
import { createStore, objectKey, watcher, type Watcher, type WatcherEvent } from '@kubeception/sdk/runtime';
import { startFakeKube, type FakeKube } from '@kubeception/testing';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';

type CM = ConfigMap & KubeObject;
let fake: FakeKube;
let stop: AbortController;
afterEach(async () => {
  stop.abort();
  await fake.stop();
});

async function setup(
  options: {
    bookmarkIntervalMs?: number;
    watchTimeoutMs?: number;
    stallTimeoutMs?: number;
    defaults?: boolean;
    transform?: (cm: Persisted<CM>) => Persisted<CM>;
  } = {},
) {
  fake = await startFakeKube({ bookmarkIntervalMs: options.bookmarkIntervalMs ?? 100 });
  stop = new AbortController();
  const kube = createKubeClient({
    kubeConfig: fake.kubeConfig,
    qps: 0,
    retry: { maxAttempts: 1 },
    ...(options.defaults ? {} : { watchTimeoutMs: options.watchTimeoutMs ?? 30_000 }),
  });
  const store = createStore<CM>();
  const events: WatcherEvent<CM>[] = [];
  const w = watcher(kube.resource(ConfigMapResource), {
    namespace: 'default',
    signal: stop.signal,
    backoff: { baseMs: 5, maxMs: 50 },
    ...(options.transform ? { transform: options.transform } : {}),
    ...(options.defaults ? {} : { stallTimeoutMs: options.stallTimeoutMs ?? 300_000 }),
  });
  void (async () => {
    for await (const event of w) {
      events.push(event);
      if (event.type === 'Applied') store.upsert(event.object);
      if (event.type === 'Deleted') store.remove(objectKey(event.object));
    }
  })();
  return { kube, store: store.reader, events, watcher: w };
}

async function serverState(kube: KubeClient) {
  const list = (await kube.resource(ConfigMapResource).list({ namespace: 'default' }))._unsafeUnwrap();
  return Object.fromEntries(list.items.map((i) => [objectKey(i), i.metadata.resourceVersion]));
}
const cacheState = (store: { list(): CM[] }) => Object.fromEntries(store.list().map((i) => [objectKey(i), i.metadata?.resourceVersion]));
const converged = async (kube: KubeClient, store: { list(): CM[] }) => {
  const expected = await serverState(kube);
  await expect.poll(() => cacheState(store), { timeout: 10_000 }).toEqual(expected);
};
const cms = (kube: KubeClient) => kube.resource(ConfigMapResource);
const synced = (w: Watcher<CM>) => expect.poll(() => w.state().synced, { timeout: 10_000 }).toBe(true);

describe('watcher', () => {
  it('lists, reports Synced after the initial objects, then follows changes', async () => {
    fake = await startFakeKube();
    await fake.stop(); // replaced below with objects present at start
    fake = await startFakeKube({
      objects: [1, 2, 3].map((i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `pre-${i}`, namespace: 'default' } })),
    });
    const kube = createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0 });
    stop = new AbortController();
    const events: string[] = [];
    const w = watcher(kube.resource(ConfigMapResource), { namespace: 'default', signal: stop.signal });
    void (async () => {
      for await (const e of w)
        events.push(e.type === 'Synced' ? 'Synced' : `${e.type}${e.type === 'Applied' && e.initial ? '(initial)' : ''} ${e.object.metadata.name}`);
    })();
    await synced(w);
    (await cms(kube).create({ metadata: { name: 'later', namespace: 'default' } }))._unsafeUnwrap();
    await expect.poll(() => events.length).toBe(5 + (events.some((e) => e.includes('kube-root-ca')) ? 1 : 0));
    expect(events.filter((e) => !e.includes('kube-root-ca'))).toEqual([
      'Applied(initial) pre-1',
      'Applied(initial) pre-2',
      'Applied(initial) pre-3',
      'Synced',
      'Applied later',
    ]);
  });

  it('survives 50 random watch drops with the cache equal to the server', async () => {
    const { kube, store, watcher: w } = await setup();
    await synced(w);
    for (let round = 0; round < 50; round++) {
      const name = `cm-${round % 7}`;
      const existing = await cms(kube).get(name, { namespace: 'default' });
      if (existing.isErr()) await cms(kube).create({ metadata: { name, namespace: 'default' }, data: { round: String(round) } });
      else if (round % 3 === 0) await cms(kube).delete(name, { namespace: 'default' });
      else await cms(kube).patch(name, { type: 'merge', body: { data: { round: String(round) } } }, { namespace: 'default' });
      if (Math.random() < 0.8) fake.faults.dropWatches();
      await new Promise((r) => setTimeout(r, Math.random() * 10));
    }
    await converged(kube, store);
  }, 30_000);

  it('relists after 410 Gone, emitting Deleted for objects that vanished in the gap', async () => {
    const { kube, store, events, watcher: w } = await setup();
    for (const name of ['keep', 'change', 'vanish']) await cms(kube).create({ metadata: { name, namespace: 'default' } });
    await synced(w);
    await converged(kube, store);
    fake.faults.pause(); // hold the watcher's reconnect while the world changes
    fake.faults.dropWatches();
    fake.faults.resume();
    fake.faults.fail({ verb: 'watch', resource: 'configmaps', status: 503, times: 1 });
    await cms(kube).delete('vanish', { namespace: 'default' });
    await cms(kube).patch('change', { type: 'merge', body: { data: { x: '1' } } }, { namespace: 'default' });
    fake.faults.compact();
    fake.faults.dropWatches();
    await converged(kube, store);
    expect(events.some((e) => e.type === 'Deleted' && e.object.metadata.name === 'vanish')).toBe(true);
    expect(events.filter((e) => e.type === 'Applied' && e.object.metadata.name === 'keep')).toHaveLength(1); // unchanged objects are not repeated
  });

  it('with a transform, emits only trimmed objects — from the list, the watch, and a Deleted after a relist — and keeps no untrimmed copy', async () => {
    const trim = (cm: Persisted<CM>): Persisted<CM> => {
      const { managedFields: _dropped, ...metadata } = cm.metadata;
      return { ...cm, metadata: { ...metadata, labels: { trimmed: 'yes' } } };
    };
    const { kube, store, events, watcher: w } = await setup({ transform: trim });
    await cms(kube).create({ metadata: { name: 'listed', namespace: 'default' } });
    await synced(w);
    await cms(kube).create({ metadata: { name: 'watched', namespace: 'default' } });
    await converged(kube, store);
    fake.faults.pause();
    fake.faults.dropWatches();
    fake.faults.resume();
    fake.faults.fail({ verb: 'watch', resource: 'configmaps', status: 503, times: 1 });
    await cms(kube).delete('watched', { namespace: 'default' });
    fake.faults.compact();
    fake.faults.dropWatches();
    await converged(kube, store);
    const objects = events.flatMap((e) => (e.type === 'Synced' ? [] : [e]));
    expect(objects.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(expect.arrayContaining(['Applied listed', 'Applied watched', 'Deleted watched']));
    for (const { object } of objects) expect([object.metadata.labels, 'managedFields' in object.metadata]).toEqual([{ trimmed: 'yes' }, false]);
  });

  it('keeps trying through 20 consecutive 500s on list, then syncs', async () => {
    fake = await startFakeKube();
    fake.faults.fail({ verb: 'list', resource: 'configmaps', status: 500, times: 20 });
    const kube = createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0, retry: { maxAttempts: 1 } });
    stop = new AbortController();
    const states: string[] = [];
    const w = watcher(kube.resource(ConfigMapResource), {
      namespace: 'default',
      signal: stop.signal,
      backoff: { baseMs: 1, maxMs: 10 },
      onState: (s) => states.push(s.phase),
    });
    void (async () => {
      for await (const _ of w) void _;
    })();
    await synced(w);
    expect(fake.requests.count({ verb: 'list', resource: 'configmaps', faulted: true })).toBe(20);
    expect(states.filter((s) => s === 'backing-off')).toHaveLength(20);
    expect(w.state().lastError?.kind).toBe('ServerError');
  });

  it('stays current across an idle period longer than the client timeout (bookmarks keep it open)', async () => {
    const { kube, store, watcher: w } = await setup({ bookmarkIntervalMs: 50, watchTimeoutMs: 300 });
    await synced(w);
    const watchesBefore = fake.requests.count({ verb: 'watch', resource: 'configmaps' });
    await new Promise((r) => setTimeout(r, 1200));
    expect(fake.requests.count({ verb: 'watch', resource: 'configmaps' })).toBe(watchesBefore);
    await cms(kube).create({ metadata: { name: 'after-idle', namespace: 'default' } });
    await converged(kube, store);
  });

  it('re-opens a watch that times out without bookmarks, and a stalled one', async () => {
    const { kube, store, watcher: w } = await setup({ bookmarkIntervalMs: 60_000, watchTimeoutMs: 200, stallTimeoutMs: 150 });
    await synced(w);
    await new Promise((r) => setTimeout(r, 1000));
    expect(fake.requests.count({ verb: 'watch', resource: 'configmaps' })).toBeGreaterThan(2);
    await cms(kube).create({ metadata: { name: 'after-timeouts', namespace: 'default' } });
    await converged(kube, store);
  });

  it('with its defaults keeps a quiet watch open without bookmarks for minutes, and asks the server to end it within 5–10', async () => {
    // a real kube-apiserver sent no bookmark in 130 s on a quiet watch: a 30 s client timeout
    // dropped and re-opened every watch twice a minute
    // timers are faked from the start (advancing with real time too), so the watch's own
    // inactivity timer is one the test can jump past
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
    onTestFinished(() => void vi.useRealTimers());
    const { kube, store, watcher: w } = await setup({ bookmarkIntervalMs: 3_600_000, defaults: true });
    await synced(w);
    const watches = () => fake.requests.filter({ verb: 'watch', resource: 'configmaps' });
    await expect.poll(() => watches().length).toBe(1);
    const timeoutSeconds = Number(new URL(watches()[0]!.url, 'http://x').searchParams.get('timeoutSeconds'));
    expect(timeoutSeconds).toBeGreaterThanOrEqual(300);
    expect(timeoutSeconds).toBeLessThan(600);
    await vi.advanceTimersByTimeAsync(4 * 60_000);
    vi.useRealTimers();
    expect(watches()).toHaveLength(1);
    expect(fake.openWatches()).toBe(1);
    await cms(kube).create({ metadata: { name: 'after-quiet', namespace: 'default' } });
    await converged(kube, store);
  });
});

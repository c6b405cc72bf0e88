/**
 * The in-process client answers as the HTTP client does: each case runs the same calls through
 * `localClient()` and through the SDK's HTTP client on one server and compares what they return.
 */
import type { KubeObject } from '@kubeception/sdk';
import { ConfigMapResource, createKubeClient, type KubeClient, type KubeError, type WatchEvent } from '@kubeception/sdk/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from './server.js';

let kube: FakeKube;
let local: KubeClient;
let http: KubeClient;
beforeAll(async () => {
  kube = await startFakeKube({ namespaces: ['default', 'a', 'b'], historySize: 50 });
  local = kube.localClient({ fieldManager: 'tester' });
  http = createKubeClient({ kubeConfig: kube.kubeConfig, qps: 0, retry: { maxAttempts: 1 }, fieldManager: 'tester' });
});
afterAll(() => kube.stop());

const cm = (name: string, namespace: string, data: Record<string, string> = {}, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, labels },
  data,
});
/** What an error says, without what differs per call (uids). */
const said = (e: KubeError) => ({ kind: e.kind, code: e.code, message: e.message.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<uid>') });
/** An object without what differs per write. */
const shape = (o: KubeObject | undefined) => {
  if (o === undefined) return undefined;
  const { uid: _u, resourceVersion: _r, creationTimestamp: _c, managedFields, deletionTimestamp, ...metadata } = o.metadata ?? {};
  return {
    ...o,
    metadata: {
      ...metadata,
      deleting: deletionTimestamp !== undefined,
      managers: ((managedFields ?? []) as { manager?: string; operation?: string }[]).map((m) => `${m.manager}:${m.operation}`),
    },
  };
};

/** Runs `calls` with each client on its own namespace and returns both outcomes. */
async function both<R>(calls: (client: KubeClient, namespace: string) => Promise<R>): Promise<[R, R]> {
  return [await calls(local, 'a'), await calls(http, 'b')];
}

const first = async <T>(events: AsyncIterable<T>, n: number): Promise<T[]> => {
  const seen: T[] = [];
  for await (const e of events) {
    seen.push(e);
    if (seen.length === n) break;
  }
  return seen;
};

const eventShape = (e: WatchEvent<KubeObject>) =>
  e.type === 'ERROR'
    ? { type: e.type, kind: e.error.kind }
    : e.type === 'BOOKMARK'
      ? { type: e.type }
      : { type: e.type, name: e.object.metadata.name, data: (e.object as { data?: unknown }).data };

describe('localClient', () => {
  it('creates, reads, applies and updates like the HTTP client, errors included', async () => {
    const [l, h] = await both(async (c, ns) => {
      const maps = c.resource(ConfigMapResource);
      const created = (await maps.create(cm('one', ns, { k: 'v' }))).map(shape);
      const duplicate = (await maps.create(cm('one', ns))).mapErr(said);
      const read = (await maps.get('one', { namespace: ns }))._unsafeUnwrap();
      const updated = (await maps.replace({ ...read, data: { k: 'w' } })).map(shape);
      const stale = (await maps.replace({ ...read, data: { k: 'x' } })).mapErr(said);
      const applied = (await maps.apply(cm('one', ns, { k: 'y', other: 'z' }), { fieldManager: 'applier' })).mapErr(said);
      const forced = (await maps.apply(cm('one', ns, { k: 'y', other: 'z' }), { fieldManager: 'applier', force: true })).map(shape);
      const patched = (await maps.patch('one', { type: 'merge', body: { data: { merged: '1' } } }, { namespace: ns })).map(shape);
      const missing = (await maps.get('none', { namespace: ns })).mapErr(said);
      return { created, duplicate, updated, stale, applied, forced, patched, missing };
    });
    expect(l.stale.isErr() && l.stale.error.kind).toBe('Conflict');
    expect(l.applied.isErr() && l.applied.error.kind).toBe('Conflict');
    expect(JSON.stringify(l).replaceAll('"a"', '"ns"').replaceAll('namespaces/a/', 'namespaces/ns/')).toBe(
      JSON.stringify(h).replaceAll('"b"', '"ns"').replaceAll('namespaces/b/', 'namespaces/ns/'),
    );
  });

  it('lists by selector and page like the HTTP client', async () => {
    const [l, h] = await both(async (c, ns) => {
      const maps = c.resource(ConfigMapResource);
      for (let i = 0; i < 5; i++) (await maps.create(cm(`l-${i}`, ns, {}, { team: i % 2 === 0 ? 'even' : 'odd' })))._unsafeUnwrap();
      const even = (await maps.list({ namespace: ns, labelSelector: 'team=even' }))._unsafeUnwrap().items.map((o) => o.metadata.name);
      const pages: string[][] = [];
      for await (const page of maps.listPages({ namespace: ns, labelSelector: 'team', limit: 2 }))
        pages.push(page._unsafeUnwrap().items.map((o) => o.metadata.name));
      return { even, pages };
    });
    expect(l).toEqual({ even: ['l-0', 'l-2', 'l-4'], pages: [['l-0', 'l-1'], ['l-2', 'l-3'], ['l-4']] });
    expect(h).toEqual(l);
  });

  it('answers a deferred delete with the object and a done one with nothing', async () => {
    const [l, h] = await both(async (c, ns) => {
      const maps = c.resource(ConfigMapResource);
      (await maps.create({ ...cm('held', ns), metadata: { name: 'held', namespace: ns, finalizers: ['test/hold'] } }))._unsafeUnwrap();
      (await maps.create(cm('free', ns)))._unsafeUnwrap();
      const held = (await maps.delete('held', { namespace: ns }))._unsafeUnwrap();
      const free = (await maps.delete('free', { namespace: ns }))._unsafeUnwrap();
      const precondition = (await maps.delete('held', { namespace: ns, preconditions: { uid: 'other' } })).mapErr(said);
      return { held: shape(held), free, precondition };
    });
    expect(l.held?.metadata.deleting).toBe(true);
    expect(l.free).toBeUndefined();
    expect(JSON.stringify(l).replaceAll('"a"', '"ns"')).toBe(JSON.stringify(h).replaceAll('"b"', '"ns"'));
  });

  it('watches like the HTTP client: replay from a resourceVersion, live events, 410 Gone once compacted', async () => {
    const [l, h] = await both(async (c, ns) => {
      const maps = c.resource(ConfigMapResource);
      const start = (await maps.create(cm('w', ns, { v: '1' })))._unsafeUnwrap().metadata.resourceVersion;
      (await maps.patch('w', { type: 'merge', body: { data: { v: '2' } } }, { namespace: ns }))._unsafeUnwrap();
      const abort = new AbortController();
      const events = first(maps.watch({ namespace: ns, resourceVersion: start, allowWatchBookmarks: false, signal: abort.signal }), 3);
      await new Promise((r) => setTimeout(r, 50));
      (await maps.delete('w', { namespace: ns }))._unsafeUnwrap();
      (await maps.create(cm('w2', ns, { v: '3' })))._unsafeUnwrap();
      const seen = (await events).map(eventShape);
      abort.abort();
      return seen;
    });
    expect(l).toEqual([
      { type: 'MODIFIED', name: 'w', data: { v: '2' } },
      { type: 'DELETED', name: 'w', data: { v: '2' } },
      { type: 'ADDED', name: 'w2', data: { v: '3' } },
    ]);
    expect(h).toEqual(l);

    const old = '1';
    for (let i = 0; i < 60; i++) (await local.resource(ConfigMapResource).create(cm(`c-${i}`, 'default')))._unsafeUnwrap();
    kube.faults.compact();
    const gone = await both((c, ns) => first(c.resource(ConfigMapResource).watch({ namespace: ns, resourceVersion: old }), 1));
    expect(gone[0].map(eventShape)).toEqual([{ type: 'ERROR', kind: 'Gone' }]);
    expect(gone[1].map(eventShape)).toEqual(gone[0].map(eventShape));
  });

  it('ends its watches with an error when the fake drops watches', async () => {
    const events = first(local.resource(ConfigMapResource).watch({ namespace: 'a', allowWatchBookmarks: false }), 100);
    await new Promise((r) => setTimeout(r, 20));
    expect(kube.faults.dropWatches()).toBeGreaterThan(0);
    const seen = await events;
    expect(seen.at(-1)).toMatchObject({ type: 'ERROR', error: { kind: 'Transport' } });
  });

  it('ends its watch on the server when the consumer stops iterating or aborts', async () => {
    kube.faults.dropWatches();
    const maps = local.resource(ConfigMapResource);
    const stream = maps.watch({ namespace: 'a', allowWatchBookmarks: false, resourceVersion: kube.resourceVersion() });
    const seen = first(stream, 1);
    (await maps.create(cm('stop', 'a')))._unsafeUnwrap();
    expect((await seen).map(eventShape)).toEqual([{ type: 'ADDED', name: 'stop', data: {} }]);
    const abort = new AbortController();
    const aborted = first(maps.watch({ namespace: 'a', signal: abort.signal }), 100);
    abort.abort();
    await aborted;
    await new Promise((r) => setTimeout(r, 10));
    expect(kube.faults.dropWatches()).toBe(0);
  });

  it('copies what it is given, hands out frozen objects, and is neither logged nor subject to faults', async () => {
    kube.requests.clear();
    kube.faults.fail({ resource: 'configmaps', status: 500, times: 10 });
    const maps = local.resource(ConfigMapResource);
    const given = cm('copy', 'default', { k: 'v' });
    const created = (await maps.create(given))._unsafeUnwrap();
    (given as { data: Record<string, string> }).data.k = 'changed by the caller';
    expect(() => ((created as { data: Record<string, string> }).data.k = 'changed')).toThrow(TypeError);
    const read = (await maps.get('copy', { namespace: 'default' }))._unsafeUnwrap();
    expect((read as { data?: unknown }).data).toEqual({ k: 'v' });
    expect(kube.requests.count()).toBe(0);
    const overHttp = await http.resource(ConfigMapResource).get('copy', { namespace: 'default' });
    expect(overHttp.isErr() && overHttp.error.kind).toBe('ServerError');
    kube.faults.clear();
  });
});

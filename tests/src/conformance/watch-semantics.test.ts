import { CertificateResource } from '@kubeception/sdk';
import { ConfigMapResource, NamespaceResource, type WatchOptions } from '@kubeception/sdk/kube';
import { beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, rawWatch } from './raw.js';
import { failure } from './status-body.js';
import { useTarget } from './target.js';

const { target, resource, ns } = useTarget('watch-semantics');

const configMaps = () => resource(ConfigMapResource);
const other = () => `${ns()}-other`;
const path = (query: string, namespace = ns()) => `/api/v1/namespaces/${namespace}/configmaps?watch=1&${query}`;
const listRv = async (namespace?: string) => (await configMaps().list(namespace === undefined ? {} : { namespace }))._unsafeUnwrap().resourceVersion;
const create = async (name: string, labels: Record<string, string> = {}, namespace = ns(), data: Record<string, string> = { v: '1' }) =>
  (await configMaps().create({ metadata: { name, namespace, labels }, data }))._unsafeUnwrap();
const patch = async (name: string, body: object) => (await configMaps().patch(name, { type: 'merge', body }, { namespace: ns() }))._unsafeUnwrap();

/** What a test compares of an object event. */
interface Seen {
  readonly type: string;
  readonly name: string;
  readonly namespace?: string;
  readonly rv: string;
  readonly labels?: Record<string, string>;
  readonly data?: Record<string, string>;
}

/** The first `count` object events of a watch of ConfigMaps (bookmarks skipped). */
async function seen(options: WatchOptions, count: number): Promise<Seen[]> {
  const out: Seen[] = [];
  for await (const event of configMaps().watch(options)) {
    if (event.type === 'BOOKMARK') continue;
    if (event.type === 'ERROR') throw new Error(`watch failed: ${event.error.message}`);
    const { metadata, data } = event.object;
    out.push({ type: event.type, name: metadata.name, namespace: metadata.namespace, rv: metadata.resourceVersion, labels: metadata.labels, data });
    if (out.length >= count) break;
  }
  return out;
}

beforeAll(async () => {
  (await resource(NamespaceResource).create({ metadata: { name: other() } }))._unsafeUnwrap();
});

describe('expiry', () => {
  it('a watch from before the kind was served answers one ERROR event: 410 Expired "too old resource version"', async () => {
    const answer = await rawWatch(target().kubeConfig, `/apis/kubeception.io/v1alpha1/namespaces/${ns()}/certificates?watch=1&resourceVersion=1`);
    expect(answer.status).toBe(200);
    expect(answer.events).toEqual([
      {
        type: 'ERROR',
        object: failure(410, 'Expired', expect.stringMatching(/^too old resource version: 1 \(\d+\)$/)),
      },
    ]);
  });

  it('the SDK client reports it as a Gone error that ends the stream', async () => {
    const events: string[] = [];
    for await (const event of resource(CertificateResource).watch({ namespace: ns(), resourceVersion: '1' })) {
      events.push(event.type === 'ERROR' ? `ERROR ${event.error.kind} ${event.error.code}` : event.type);
    }
    expect(events).toEqual(['ERROR Gone 410']);
  });
});

describe('selectors', () => {
  it.each([
    [
      'out of the label selector is sent as DELETED with its last matching state',
      'leaves',
      'yes',
      'no',
      { type: 'DELETED', labels: { pick: 'yes' }, data: { v: '1' } },
    ],
    ['into the label selector is sent as ADDED with its new state', 'joins', 'no', 'yes', { type: 'ADDED', labels: { pick: 'yes' }, data: { v: '2' } }],
  ])('an object modified %s, and the new resourceVersion', async (_what, name, before, after, expected) => {
    const created = await create(name, { pick: before });
    const events = seen({ namespace: ns(), labelSelector: 'pick=yes', resourceVersion: created.metadata.resourceVersion }, 1);
    const moved = await patch(name, { metadata: { labels: { pick: after } }, data: { v: '2' } });
    expect(await events).toEqual([{ ...expected, name, namespace: ns(), rv: moved.metadata.resourceVersion }]);
  });

  it('a deletion is sent as DELETED with the last state and a resourceVersion of its own', async () => {
    await create('removed', { gone: 'soon' });
    const changed = await patch('removed', { data: { v: '2' } });
    const events = seen({ namespace: ns(), labelSelector: 'gone=soon', resourceVersion: changed.metadata.resourceVersion }, 1);
    (await configMaps().delete('removed', { namespace: ns() }))._unsafeUnwrap();
    const [deleted] = await events;
    expect(deleted).toMatchObject({ type: 'DELETED', name: 'removed', data: { v: '2' } });
    expect(Number(deleted?.rv)).toBeGreaterThan(Number(changed.metadata.resourceVersion));
  });

  it('fieldSelector metadata.name narrows a watch to one object', async () => {
    const rv = await listRv(ns());
    const events = seen({ namespace: ns(), fieldSelector: 'metadata.name=named-b', resourceVersion: rv }, 2);
    await create('named-a');
    await create('named-b');
    await patch('named-a', { data: { v: '2' } });
    await patch('named-b', { data: { v: '2' } });
    expect((await events).map((e) => `${e.type} ${e.name}`)).toEqual(['ADDED named-b', 'MODIFIED named-b']);
  });

  it('fieldSelector metadata.namespace narrows a watch of all namespaces to one', async () => {
    const rv = await listRv();
    const events = seen({ fieldSelector: `metadata.namespace=${other()}`, resourceVersion: rv }, 1);
    await create('here');
    await create('there', {}, other());
    expect((await events).map((e) => `${e.type} ${e.namespace}/${e.name}`)).toEqual([`ADDED ${other()}/there`]);
  });
});

describe('starting points', () => {
  it('resourceVersion "0" starts with the current state as ADDED events', async () => {
    await create('zero-1', { start: 'zero' });
    await create('zero-2', { start: 'zero' });
    const events = await seen({ namespace: ns(), labelSelector: 'start=zero', resourceVersion: '0' }, 2);
    expect(events.map((e) => `${e.type} ${e.name}`).sort()).toEqual(['ADDED zero-1', 'ADDED zero-2']);
  });

  it('a resourceVersion the server has not reached is waited for: no error, and no event for earlier changes', async () => {
    const future = String(Number(await listRv()) + 1_000_000);
    const watching = rawWatch(target().kubeConfig, path(`resourceVersion=${future}&timeoutSeconds=2`));
    await create('before-future');
    expect(await watching).toMatchObject({ status: 200, events: [] });
  });

  it('a resourceVersion that is not a number is refused with 500 and the parse error instead of a stream', async () => {
    const answer = await rawRequest(target().kubeConfig, 'GET', path('resourceVersion=abc&timeoutSeconds=1'));
    expect({ status: answer.status, body: answer.json() }).toEqual({
      status: 500,
      body: failure(500, undefined, 'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax'),
    });
  });

  it('resourceVersionMatch without sendInitialEvents is refused on a watch (422)', async () => {
    const rv = await listRv(ns());
    const answer = await rawRequest(target().kubeConfig, 'GET', path(`resourceVersion=${rv}&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`));
    expect(answer.status).toBe(422);
    const cause = 'Forbidden: resourceVersionMatch is forbidden for watch';
    expect(answer.json()).toMatchObject({
      reason: 'Invalid',
      message: expect.stringMatching(/^ListOptions\.meta\.k8s\.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch/),
      details: {
        group: 'meta.k8s.io',
        kind: 'ListOptions',
        causes: [{ reason: 'FieldValueForbidden', field: 'resourceVersionMatch', message: expect.stringContaining(cause) }],
      },
    });
  });
});

describe('bookmarks', () => {
  it('with allowWatchBookmarks, a filtered watch is told before its timeout how far it got: the resourceVersion of a change it did not see', async () => {
    // kube-apiserver promises no bookmark ("we don't provide any guarantees on sending bookmarks"), and 1.20's
    // watch cache now and then sends none before a short timeout: up to three watches
    for (let attempt = 1; ; attempt++) {
      const rv = await listRv(ns());
      const watching = rawWatch(target().kubeConfig, path(`resourceVersion=${rv}&labelSelector=never%3Dseen&allowWatchBookmarks=true&timeoutSeconds=4`));
      const unseen = await create(`unseen-${attempt}`);
      const { status, events } = await watching;
      expect(status).toBe(200);
      if (events.length === 0 && attempt < 3) continue;
      expect(events.length).toBeGreaterThan(0);
      for (const event of events) {
        expect(event).toMatchObject({ type: 'BOOKMARK', object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: expect.any(String) } } });
        expect(event.object.metadata).not.toHaveProperty('name');
        expect(Number(event.object.metadata?.resourceVersion)).toBeGreaterThanOrEqual(Number(unseen.metadata.resourceVersion));
      }
      return;
    }
  });

  it('without allowWatchBookmarks, none is sent', async () => {
    const rv = await listRv(ns());
    const watching = rawWatch(target().kubeConfig, path(`resourceVersion=${rv}&labelSelector=never%3Dseen&timeoutSeconds=3`));
    await create('unseen-too');
    expect(await watching).toMatchObject({ status: 200, events: [] });
  });
});

import { CertificateResource, type KubeObject } from '@kubeception/sdk';
import { ConfigMapResource, SecretResource, type WatchEvent } from '@kubeception/sdk/kube';
import { describe, expect, it } from 'vitest';
import { rawRequest } from './raw.js';
import { certificate, useTarget } from './target.js';

const { target, resource, ns } = useTarget('watch');

const configMaps = () => resource(ConfigMapResource);

/** Collects events (bookmarks dropped) until `count` have arrived. */
async function take<T extends KubeObject>(stream: AsyncIterable<WatchEvent<T>>, count: number) {
  const events: string[] = [];
  for await (const event of stream) {
    if (event.type === 'BOOKMARK') continue;
    events.push(event.type === 'ERROR' ? `ERROR ${event.error.kind}` : `${event.type} ${event.object.metadata.name}`);
    if (events.length >= count) break;
  }
  return events;
}

describe('watch', () => {
  it('from a list resourceVersion: every later change, in order', async () => {
    const { resourceVersion } = (await configMaps().list({ namespace: ns() }))._unsafeUnwrap();
    const events = take(configMaps().watch({ namespace: ns(), resourceVersion }), 4);
    await configMaps().create({ metadata: { name: 'w1', namespace: ns() } });
    await configMaps().patch('w1', { type: 'merge', body: { data: { a: '1' } } }, { namespace: ns() });
    await configMaps().create({ metadata: { name: 'w2', namespace: ns() } });
    await configMaps().delete('w1', { namespace: ns() });
    expect(await events).toEqual(['ADDED w1', 'MODIFIED w1', 'ADDED w2', 'DELETED w1']);
  });

  it('without a resourceVersion: first the current state as ADDED', async () => {
    await configMaps().create({ metadata: { name: 'seen-1', namespace: ns(), labels: { set: 'initial' } } });
    await configMaps().create({ metadata: { name: 'seen-2', namespace: ns(), labels: { set: 'initial' } } });
    const events = await take(configMaps().watch({ namespace: ns(), labelSelector: 'set=initial' }), 2);
    expect(events.sort()).toEqual(['ADDED seen-1', 'ADDED seen-2']);
  });

  it('filters by label selector', async () => {
    const { resourceVersion } = (await configMaps().list({ namespace: ns() }))._unsafeUnwrap();
    const events = take(configMaps().watch({ namespace: ns(), resourceVersion, labelSelector: 'pick=yes' }), 1);
    await configMaps().create({ metadata: { name: 'skip', namespace: ns(), labels: { pick: 'no' } } });
    await configMaps().create({ metadata: { name: 'pick', namespace: ns(), labels: { pick: 'yes' } } });
    expect(await events).toEqual(['ADDED pick']);
  });

  it('resumes from a resourceVersion in the middle with exactly the later events', async () => {
    const first = (await configMaps().create({ metadata: { name: 'r1', namespace: ns(), labels: { resume: 'x' } } }))._unsafeUnwrap();
    await configMaps().create({ metadata: { name: 'r2', namespace: ns(), labels: { resume: 'x' } } });
    await configMaps().create({ metadata: { name: 'r3', namespace: ns(), labels: { resume: 'x' } } });
    const events = await take(configMaps().watch({ namespace: ns(), labelSelector: 'resume=x', resourceVersion: first.metadata.resourceVersion }), 2);
    expect(events).toEqual(['ADDED r2', 'ADDED r3']);
  });

  it('watches custom resources across namespaces', async () => {
    const certs = resource(CertificateResource);
    const { resourceVersion } = (await certs.list())._unsafeUnwrap();
    const events = take(certs.watch({ resourceVersion }), 2);
    await certs.create(certificate('wc', ns()));
    await certs.patchStatus('wc', { type: 'merge', body: { status: { serialNumber: '01' } } }, { namespace: ns() });
    expect(await events).toEqual(['ADDED wc', 'MODIFIED wc']);
  });

  it('ends the stream when aborted, and sees nothing after', async () => {
    const controller = new AbortController();
    const stream = configMaps().watch({ namespace: ns(), labelSelector: 'abort=test', signal: controller.signal });
    const seen: string[] = [];
    const consumed = (async () => {
      for await (const event of stream) if (event.type !== 'BOOKMARK') seen.push(event.type);
    })();
    await configMaps().create({ metadata: { name: 'before-abort', namespace: ns(), labels: { abort: 'test' } } });
    await expect.poll(() => seen.length).toBe(1);
    controller.abort();
    await consumed; // the loop ends: a stream that ignored the abort would hang the test
    await configMaps().create({ metadata: { name: 'after-abort', namespace: ns(), labels: { abort: 'test' } } });
    expect(seen).toEqual(['ADDED']);
  });

  it('ends the stream when the consumer stops iterating', async () => {
    const stream = configMaps().watch({ namespace: ns() });
    for await (const event of stream) if (event.type === 'ADDED') break;
    const again = await stream[Symbol.asyncIterator]().next();
    expect(again.done).toBe(true);
  });

  it('metadata only: the server sends PartialObjectMetadata, and the client hands out the kind with its metadata alone', async () => {
    const secrets = () => resource(SecretResource);
    (await secrets().create({ metadata: { name: 'meta-1', namespace: ns(), labels: { meta: 'only' } }, stringData: { key: 'secret' } }))._unsafeUnwrap();
    const raw = await rawRequest(target().kubeConfig, 'GET', `/api/v1/namespaces/${ns()}/secrets?watch=1&labelSelector=meta%3Donly&timeoutSeconds=1`, {
      accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1',
    });
    const sent = raw.body
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { type: string; object: Record<string, unknown> });
    expect(sent).toEqual([{ type: 'ADDED', object: expect.objectContaining({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1' }) }]);
    expect(Object.keys(sent[0]?.object ?? {}).sort()).toEqual(['apiVersion', 'kind', 'metadata']);

    // an empty metadata list carries items: null (a nil slice), which the client reads as no items
    const none = await rawRequest(target().kubeConfig, 'GET', `/api/v1/namespaces/${ns()}/secrets?labelSelector=meta%3Dnone`, {
      accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1',
    });
    expect(none.json()).toMatchObject({ kind: 'PartialObjectMetadataList', items: null });
    expect((await secrets().list({ namespace: ns(), labelSelector: 'meta=none', metadataOnly: true }))._unsafeUnwrap().items).toEqual([]);
    const listed = (await secrets().list({ namespace: ns(), labelSelector: 'meta=only', metadataOnly: true }))._unsafeUnwrap();
    expect(listed.items).toEqual([{ apiVersion: 'v1', kind: 'Secret', metadata: expect.objectContaining({ name: 'meta-1', labels: { meta: 'only' } }) }]);
    const events = [];
    for await (const event of secrets().watch({ namespace: ns(), labelSelector: 'meta=only', metadataOnly: true })) {
      if (event.type === 'BOOKMARK') continue;
      events.push(event);
      break;
    }
    expect(events).toEqual([{ type: 'ADDED', object: { apiVersion: 'v1', kind: 'Secret', metadata: expect.objectContaining({ name: 'meta-1' }) } }]);
  });
});

import { CertificateResource, type KubeObject } from '@kubeception/sdk';
import { ConfigMapResource, type WatchEvent } from '@kubeception/sdk/kube';
import { describe, expect, it } from 'vitest';
import { certificate, useTarget } from './target.js';

const { resource, ns } = useTarget('watch');

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
});

/** The runtime's shared informer against the fake API server: a listener added late hears what is already cached. */
import type { KubeObject, Persisted } from '@kubeception/sdk';
import { ConfigMapResource, createKubeClient, SecretResource, type ConfigMap, type Secret } from '@kubeception/sdk/kube';
import { dataDigests, digestedData, digestOf, InformerCache, keepFields, metadataOf, startInformer, type InformerEvent } from '@kubeception/sdk/runtime';
import { startFakeKube, type FakeKube } from '@kubeception/testing';
import diagnostics from 'node:diagnostics_channel';
import { afterEach, expect, it, vi } from 'vitest';

type CM = ConfigMap & KubeObject;
let fake: FakeKube | undefined;
let stop = new AbortController();
afterEach(async () => {
  stop.abort();
  await fake?.stop();
  stop = new AbortController();
});

const seen = (events: InformerEvent<CM>[]) =>
  events.map((e) => (e.type === 'Synced' ? 'Synced' : `${e.type} ${e.object.metadata.name}${'initial' in e && e.initial ? ' (initial)' : ''}`));

it('replays every cached object, then Synced, to a listener added after the initial list (as client-go does), then goes on live', async () => {
  fake = await startFakeKube();
  const kube = createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0 });
  const configMaps = kube.resource(ConfigMapResource);
  for (const name of ['a', 'b']) (await configMaps.create({ metadata: { name, namespace: 'default' }, data: { k: name } }))._unsafeUnwrap();
  const informer = startInformer(kube, ConfigMapResource, { namespace: 'default', signal: stop.signal });
  await informer.synced();

  const late: InformerEvent<CM>[] = [];
  informer.subscribe((event) => late.push(event));
  expect(seen(late).sort()).toEqual(['Applied a (initial)', 'Applied b (initial)', 'Synced']);

  (await configMaps.create({ metadata: { name: 'c', namespace: 'default' } }))._unsafeUnwrap();
  await vi.waitFor(() => expect(seen(late)).toContain('Applied c'));
  expect(late.filter((e) => e.type === 'Synced')).toHaveLength(1);
});

it('trims each object once, in the watcher: the store keeps the emitted object, without managedFields, and a custom transform runs once per change', async () => {
  fake = await startFakeKube();
  const kube = createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0 });
  const configMaps = kube.resource(ConfigMapResource);
  (await configMaps.create({ metadata: { name: 'a', namespace: 'default' }, data: { big: 'x'.repeat(100) } }))._unsafeUnwrap();
  const byDefault = startInformer(kube, ConfigMapResource, { namespace: 'default', signal: stop.signal });
  const emitted: InformerEvent<CM>[] = [];
  byDefault.subscribe((event) => emitted.push(event));
  await byDefault.synced();
  const stored = byDefault.store.get('default/a');
  expect(stored?.metadata.managedFields).toBeUndefined();
  expect(emitted.find((e) => e.type === 'Applied')).toMatchObject({ object: expect.toBeOneOf([stored]) });

  const transform = vi.fn((cm: Persisted<CM>): Persisted<CM> => ({ ...cm, data: { size: String(cm.data?.big?.length ?? 0) } }));
  const trimmed = startInformer(kube, ConfigMapResource, { namespace: 'default', labelSelector: '!absent', signal: stop.signal, store: { transform } });
  await trimmed.synced();
  (await configMaps.patch('a', { type: 'merge', body: { data: { big: 'y' } } }, { namespace: 'default' }))._unsafeUnwrap();
  await vi.waitFor(() => expect(trimmed.store.get('default/a')?.data).toEqual({ size: '1' }));
  expect(transform).toHaveBeenCalledTimes(2);
  expect(trimmed.store.get('default/a')?.metadata.managedFields).toBeDefined();
});

it('keeps only apiVersion, kind and metadata of each object when metadataOnly, apart from the whole objects of the same kind', async () => {
  fake = await startFakeKube();
  const kube = createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0 });
  (
    await kube.resource(ConfigMapResource).create({ metadata: { name: 'a', namespace: 'default', labels: { l: 'v' } }, data: { big: 'x'.repeat(100) } })
  )._unsafeUnwrap();
  // what the informers ask the server for, from undici's diagnostics channel
  const accepts: string[] = [];
  const onRequest = (message: unknown) => {
    // undici hands the headers over as a flat list: name, value, name, value, …
    const { request } = message as { request: { path: string; headers: string[] } };
    const at = request.headers.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === 'accept');
    if (request.path.includes('/configmaps')) accepts.push(at < 0 ? '' : (request.headers[at + 1] ?? ''));
  };
  diagnostics.subscribe('undici:request:create', onRequest);
  const informers = new InformerCache(kube, stop.signal);
  const whole = informers.get(ConfigMapResource, { namespace: 'default' });
  const metadata = informers.get(ConfigMapResource, { namespace: 'default', metadataOnly: true });
  expect(metadata).not.toBe(whole);
  await Promise.all([whole.synced(), metadata.synced()]);
  await vi.waitFor(() => expect(accepts.filter((a) => a.includes('as=PartialObjectMetadata;')).length).toBe(1)); // its watch
  diagnostics.unsubscribe('undici:request:create', onRequest);
  // its list asked for PartialObjectMetadataList, the whole informer's list and watch for plain JSON
  expect(accepts.filter((a) => a.includes('as=PartialObjectMetadataList;'))).toHaveLength(1);
  expect(accepts.filter((a) => !a.includes('as=PartialObjectMetadata'))).toHaveLength(2);
  expect(metadata.store.get('default/a')).toEqual(metadataOf(whole.store.get('default/a')!));
  expect(Object.keys(metadata.store.get('default/a') ?? {}).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
  expect(Object.keys(metadata.store.get('default/a')?.metadata ?? {})).not.toContain('managedFields');
  expect(metadata.store.get('default/a')?.metadata.labels).toEqual({ l: 'v' });
  expect(whole.store.get('default/a')?.data).toEqual({ big: 'x'.repeat(100) });
});

it('caches data values as digests with the dataDigests transform: a desired object in digestedData form matches it, a changed value does not', async () => {
  fake = await startFakeKube();
  const kube = createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0 });
  const secrets = kube.resource(SecretResource);
  const desired: Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's', namespace: 'default' },
    type: 'Opaque',
    stringData: { key: 'x'.repeat(4096) },
  };
  (await secrets.create(desired))._unsafeUnwrap();
  const informers = new InformerCache(kube, stop.signal);
  const whole = informers.get(SecretResource, { namespace: 'default' });
  const digested = informers.get(SecretResource, { namespace: 'default', transform: dataDigests });
  expect(informers.get(SecretResource, { namespace: 'default', transform: dataDigests })).toBe(digested);
  expect(digested).not.toBe(whole);
  await Promise.all([whole.synced(), digested.synced()]);
  const cached = digested.store.get('default/s')!;
  // the server stored stringData as base64 in data: the cached digest is of that
  expect(cached.data).toEqual({ key: digestOf(Buffer.from('x'.repeat(4096)).toString('base64')) });
  expect(cached.metadata.managedFields).toBeUndefined();
  expect(cached.type).toBe('Opaque');
  expect(digestedData(desired)).toMatchObject({ data: cached.data, type: 'Opaque' });
  expect(digestedData(desired)).not.toHaveProperty('stringData');
  expect(digestedData({ ...desired, stringData: { key: 'y' } }).data).not.toEqual(cached.data);
  // a manual edit of the value shows as another digest
  (await secrets.patch('s', { type: 'merge', body: { data: { key: Buffer.from('edited').toString('base64') } } }, { namespace: 'default' }))._unsafeUnwrap();
  await vi.waitFor(() => expect(digested.store.get('default/s')?.data).toEqual({ key: digestOf(Buffer.from('edited').toString('base64')) }));
  expect(digested.store.get('default/s')?.data).not.toEqual(digestedData(desired).data);
  expect(whole.store.get('default/s')?.data).toEqual({ key: Buffer.from('edited').toString('base64') });
});

it('keeps only apiVersion, kind, metadata and the named fields with keepFields', async () => {
  fake = await startFakeKube();
  const kube = createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0 });
  (
    await kube.resource(ConfigMapResource).create({ metadata: { name: 'a', namespace: 'default' }, data: { k: 'v' }, binaryData: { b: 'AA==' } })
  )._unsafeUnwrap();
  const informers = new InformerCache(kube, stop.signal);
  const kept = informers.get(ConfigMapResource, { namespace: 'default', transform: keepFields('data') });
  await kept.synced();
  expect(Object.keys(kept.store.get('default/a') ?? {}).sort()).toEqual(['apiVersion', 'data', 'kind', 'metadata']);
  expect(kept.store.get('default/a')?.data).toEqual({ k: 'v' });
  expect(keepFields('b', 'a').name).toBe(keepFields('a', 'b').name);
});

it('compares what it hears with its own store (the watcher keeps no second map): after a 410 relist, what vanished is Deleted and what did not change is not heard again', async () => {
  fake = await startFakeKube();
  const kube = createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0 });
  const configMaps = kube.resource(ConfigMapResource);
  for (const name of ['keep', 'change', 'vanish']) (await configMaps.create({ metadata: { name, namespace: 'default' } }))._unsafeUnwrap();
  const informer = startInformer(kube, ConfigMapResource, { namespace: 'default', signal: stop.signal, backoff: { baseMs: 10, maxMs: 50 } });
  const events: InformerEvent<CM>[] = [];
  informer.subscribe((event) => events.push(event));
  await informer.synced();

  fake.faults.pause(); // hold the watcher's reconnect while the world changes
  fake.faults.dropWatches();
  fake.faults.resume();
  fake.faults.fail({ verb: 'watch', resource: 'configmaps', status: 503, times: 1 });
  (await configMaps.delete('vanish', { namespace: 'default' }))._unsafeUnwrap();
  (await configMaps.patch('change', { type: 'merge', body: { data: { x: '1' } } }, { namespace: 'default' }))._unsafeUnwrap();
  (await configMaps.create({ metadata: { name: 'new', namespace: 'default' } }))._unsafeUnwrap();
  fake.faults.compact();
  fake.faults.dropWatches();

  await vi.waitFor(
    () =>
      expect(
        informer.store
          .list()
          .map((o) => o.metadata.name)
          .sort(),
      ).toEqual(['change', 'keep', 'new']),
    { timeout: 10_000 },
  );
  await vi.waitFor(() => expect(informer.store.get('default/change')?.data).toEqual({ x: '1' }));
  expect(seen(events).filter((e) => !e.endsWith('(initial)'))).toEqual(expect.arrayContaining(['Deleted vanish', 'Applied change', 'Applied new']));
  expect(seen(events).filter((e) => e.startsWith('Applied keep'))).toEqual(['Applied keep (initial)']); // unchanged: not heard again
  expect(seen(events).filter((e) => e === 'Deleted vanish')).toHaveLength(1);

  // live again, from the store's versions
  (await configMaps.delete('keep', { namespace: 'default' }))._unsafeUnwrap();
  await vi.waitFor(() => expect(informer.store.get('default/keep')).toBeUndefined());
  expect(seen(events).filter((e) => e === 'Deleted keep')).toHaveLength(1);
});

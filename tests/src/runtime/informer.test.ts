/** The runtime's shared informer against the fake API server: a listener added late hears what is already cached. */
import type { KubeObject } from '@kubeception/sdk';
import { ConfigMapResource, createKubeClient, type ConfigMap } from '@kubeception/sdk/kube';
import { startInformer, type InformerEvent } from '@kubeception/sdk/runtime';
import { startFakeKube, type FakeKube } from '@kubeception/testing';
import { afterEach, expect, it, vi } from 'vitest';

type CM = ConfigMap & KubeObject;
let fake: FakeKube | undefined;
const stop = new AbortController();
afterEach(async () => {
  stop.abort();
  await fake?.stop();
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

/** Watches through the typed client when the fake drops connections or compacts its history. */
import { ConfigMapResource, createKubeClient, type KubeClient, type WatchEvent, type ConfigMap } from '@kubeception/sdk/kube';
import type { KubeObject } from '@kubeception/sdk';
import { startFakeKube, type FakeKube } from '@kubeception/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let fake: FakeKube;
let kube: KubeClient;
beforeAll(async () => {
  fake = await startFakeKube({ bookmarkIntervalMs: 50 });
  kube = createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0 });
});
afterAll(() => fake.stop());

const configMaps = () => kube.resource(ConfigMapResource);
const create = async (name: string) => (await configMaps().create({ metadata: { name, namespace: 'default', labels: { w: 't' } } }))._unsafeUnwrap();

describe('watch through faults', () => {
  it('after a dropped connection, resuming from the last seen version misses and repeats nothing', async () => {
    const { resourceVersion: start } = (await configMaps().list({ namespace: 'default' }))._unsafeUnwrap();
    const seen: string[] = [];
    let last = start;
    const consume = async (stream: AsyncIterable<WatchEvent<ConfigMap & KubeObject>>, until: number) => {
      for await (const event of stream) {
        if (event.type === 'ERROR') break;
        if (event.type === 'BOOKMARK') {
          last = event.resourceVersion;
          continue;
        }
        seen.push(`${event.type} ${event.object.metadata.name}`);
        last = event.object.metadata.resourceVersion;
        if (seen.length >= until) return;
      }
    };
    const firstRun = consume(configMaps().watch({ namespace: 'default', labelSelector: 'w=t', resourceVersion: start }), 100);
    await create('d1');
    await create('d2');
    await expect.poll(() => seen.length).toBe(2);
    expect(fake.faults.dropWatches()).toBeGreaterThan(0);
    await firstRun; // the stream ends when its connection is dropped
    await create('d3'); // happens while nobody watches
    const secondRun = consume(configMaps().watch({ namespace: 'default', labelSelector: 'w=t', resourceVersion: last }), 4);
    await create('d4');
    await secondRun;
    expect(seen).toEqual(['ADDED d1', 'ADDED d2', 'ADDED d3', 'ADDED d4']);
  });

  it('gets 410 Gone as an ERROR event after the history was compacted', async () => {
    const old = await create('before-compaction');
    await create('after');
    fake.faults.compact();
    const events: WatchEvent<ConfigMap & KubeObject>[] = [];
    for await (const event of configMaps().watch({ namespace: 'default', resourceVersion: old.metadata.resourceVersion })) events.push(event);
    expect(events.at(-1)).toMatchObject({ type: 'ERROR', error: { kind: 'Gone', code: 410 } });
  });

  it('receives bookmarks on an idle watch', async () => {
    const { resourceVersion } = (await configMaps().list({ namespace: 'default' }))._unsafeUnwrap();
    for await (const event of configMaps().watch({ namespace: 'default', resourceVersion, labelSelector: 'nothing=matches' })) {
      expect(event.type).toBe('BOOKMARK');
      expect(BigInt(event.type === 'BOOKMARK' ? event.resourceVersion : '0')).toBeGreaterThanOrEqual(BigInt(resourceVersion));
      break;
    }
  });
});

describe('watch requests', () => {
  it('carry the client’s User-Agent like every other request (client-node’s Watch would send undici’s)', async () => {
    const named = createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0, userAgent: 'watch-test/1.0' });
    fake.requests.clear();
    const stop = new AbortController();
    const stream = named.resource(ConfigMapResource).watch({ namespace: 'default', signal: stop.signal });
    const first = (async () => {
      for await (const event of stream) return event.type;
      return undefined;
    })();
    await expect.poll(() => fake.requests.filter({ verb: 'watch', resource: 'configmaps' }).length).toBe(1);
    stop.abort();
    await first;
    expect(fake.requests.filter({ verb: 'watch', resource: 'configmaps' }).map((r) => r.userAgent)).toEqual(['watch-test/1.0']);
  });
});

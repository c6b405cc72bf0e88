/**
 * The runtime against a plain client-node informer (`makeInformer`) on the same fake API
 * server, in the same run:
 * - initial sync into the cache, like with like: our watcher into our store (`startInformer`,
 *   until synced) against `makeInformer` into its cache (until it has handed over every object),
 *   three rounds each, alternating, medians;
 * - initial sync: N existing ConfigMaps listed and handed over (our controller: reconciled);
 * - watch events: N ConfigMaps created while both watch; events/s and mean latency from the
 *   create's response to the handler (our controller: reconcile start);
 * - cache bytes per object (heap delta after GC) against the objects' JSON size.
 */
import http from 'node:http';
import { makeInformer, type V1ConfigMap } from '@kubernetes/client-node';
import { ConfigMapResource, createKubeClient } from '@kubeception/sdk/kube';
import { createController, createManager, createStore, done, startInformer } from '@kubeception/sdk/runtime';
import type { KubeObject, Persisted } from '@kubeception/sdk';
import { okAsync } from 'neverthrow';
import { pino } from 'pino';
import { startFakeKube } from '@kubeception/testing';
import type { Figure } from './figure.js';

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
const post = (url: string, body: object) =>
  new Promise<void>((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve());
      },
    );
    req.on('error', reject);
    req.end(data);
  });
const configMap = (name: string, set: string) => ({ metadata: { name, labels: { set } }, data: { payload: 'x'.repeat(200) } });
const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 2));
};

async function createMany(url: string, prefix: string, n: number, set: string, created?: Map<string, number>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < n) {
        const name = `${prefix}-${next++}`;
        await post(`${url}/api/v1/namespaces/default/configmaps`, configMap(name, set));
        created?.set(name, performance.now());
      }
    }),
  );
}

type FakeKube = Awaited<ReturnType<typeof startFakeKube>>;

/** A consumer of the ConfigMaps of `default`: when it first saw each, and how to stop it. */
interface Consumer {
  /** Objects/s of its initial sync of the `n` existing ConfigMaps. */
  readonly syncRate: number;
  /** When each ConfigMap reached its handler first (`performance.now()`), by name. */
  readonly seen: Map<string, number>;
  stop(): Promise<void>;
}

/** A plain client-node informer on the ConfigMaps of `default`, once it has handed over the `n` existing ones. */
async function startPlainInformer(fake: FakeKube, n: number): Promise<Consumer> {
  let adds = 0;
  const start = performance.now();
  const path = '/api/v1/namespaces/default/configmaps';
  const core = fake.kubeConfig.makeApiClient((await import('@kubernetes/client-node')).CoreV1Api);
  const informer = makeInformer<V1ConfigMap>(fake.kubeConfig, path, () => core.listNamespacedConfigMap({ namespace: 'default' }));
  const seen = new Map<string, number>();
  informer.on('add', (cm) => {
    adds++;
    seen.set(cm.metadata?.name ?? '', performance.now());
  });
  await informer.start();
  await until(() => adds >= n);
  return { syncRate: (n / (performance.now() - start)) * 1000, seen, stop: () => informer.stop() };
}

/** Our controller (no-op reconciles) on the ConfigMaps of `default`, once it has reconciled the `n` existing ones. */
async function startOurController(fake: FakeKube, n: number): Promise<Consumer> {
  let reconciles = 0;
  const seen = new Map<string, number>();
  const controller = createController({
    name: 'bench',
    resource: ConfigMapResource,
    namespace: 'default',
    concurrency: 4,
    reconcile: (cm) => {
      reconciles++;
      if (!seen.has(cm.metadata.name)) seen.set(cm.metadata.name, performance.now());
      return okAsync(done());
    },
  });
  const manager = createManager({
    kube: createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0 }),
    controllers: [controller],
    logger: pino({ level: 'silent' }),
  });
  const start = performance.now();
  void manager.start();
  await until(() => reconciles >= n);
  return { syncRate: (n / (performance.now() - start)) * 1000, seen, stop: () => manager.stop() };
}

/** The median of some numbers. */
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Objects/s of our watcher into our store until synced, and of `makeInformer` into its cache, alternating `rounds` times: medians. */
async function storeSync(fake: FakeKube, n: number, rounds: number): Promise<Figure> {
  const kube = createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0 });
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const plain = await startPlainInformer(fake, n);
    theirs.push(plain.syncRate);
    await plain.stop();
    const stop = new AbortController();
    const start = performance.now();
    const informer = startInformer(kube, ConfigMapResource, { namespace: 'default', signal: stop.signal });
    await informer.synced();
    ours.push((informer.store.size / (performance.now() - start)) * 1000);
    stop.abort();
  }
  const [value, baseline] = [median(ours), median(theirs)];
  return { name: `initial sync of ${n} objects: watcher → store (informer → its cache)`, value, unit: 'objects/s', baseline, ratio: value / baseline };
}

/** `n` ConfigMaps created while both consumers watch: events/s to the last handler, and mean latency from each create's response. */
async function watchEvents(fake: FakeKube, n: number, ours: Consumer, theirs: Consumer): Promise<Figure[]> {
  const created = new Map<string, number>();
  const start = performance.now();
  await createMany(fake.url, 'live', n, 'live', created);
  await until(() => ours.seen.size >= 2 * n && theirs.seen.size >= 2 * n);
  const last = (seen: Map<string, number>) => Math.max(...[...created.keys()].map((k) => seen.get(k) ?? 0));
  const oursRate = (n / (last(ours.seen) - start)) * 1000;
  const theirsRate = (n / (last(theirs.seen) - start)) * 1000;
  const latency = (seen: Map<string, number>) => [...created].reduce((sum, [name, t]) => sum + Math.max(0, (seen.get(name) ?? t) - t), 0) / created.size;
  const oursLatency = latency(ours.seen);
  const theirsLatency = latency(theirs.seen);
  return [
    { name: `watch events (${n} creates) → handler`, value: oursRate, unit: 'events/s', baseline: theirsRate, ratio: oursRate / theirsRate },
    { name: 'latency: create response → handler (mean)', value: oursLatency, unit: 'ms', baseline: theirsLatency, ratio: oursLatency / theirsLatency },
  ];
}

/** Heap bytes per object of a filled store against the objects' JSON size; none without `--expose-gc`. */
async function cacheMemory(fake: FakeKube): Promise<Figure[]> {
  const texts = (await createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0 }).resource(ConfigMapResource).list({ namespace: 'default' }))
    ._unsafeUnwrap()
    .items.map((item) => JSON.stringify(item));
  const json = texts.reduce((sum, text) => sum + text.length, 0) / texts.length;
  const gcOf = (globalThis as { gc?: (options?: object) => void }).gc;
  if (!gcOf) return [];
  // a synchronous full collection: a plain gc() on Node 24 left garbage unswept at the first reading;
  // several, with turns of the event loop between them, so the earlier phases' garbage is gone before the first reading
  const settle = async () => {
    for (let i = 0; i < 4; i++) {
      gcOf({ type: 'major', execution: 'sync', flavor: 'last-resort' });
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  // what the filled store retains: the heap with it, less the heap once it is dropped (reading
  // before and after filling went negative on Node 24: other garbage is freed meanwhile)
  let store: ReturnType<typeof createStore> | undefined = createStore();
  for (const text of texts) store.upsert(JSON.parse(text) as Persisted<KubeObject>);
  const size = store.reader.size;
  await settle();
  const filled = process.memoryUsage().heapUsed;
  store = undefined;
  await settle();
  const perObject = (filled - process.memoryUsage().heapUsed) / size;
  // `texts` stays alive through both readings (V8 frees a value after its last use)
  if (texts.length !== size) throw new Error('every object is in the store');
  return [{ name: 'cache memory per object (heap)', value: perObject, unit: 'bytes', baseline: json, ratio: perObject / json }];
}

/** The figures of this bench (`quick`: over 1000 objects instead of 10 000). */
export async function run({ quick }: { quick: boolean }): Promise<Figure[]> {
  const n = quick ? 1000 : 10_000;
  const fake = await startFakeKube({ historySize: n * 4 });
  try {
    await createMany(fake.url, 'initial', n, 'initial');
    const intoStore = await storeSync(fake, n, 3);
    // initial sync to the handler: plain informer, then our controller
    const theirs = await startPlainInformer(fake, n);
    const ours = await startOurController(fake, n);
    const figures: Figure[] = [
      intoStore,
      {
        name: `initial sync of ${n} objects → handler (full controller: queue and reconcile)`,
        value: ours.syncRate,
        unit: 'objects/s',
        baseline: theirs.syncRate,
        ratio: ours.syncRate / theirs.syncRate,
      },
      { name: `no-op reconciles over ${n} objects`, value: ours.syncRate, unit: 'reconciles/s' },
      // watch events: both consumers see the same creates
      ...(await watchEvents(fake, n, ours, theirs)),
    ];
    await theirs.stop();
    await ours.stop();
    return [...figures, ...(await cacheMemory(fake))];
  } finally {
    agent.destroy();
    await fake.stop();
  }
}

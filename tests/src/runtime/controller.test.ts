import { ConfigMapResource, SecretResource, type ConfigMap } from '@kubeception/sdk/kube';
import { cacheIndex, createController, done, requeueAfter, watchKind, type ControllerOptions, type ReconcileContext } from '@kubeception/sdk/runtime';
import type { KubeObject, Persisted } from '@kubeception/sdk';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type RuntimeHarness } from './harness.js';

type CM = ConfigMap & KubeObject;
let h: RuntimeHarness;
beforeEach(async () => (h = await startHarness()));
afterEach(() => h.stop());

const cms = () => h.kube.resource(ConfigMapResource);
const create = async (name: string, data: Record<string, string> = {}, labels: Record<string, string> = {}) =>
  (await cms().create({ metadata: { name, namespace: 'default', labels }, data }))._unsafeUnwrap();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const watched = (name: string) => `default/${name}`;
/** Starts one controller of the ConfigMaps in `default`. */
const startOnConfigMaps = <E>(options: Omit<ControllerOptions<CM, CM, E>, 'resource' | 'namespace'>) =>
  h.start([createController({ resource: ConfigMapResource, namespace: 'default', ...options })]);

describe('controller', () => {
  it('reconciles each object with its current state from the cache', async () => {
    const seen: string[] = [];
    await create('a', { v: '1' });
    startOnConfigMaps({
      name: 'c',
      reconcile: (o) => (seen.push(`${o.metadata.name}:${o.data?.v}`), okAsync(done())),
    });
    await expect.poll(() => seen).toContain('a:1');
    await cms().patch('a', { type: 'merge', body: { data: { v: '2' } } }, { namespace: 'default' });
    await expect.poll(() => seen).toContain('a:2');
  });

  it("defines its indexes before the first reconcile and map, on its own cache and on another kind's", async () => {
    await create('cfg', { team: 'blue' });
    (await h.kube.resource(SecretResource).create({ metadata: { name: 'key', namespace: 'default', labels: { team: 'blue' } }, data: {} }))._unsafeUnwrap();
    const found: string[] = [];
    startOnConfigMaps({
      name: 'indexed',
      indexes: [
        cacheIndex({ resource: ConfigMapResource, name: 'team', fn: (o: Persisted<CM>) => (o.data?.team ? [o.data.team] : []) }),
        cacheIndex({ resource: SecretResource, name: 'team', fn: (o) => (o.metadata.labels?.team ? [o.metadata.labels.team] : []) }),
      ],
      // a lookup through an undefined index throws: these run from the very first event
      watches: [
        watchKind({
          resource: SecretResource,
          map: (secret, configs) => configs.byIndex('team', secret.metadata.labels?.team ?? '').map((c) => `default/${c.metadata.name}`),
        }),
      ],
      reconcile: (o, ctx) => {
        found.push(
          ...ctx
            .cache(SecretResource)
            .byIndex('team', o.data?.team ?? '')
            .map((k) => `${o.metadata.name}->${k.metadata.name}`),
        );
        return okAsync(done());
      },
    });
    await expect.poll(() => found).toContain('cfg->key');
  });

  it('1,000 updates during one reconcile cause at most 2 more reconciles, never two at once', async () => {
    await create('hot', { n: '0' });
    let running = 0;
    let overlap = false;
    let calls = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    startOnConfigMaps({
      name: 'hot',
      concurrency: 4,
      reconcile: (o) => {
        calls++;
        running++;
        if (running > 1) overlap = true;
        const wait = o.data?.n === '0' ? gate : Promise.resolve();
        return ResultAsync.fromSafePromise(wait.then(() => (running--, done())));
      },
    });
    await expect.poll(() => calls).toBe(1);
    for (let i = 1; i <= 1000; i++) await cms().patch('hot', { type: 'merge', body: { data: { n: String(i) } } }, { namespace: 'default' });
    release();
    await sleep(300);
    expect(overlap).toBe(false);
    expect(calls - 1).toBeGreaterThanOrEqual(1);
    expect(calls - 1).toBeLessThanOrEqual(2);
  }, 30_000);

  it('runs at most `concurrency` reconciles at once', async () => {
    for (let i = 0; i < 12; i++) await create(`p${i}`);
    let running = 0;
    let peak = 0;
    startOnConfigMaps({
      name: 'par',
      concurrency: 3,
      reconcile: () => {
        peak = Math.max(peak, ++running);
        return ResultAsync.fromSafePromise(sleep(20).then(() => (running--, done())));
      },
    });
    await expect.poll(() => running === 0 && peak > 0).toBe(true);
    await sleep(200);
    expect(peak).toBe(3);
  });

  it('backs off per key on errors, longer after each failure', async () => {
    await create('flaky');
    const times: number[] = [];
    startOnConfigMaps({
      name: 'flaky',
      queue: { backoff: { baseMs: 20, maxMs: 10_000, jitter: 0 }, retryRateLimit: { qps: 0, burst: 0 } },
      reconcile: () => (times.push(performance.now()), times.length <= 4 ? errAsync({ kind: 'Boom' }) : okAsync(done())),
    });
    await expect.poll(() => times.length, { timeout: 5000 }).toBe(5);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    // each retry waits at least its doubled backoff (20, 40, 80, 160 ms); timers never fire early,
    // while a loaded machine may only make them later, so only the lower bounds are asserted
    for (const [i, gap] of gaps.entries()) expect(gap).toBeGreaterThanOrEqual(20 * 2 ** i - 2);
  });

  it('does not retry terminal errors', async () => {
    await create('terminal');
    let calls = 0;
    startOnConfigMaps({
      name: 't',
      reconcile: () => (calls++, errAsync({ kind: 'Bad', terminal: true as const })),
    });
    await expect.poll(() => calls).toBe(1);
    await sleep(200);
    expect(calls).toBe(1);
  });

  it('catches exceptions thrown by reconcile and retries', async () => {
    await create('thrower');
    let calls = 0;
    startOnConfigMaps({
      name: 'throw',
      queue: { backoff: { baseMs: 5, jitter: 0 } },
      reconcile: () => {
        if (++calls < 3) throw new Error('bug in user code');
        return okAsync(done());
      },
    });
    await expect.poll(() => calls).toBe(3);
  });

  it('aborts a reconcile that exceeds its timeout; once it ends the key is retried', async () => {
    await create('slow');
    const signals: AbortSignal[] = [];
    startOnConfigMaps({
      name: 'slow',
      reconcileTimeoutMs: 50,
      queue: { backoff: { baseMs: 5, jitter: 0 } },
      reconcile: (_o, ctx) => {
        signals.push(ctx.signal);
        if (signals.length > 1) return okAsync(done());
        // a reconcile that honours its signal: it ends when aborted
        return ResultAsync.fromSafePromise(new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()))).andThen(() =>
          errAsync({ kind: 'Aborted' }),
        );
      },
    });
    await expect.poll(() => signals.length, { timeout: 3000 }).toBe(2);
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[1]?.aborted).toBe(false);
  });

  it('requeues after the time asked for', async () => {
    await create('later');
    let calls = 0;
    startOnConfigMaps({
      name: 'later',
      reconcile: () => (calls++, okAsync(calls < 3 ? requeueAfter(30) : done())),
    });
    await expect.poll(() => calls).toBe(3);
  });

  it('skips paused objects (annotation)', async () => {
    await await cms().create({ metadata: { name: 'paused', namespace: 'default', annotations: { 'kubeception.io/paused': 'true' } } });
    await create('active');
    const seen: string[] = [];
    startOnConfigMaps({ name: 'pause', reconcile: (o) => (seen.push(o.metadata.name), okAsync(done())) });
    await expect.poll(() => seen).toContain('active');
    await sleep(100);
    expect(seen).not.toContain('paused');
  });

  it('reconciles the owner when an owned object changes, and maps watched kinds', async () => {
    const owner = await create('owner');
    const seen: string[] = [];
    startOnConfigMaps({
      name: 'owns',
      owns: [SecretResource],
      watches: [{ resource: SecretResource, map: (s: Persisted<KubeObject>) => (s.metadata.labels?.for ? [watched(s.metadata.labels.for)] : []) }],
      reconcile: (o, ctx: ReconcileContext<CM>) => (seen.push(`${o.metadata.name}@${ctx.controller}`), okAsync(done())),
    });
    await expect.poll(() => seen.length).toBe(1);
    const ownerRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid, controller: true };
    await h.kube.resource(SecretResource).create({ metadata: { name: 's1', namespace: 'default', ownerReferences: [ownerRef] } });
    await expect.poll(() => seen.length).toBe(2);
    await create('other');
    await expect.poll(() => seen.length).toBe(3);
    await h.kube.resource(SecretResource).create({ metadata: { name: 's2', namespace: 'default', labels: { for: 'other' } } });
    await expect.poll(() => seen.filter((s) => s.startsWith('other')).length).toBe(2);
  });

  it('reconciles the keys an event source outside the API server names, until the controller stops', async () => {
    await create('ext');
    const seen: string[] = [];
    let enqueue: (key: string) => void = () => {};
    let stopped: AbortSignal | undefined;
    startOnConfigMaps({
      name: 'sourced',
      sources: [(add, signal) => ((enqueue = add), (stopped = signal))],
      reconcile: (o) => (seen.push(o.metadata.name), okAsync(done())),
    });
    await expect.poll(() => seen).toEqual(['ext']);
    enqueue(watched('ext'));
    await expect.poll(() => seen).toEqual(['ext', 'ext']);
    enqueue(watched('missing')); // a key with no object: nothing to reconcile
    await sleep(100);
    expect(seen).toEqual(['ext', 'ext']);
    expect(stopped?.aborted).toBe(false);
  });

  it('does not reconcile again after its own status-only writes (custom predicate for ConfigMaps: data)', async () => {
    await create('quiet');
    let calls = 0;
    startOnConfigMaps({
      name: 'quiet',
      predicate: (prev, next) => JSON.stringify(prev?.data) !== JSON.stringify(next.data),
      reconcile: () => (calls++, okAsync(done())),
    });
    await expect.poll(() => calls).toBe(1);
    await cms().patch('quiet', { type: 'merge', body: { metadata: { labels: { x: '1' } } } }, { namespace: 'default' });
    await sleep(150);
    expect(calls).toBe(1);
    await cms().patch('quiet', { type: 'merge', body: { data: { y: '1' } } }, { namespace: 'default' });
    await expect.poll(() => calls).toBe(2);
  });
});

describe('read your own writes', () => {
  /**
   * A reconcile that counts `data.count` up to a target, one step per pass, each pass requeued
   * at once. The cache is held stale: the watch is dropped and its reconnect delayed, so the
   * events of the controller's own writes arrive only much later. Each pass must start from the
   * previous pass's write, not from the stale cache (which would count 0 → 1 again and again).
   */
  it('a reconcile starts from the object its previous pass wrote, while the cache does not show it yet', async () => {
    await create('counter', { count: '0' });
    const seen: string[] = [];
    let target = 0;
    let enqueue: (key: string) => void = () => {};
    const controller = createController({
      name: 'counter',
      resource: ConfigMapResource,
      namespace: 'default',
      sources: [(add) => (enqueue = add)],
      reconcile: (cm, ctx) => {
        const count = Number(cm.data?.count ?? '0');
        seen.push(String(count));
        if (count >= target) return okAsync(done());
        return ctx.client
          .patch(cm.metadata.name, { type: 'merge', body: { data: { count: String(count + 1) } } }, { namespace: 'default' })
          .map(() => requeueAfter(1));
      },
    });
    h.start([controller]);
    await expect.poll(() => seen).toEqual(['0']);
    // from here on, what the controller writes reaches its cache only after the watch comes back (10 s)
    h.fake.faults.latency({ verb: 'watch', resource: 'configmaps', ms: 10_000 });
    h.fake.faults.dropWatches();
    target = 3;
    enqueue('default/counter');
    await expect.poll(() => seen, { timeout: 5_000 }).toEqual(['0', '0', '1', '2', '3']);
    expect((await cms().get('counter', { namespace: 'default' }))._unsafeUnwrap().data).toEqual({ count: '3' });
  });
});

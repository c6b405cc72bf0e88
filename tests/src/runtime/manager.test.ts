import { CertificateResource } from '@kubeception/sdk';
import { ConfigMapResource, EventResource } from '@kubeception/sdk/kube';
import { createController, createEventRecorder, done } from '@kubeception/sdk/runtime';
import { okAsync } from 'neverthrow';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type RuntimeHarness } from './harness.js';

let h: RuntimeHarness;
beforeEach(async () => (h = await startHarness()));
afterEach(() => h.stop());

const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, text: await res.text() };
};

/** What /metrics shows of the controller `m` and the lease `metrics-test`: controller-runtime's, client-go's work queue and leader election names. */
const METRICS: Readonly<Record<string, readonly string[]>> = {
  controller_runtime_: [
    'reconcile_errors_total',
    'reconcile_time_seconds_bucket',
    'max_concurrent_reconciles{controller="m"} 1',
    'active_workers{controller="m"}',
  ],
  workqueue_: [
    'depth{name="m",controller="m"}',
    'adds_total{name="m",controller="m"}',
    'queue_duration_seconds_bucket',
    'work_duration_seconds_bucket',
    'retries_total',
  ],
  leader_election_: ['master_status{name="metrics-test"} 1'],
};

describe('manager HTTP endpoint', () => {
  it('/readyz answers 503 until the caches have synced, then 200; /healthz 200', async () => {
    h.fake.faults.pause();
    const manager = h.start([createController({ name: 'ready', resource: CertificateResource, reconcile: () => okAsync(done()) })], {
      http: { port: 0 },
      leaderElection: false,
    });
    await expect.poll(() => manager.url()).toBeDefined();
    const url = manager.url() as string;
    expect(await get(`${url}/healthz`)).toEqual({ status: 200, text: 'ok' });
    const waiting = await get(`${url}/readyz`);
    expect(waiting.status).toBe(503);
    expect(waiting.text).toContain('certificates');
    h.fake.faults.resume();
    await expect.poll(async () => (await get(`${url}/readyz`)).status).toBe(200);
  });

  it('/metrics exposes controller-runtime metric names with values that move', async () => {
    const manager = h.start([createController({ name: 'm', resource: ConfigMapResource, namespace: 'default', reconcile: () => okAsync(done()) })], {
      http: { port: 0 },
      leaderElection: { name: 'metrics-test', namespace: 'default', retryPeriodMs: 100 },
    });
    await expect.poll(() => manager.leading()).toBe(true);
    for (let i = 0; i < 3; i++) await h.kube.resource(ConfigMapResource).create({ metadata: { name: `m${i}`, namespace: 'default' } });
    const metrics = async () => (await get(`${manager.url() as string}/metrics`)).text;
    await expect.poll(async () => /controller_runtime_reconcile_total\{controller="m",result="success"\} ([3-9]|\d\d)/.test(await metrics())).toBe(true);
    const text = await metrics();
    for (const [prefix, names] of Object.entries(METRICS)) for (const name of names) expect(text).toContain(prefix + name);
  });

  it("logs at info what controller-runtime's manager does: where it serves, the Lease, each controller's workers, its stop", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const controller = createController({
      name: 'logged',
      resource: ConfigMapResource,
      namespace: 'default',
      concurrency: 2,
      reconcile: () => okAsync(done()),
    });
    const manager = h.start([controller], {
      http: { port: 0, probes: { port: 0 } },
      leaderElection: { name: 'logged', namespace: 'default', retryPeriodMs: 100 },
      logger,
    });
    await expect.poll(() => manager.leading()).toBe(true);
    await manager.stop();
    expect(lines.map(({ msg, controller: name, lease, workers }) => ({ msg, name, lease, workers }))).toEqual([
      { msg: 'serving metrics and probes', name: undefined, lease: undefined, workers: undefined },
      { msg: 'attempting to acquire leader lease', name: undefined, lease: 'default/logged', workers: undefined },
      { msg: 'acquired leader lease', name: undefined, lease: 'default/logged', workers: undefined },
      { msg: 'starting workers', name: 'logged', lease: undefined, workers: 2 },
      { msg: 'stopped leading', name: undefined, lease: 'default/logged', workers: undefined },
      { msg: 'stopped', name: undefined, lease: undefined, workers: undefined },
    ]);
    expect(lines[0]).toMatchObject({ level: 30, metricsUrl: manager.url(), probesUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
  });

  it('stops in-flight work within the shutdown timeout', async () => {
    await h.kube.resource(ConfigMapResource).create({ metadata: { name: 'busy', namespace: 'default' } });
    let started = false;
    const manager = h.start(
      [createController({ name: 'busy', resource: ConfigMapResource, namespace: 'default', reconcile: () => ((started = true), okAsync(done())) })],
      { shutdownTimeoutMs: 200 },
    );
    await expect.poll(() => started).toBe(true);
    const t = performance.now();
    await manager.stop();
    expect(performance.now() - t).toBeLessThan(2000);
  });
});

describe('event recorder', () => {
  it('writes a core/v1 Event and folds repeats into its count', async () => {
    const cm = (
      await h.kube.resource(ConfigMapResource).create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'evented', namespace: 'default' } })
    )._unsafeUnwrap();
    const recorder = createEventRecorder(h.kube, { component: 'test-operator' });
    await recorder.record(cm, { type: 'Normal', reason: 'Synced', message: 'all good' });
    await recorder.record(cm, { type: 'Normal', reason: 'Synced', message: 'all good' });
    await recorder.record(cm, { type: 'Warning', reason: 'Failed', message: 'oops' });
    const events = (await h.kube.resource(EventResource).list({ namespace: 'default' }))._unsafeUnwrap().items;
    const synced = events.find((e) => e.reason === 'Synced');
    expect(events).toHaveLength(2);
    expect(synced).toMatchObject({
      count: 2,
      type: 'Normal',
      involvedObject: { kind: 'ConfigMap', name: 'evented', uid: cm.metadata.uid },
      source: { component: 'test-operator' },
    });
  });

  it('drops events past the per-object burst', async () => {
    const cm = (
      await h.kube.resource(ConfigMapResource).create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'noisy', namespace: 'default' } })
    )._unsafeUnwrap();
    const recorder = createEventRecorder(h.kube, { component: 'test-operator', burst: 3 });
    for (let i = 0; i < 10; i++) await recorder.record(cm, { type: 'Normal', reason: 'Tick', message: `tick ${i}` });
    expect((await h.kube.resource(EventResource).list({ namespace: 'default' }))._unsafeUnwrap().items).toHaveLength(3);
  });
});

/**
 * The families a controller-runtime user expects beyond the reconcile and work queue basics,
 * scraped from `/metrics` of a manager on the fake API server: panics, terminal errors, the work
 * queue's unfinished work, client-go's REST client requests, the process and Node.js runtime;
 * and `/livez`, which neither leadership nor caches hold.
 */
import { ConfigMapResource, createKubeClient, type KubeError } from '@kubeception/sdk/kube';
import { createController, done, type Controller, type Manager } from '@kubeception/sdk/runtime';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type RuntimeHarness } from './harness.js';
import { parseSamples, sumOf, type Sample } from './metric-samples.js';

let h: RuntimeHarness;
beforeEach(async () => (h = await startHarness()));
afterEach(() => h.stop());

/** The samples of `/metrics` of `manager`. */
const scrape = async (manager: Manager): Promise<Sample[]> => parseSamples(await (await fetch(`${manager.url() as string}/metrics`)).text());

/** The sum of the samples of `name` whose labels include `labels` (undefined when there are none). */
const metric = async (manager: Manager, name: string, labels: Readonly<Record<string, string>> = {}) => sumOf(await scrape(manager), name, labels);

const get = async (url: string) => (await fetch(url)).status;
const createConfigMap = (name: string) => h.kube.resource(ConfigMapResource).create({ metadata: { name, namespace: 'default' } });
const configMapController = (name: string, reconcile: Parameters<typeof createController>[0]['reconcile']): Controller =>
  createController({ name, resource: ConfigMapResource, namespace: 'default', reconcile });
const started = async (controllers: readonly Controller[], userAgent = 'metrics-test'): Promise<Manager> => {
  const kube = createKubeClient({ kubeConfig: h.fake.kubeConfig, qps: 0, retry: { maxAttempts: 1 }, userAgent });
  const manager = h.start(controllers, { http: { port: 0 }, kube });
  await expect.poll(() => manager.url()).toBeDefined();
  return manager;
};

describe('controller-runtime families', () => {
  it('counts a reconcile that throws as a panic (and an error), and the controller keeps reconciling', async () => {
    const reconciled = new Set<string>();
    let thrown = false;
    const manager = await started([
      configMapController('panics', (cm) => {
        if (cm.metadata.name === 'boom' && !thrown) throw ((thrown = true), new Error('a bug'));
        reconciled.add(cm.metadata.name);
        return okAsync(done());
      }),
    ]);
    expect(await metric(manager, 'controller_runtime_reconcile_panics_total', { controller: 'panics' })).toBe(0);
    await createConfigMap('boom');
    await expect.poll(() => reconciled.has('boom')).toBe(true); // retried with backoff, like an error
    await createConfigMap('after');
    await expect.poll(() => reconciled.has('after')).toBe(true);
    expect(await metric(manager, 'controller_runtime_reconcile_panics_total', { controller: 'panics' })).toBe(1);
    expect(await metric(manager, 'controller_runtime_reconcile_errors_total', { controller: 'panics' })).toBe(1);
    expect(await metric(manager, 'controller_runtime_terminal_reconcile_errors_total', { controller: 'panics' })).toBe(0);
  });

  it('counts a terminal error (`terminal: true`) as terminal, and does not requeue it', async () => {
    let calls = 0;
    const manager = await started([configMapController('terminal', () => (calls++, errAsync({ kind: 'Refused', terminal: true as const })))]);
    await createConfigMap('refused');
    await expect.poll(() => metric(manager, 'controller_runtime_terminal_reconcile_errors_total', { controller: 'terminal' })).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300)); // a retry would come after 5 ms
    expect(calls).toBe(1);
    expect(await metric(manager, 'controller_runtime_reconcile_errors_total', { controller: 'terminal' })).toBe(1);
    expect(await metric(manager, 'workqueue_retries_total', { controller: 'terminal' })).toBe(0);
    expect(await metric(manager, 'controller_runtime_reconcile_panics_total', { controller: 'terminal' })).toBe(0);
  });

  it('reports the work in flight at scrape time: unfinished work and the longest running processor', async () => {
    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const labels = { name: 'slow', controller: 'slow' };
    const manager = await started([configMapController('slow', () => ResultAsync.fromSafePromise(blocked).map(() => done()))]);
    expect(await metric(manager, 'workqueue_longest_running_processor_seconds', labels)).toBe(0);
    await createConfigMap('stuck');
    await expect.poll(() => metric(manager, 'workqueue_longest_running_processor_seconds', labels)).toBeGreaterThan(0.1);
    const [longest, unfinished] = [
      await metric(manager, 'workqueue_longest_running_processor_seconds', labels),
      await metric(manager, 'workqueue_unfinished_work_seconds', labels),
    ];
    expect(unfinished).toBeGreaterThanOrEqual((longest ?? 0) - 0.05); // one key in flight: the same time (a few ms apart)
    release();
    await expect.poll(() => metric(manager, 'workqueue_unfinished_work_seconds', labels)).toBe(0);
    expect(await metric(manager, 'workqueue_longest_running_processor_seconds', labels)).toBe(0);
  });
});

describe("client-go's REST client families", () => {
  it("counts every request of the manager's client by code, method and host, lists and watches included", async () => {
    const host = new URL(h.fake.url).host;
    const missing = (error: KubeError) => (error.kind === 'NotFound' ? okAsync(done()) : errAsync(error));
    const manager = await started([
      configMapController('client', (cm, ctx) =>
        ctx.kube.resource(ConfigMapResource).get(`${cm.metadata.name}-missing`, { namespace: 'default' }).map(done).orElse(missing),
      ),
    ]);
    await createConfigMap('asks');
    const logged = (filter: { method: string; code: number; verb?: string }) => h.fake.requests.filter({ userAgent: 'metrics-test', ...filter }).length;
    await expect.poll(() => metric(manager, 'rest_client_requests_total', { code: '404', method: 'GET', host })).toBe(1);
    expect(logged({ method: 'GET', code: 200, verb: 'list' })).toBeGreaterThanOrEqual(1);
    expect(logged({ method: 'GET', code: 200, verb: 'watch' })).toBeGreaterThanOrEqual(1);
    // the metric counts what the server answered this client: lists and watches (GET 200) and the reconcile's get (GET 404)
    await expect.poll(() => metric(manager, 'rest_client_requests_total', { code: '200', method: 'GET', host })).toBe(logged({ method: 'GET', code: 200 }));
    expect(logged({ method: 'GET', code: 404 })).toBe(1);
    expect(await metric(manager, 'rest_client_request_duration_seconds_count', { verb: 'GET', host })).toBe(
      await metric(manager, 'rest_client_requests_total', { method: 'GET', host }),
    );
    expect(await metric(manager, 'rest_client_response_size_bytes_count', { verb: 'GET', host })).toBeGreaterThanOrEqual(2);
    expect(await metric(manager, 'rest_client_request_size_bytes_count', { verb: 'GET', host })).toBeGreaterThanOrEqual(2);
  });
});

describe('process and Node.js runtime families', () => {
  it("are on each manager's registry", async () => {
    const idle = (name: string) => configMapController(name, () => okAsync(done()));
    const managers = [await started([idle('one')]), await started([idle('two')])];
    for (const manager of managers) {
      for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds', 'nodejs_heap_size_used_bytes']) {
        expect(await metric(manager, name)).toBeGreaterThan(0);
      }
      expect(await metric(manager, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
      expect(await metric(manager, 'nodejs_version_info')).toBe(1);
    }
  });
});

describe('/livez', () => {
  it('answers 200 while the manager runs, whether or not it leads or its caches synced', async () => {
    h.fake.faults.pause(); // no list answers: caches never sync, and the lease cannot be taken
    const unsynced = await started([configMapController('unsynced', () => okAsync(done()))]);
    const kube = createKubeClient({ kubeConfig: h.fake.kubeConfig, qps: 0, retry: { maxAttempts: 1 } });
    const standby = h.start([], { http: { port: 0 }, kube, leaderElection: { name: 'livez', namespace: 'default', retryPeriodMs: 100 } });
    await expect.poll(() => standby.url()).toBeDefined();
    expect(await get(`${unsynced.url() as string}/readyz`)).toBe(503);
    expect(standby.leading()).toBe(false);
    for (const manager of [unsynced, standby]) {
      expect(await get(`${manager.url() as string}/livez`)).toBe(200);
      expect(await get(`${manager.url() as string}/healthz`)).toBe(200);
    }
    h.fake.faults.resume();
    const url = unsynced.url() as string;
    await unsynced.stop();
    await expect(fetch(`${url}/livez`)).rejects.toThrow(); // a stopped manager serves nothing
  });
});

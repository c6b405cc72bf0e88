/**
 * The simulated host: pods scheduled and started per second (bare pods created through the API,
 * until every one is Running and Ready on one of the nodes). Baseline, same run, same clients and
 * concurrency: the raw cost of the same API writes per pod without the simulation against a plain
 * fake API server: the create over HTTP, as this bench makes it, then what the simulation writes
 * through the server's in-process client (bind by patching `spec.nodeName`, `PodScheduled=True`,
 * Running status).
 */
import { createKubeClient, PodResource, type Pod } from '@kubeception/sdk/kube';
import { startFakeKube, startSimulatedHost } from '@kubeception/testing';
import type { Figure } from './figure.js';

const PARALLEL = 64;

const pod = (i: number): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `p-${i}`, namespace: 'default', labels: { app: 'bench' } },
  spec: { containers: [{ name: 'c', image: 'app:1', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
});

async function inParallel(count: number, work: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/** The same writes the simulation makes per pod, without any simulation. */
async function baseline(count: number, nodes: number): Promise<number> {
  const kube = await startFakeKube({ gracefulPodDeletion: true });
  const created = createKubeClient({ kubeConfig: kube.kubeConfig, qps: 0 }).resource(PodResource);
  const pods = kube.localClient({ fieldManager: 'kubeception-simulated-host' }).resource(PodResource);
  const at = new Date().toISOString();
  const started = performance.now();
  await inParallel(count, async (i) => {
    (await created.create(pod(i)))._unsafeUnwrap();
    (await pods.patch(`p-${i}`, { type: 'merge', body: { spec: { nodeName: `node-${(i % nodes) + 1}` } } }))._unsafeUnwrap();
    (
      await pods.patchStatus(`p-${i}`, { type: 'merge', body: { status: { conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: at }] } } })
    )._unsafeUnwrap();
    const status = {
      phase: 'Running',
      podIP: '10.244.0.2',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: at }],
      containerStatuses: [{ name: 'c', ready: true, restartCount: 0, image: 'app:1', imageID: '', state: { running: { startedAt: at } } }],
    };
    (await pods.patchStatus(`p-${i}`, { type: 'json', ops: [{ op: 'replace', path: '/status', value: status }] }))._unsafeUnwrap();
  });
  const rate = (count / (performance.now() - started)) * 1000;
  await kube.stop();
  return rate;
}

async function simulated(count: number, nodes: number): Promise<number> {
  const host = await startSimulatedHost({ nodes, bookmarkIntervalMs: 20 });
  const pods = createKubeClient({ kubeConfig: host.kubeConfig, qps: 0 }).resource(PodResource);
  const started = performance.now();
  await inParallel(count, async (i) => (await pods.create(pod(i)))._unsafeUnwrap());
  await host.settle({ timeoutMs: 600_000 });
  const elapsed = performance.now() - started;
  const listed = (await pods.list({ namespace: 'default', labelSelector: 'app=bench' }))._unsafeUnwrap().items;
  const running = listed.filter((p) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
  await host.stop();
  if (running !== count) throw new Error(`simulated host: ${running} of ${count} pods running`);
  return (count / elapsed) * 1000;
}

/** Runs the benchmark: 5,000 pods on 100 nodes (quick: 500 on 10). */
export async function run({ quick }: { quick: boolean }): Promise<Figure[]> {
  const [count, nodes] = quick ? [500, 10] : [5_000, 100];
  const base = await baseline(count, nodes);
  const value = await simulated(count, nodes);
  return [{ name: `simulated host: pods scheduled+started (${count} pods, ${nodes} nodes)`, value, unit: 'pods/s', baseline: base, ratio: value / base }];
}

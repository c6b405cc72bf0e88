import type { V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulatedClock, type SimulatedClock } from './clock.js';
import { startSimulatedHost, type SimulatedHost } from './host.js';
import { clients, deployment, isRunningReady, podsOf, watchPods } from './test-fixtures.js';

let host: SimulatedHost | undefined;
let clock: SimulatedClock;
afterEach(async () => {
  await host?.stop();
  host = undefined;
});

const hashOf = (p: V1Pod) => p.metadata?.labels?.['pod-template-hash'] ?? '';
const live = (pods: ReadonlyMap<string, V1Pod>) => [...pods.values()].filter((p) => p.metadata?.deletionTimestamp === undefined);

async function start(name: string, strategy: object): Promise<SimulatedHost> {
  clock = createSimulatedClock();
  host = await startSimulatedHost({ nodes: 3, clock });
  await clients(host).apps.createNamespacedDeployment({ namespace: 'default', body: deployment(name, 3, { strategy }) });
  await host.settle();
  expect((await podsOf(host, name)).filter(isRunningReady)).toHaveLength(3);
  return host;
}

const newImage = (name: string) => [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: `registry.example/${name}:2` }];

describe('Deployment rollouts', () => {
  it('RollingUpdate (maxSurge 1, maxUnavailable 0) never has more than 4 pods or fewer than 3 available', async () => {
    const h = await start('web', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    const before = new Set((await podsOf(h, 'web')).map(hashOf));
    const seen = new Set<string>();
    const watch = await watchPods(h, 'web', (pods) => {
      live(pods).forEach((p) => seen.add(hashOf(p)));
      const running = live(pods).length;
      const available = live(pods).filter(isRunningReady).length;
      if (running > 4) return `${running} pods (max 4)`;
      if (available < 3) return `${available} available (min 3)`;
      return undefined;
    });
    await h.settle();
    await clients(h).apps.patchNamespacedDeployment({ namespace: 'default', name: 'web', body: newImage('web') });
    await h.settle();
    await clock.advance(30_000); // old pods finish their 30 s grace period
    await h.settle();
    watch.stop();
    const after = await podsOf(h, 'web');
    expect(after.filter(isRunningReady)).toHaveLength(3);
    expect(after).toHaveLength(3);
    expect(new Set(after.map(hashOf)).size).toBe(1);
    expect(before.has(hashOf(after[0]!))).toBe(false);
    expect(seen.size).toBe(2);
    expect(watch.events()).toBeGreaterThan(10);
    expect(watch.violations).toEqual([]);
    const d = await clients(h).apps.readNamespacedDeployment({ namespace: 'default', name: 'web' });
    expect(d.status).toMatchObject({ observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(d.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  });

  it('RollingUpdate with maxSurge 0 and maxUnavailable 1 keeps at most 3 pods and at least 2 available', async () => {
    const h = await start('api', { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    const watch = await watchPods(h, 'api', (pods) => {
      const running = live(pods).length;
      const available = live(pods).filter(isRunningReady).length;
      return running > 3 ? `${running} pods (max 3)` : available < 2 ? `${available} available (min 2)` : undefined;
    });
    await h.settle();
    await clients(h).apps.patchNamespacedDeployment({ namespace: 'default', name: 'api', body: newImage('api') });
    await h.settle();
    watch.stop();
    expect(
      (await podsOf(h, 'api')).filter((p) => p.metadata?.deletionTimestamp === undefined && isRunningReady(p)).map((p) => p.spec?.containers[0]?.image),
    ).toEqual(Array(3).fill('registry.example/api:2'));
    expect(watch.violations).toEqual([]);
  });

  it('Recreate never has old and new pods at the same time', async () => {
    const h = await start('db', { type: 'Recreate' });
    const oldHash = hashOf((await podsOf(h, 'db'))[0]!);
    const watch = await watchPods(h, 'db', (pods) => {
      const hashes = new Set([...pods.values()].map(hashOf));
      return hashes.size > 1 ? `old and new pods together: ${[...pods.keys()].join(', ')}` : undefined;
    });
    await h.settle();
    await clients(h).apps.patchNamespacedDeployment({ namespace: 'default', name: 'db', body: newImage('db') });
    await h.settle();
    const terminating = await podsOf(h, 'db');
    expect(terminating.every((p) => p.metadata?.deletionTimestamp !== undefined && hashOf(p) === oldHash)).toBe(true);
    await clock.advance(30_000);
    await h.settle();
    watch.stop();
    const after = await podsOf(h, 'db');
    expect(after.filter(isRunningReady)).toHaveLength(3);
    expect(after.every((p) => hashOf(p) !== oldHash)).toBe(true);
    expect(watch.violations).toEqual([]);
  });
});

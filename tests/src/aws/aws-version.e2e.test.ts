/** Changing the Kubernetes version replaces every instance, one node at a time, masters first. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { awsCluster, ownerTagOf, startAwsWorld, type AwsWorld } from './aws-world.js';

let world: AwsWorld;
beforeAll(async () => (world = await startAwsWorld()));
afterAll(() => world.stop());

const liveInstances = () =>
  world.fakeEc2.state.instances().filter((i) => i.tags[ownerTagOf('versioned')] === 'owned' && i.state !== 'shutting-down' && i.state !== 'terminated');

it('replaces every instance one node at a time, masters first, the new one running before the old goes', async () => {
  (await world.clusters().create(awsCluster('versioned', {}, 2, { version: '1.32.5' }) as never))._unsafeUnwrap();
  const ready = async () => (await world.clusters().get('versioned', { namespace: 'default' }))._unsafeUnwrap().status?.phase === 'Ready';
  await expect.poll(ready, { timeout: 45_000, interval: 50 }).toBe(true);
  const before = new Set(liveInstances().map((i) => i.id));
  expect(before.size).toBe(3);

  let mostNodesInReplacement = 0;
  let fewestRunning = Infinity;
  const sampler = setInterval(() => {
    const perNode = new Map<string, number>();
    for (const i of liveInstances()) perNode.set(i.tags['kubeception.io/node'] ?? '', (perNode.get(i.tags['kubeception.io/node'] ?? '') ?? 0) + 1);
    mostNodesInReplacement = Math.max(mostNodesInReplacement, [...perNode.values()].filter((n) => n > 1).length);
    fewestRunning = Math.min(fewestRunning, liveInstances().filter((i) => i.state === 'running').length);
  }, 2);
  world.fakeEc2.requests.clear();
  (
    await world.clusters().patch('versioned', { type: 'merge', body: { spec: { kubernetes: { version: '1.33.1' } } } }, { namespace: 'default' })
  )._unsafeUnwrap();
  await expect
    .poll(async () => (await ready()) && liveInstances().every((i) => !before.has(i.id)) && liveInstances().length === 3, { timeout: 60_000, interval: 50 })
    .toBe(true);
  clearInterval(sampler);

  expect(mostNodesInReplacement).toBeLessThanOrEqual(1); // never two nodes replaced at once
  expect(fewestRunning).toBeGreaterThanOrEqual(3); // a node's new instance runs before its old one goes
  const nodeOf = (params: Readonly<Record<string, string>>) => {
    const key = Object.entries(params).find(([k, v]) => /^TagSpecification\.1\.Tag\.\d+\.Key$/.test(k) && v === 'kubeception.io/node')?.[0];
    return key ? params[key.replace(/Key$/, 'Value')] : undefined;
  };
  const launched = world.fakeEc2.requests
    .all()
    .filter((r) => r.action === 'RunInstances' && r.status === 200)
    .map((r) => nodeOf(r.params));
  expect(launched).toEqual(['versioned-master-0', 'versioned-pool-0', 'versioned-pool-1']);
  const status = (await world.clusters().get('versioned', { namespace: 'default' }))._unsafeUnwrap().status;
  expect(status?.versions).toEqual(['1.33.1', '1.32.5']);
}, 120_000);

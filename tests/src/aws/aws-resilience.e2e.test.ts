/** With eventual consistency and 20% throttling on the fake EC2, the AWS lifecycle still converges exactly. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { awsCluster, ownedBy, startAwsWorld, type AwsWorld } from './aws-world.js';

let world: AwsWorld;
beforeAll(async () => (world = await startAwsWorld()));
afterAll(() => world.stop());

const settled = async (nodes: number, version: string) => {
  await expect
    .poll(
      async () => {
        const status = (await world.clusters().get('flaky', { namespace: 'default' }))._unsafeUnwrap().status;
        const live = ownedBy(world.fakeEc2, 'flaky').filter((r) => r.type === 'instance' && (r as { state?: string }).state === 'running');
        return status?.phase === 'Ready' && status.versions?.[0] === version && live.length === nodes && status.nodes?.every((n) => n.ready) === true;
      },
      { timeout: 90_000, interval: 100 },
    )
    .toBe(true);
};

it('creates, scales, upgrades and deletes without duplicates under eventual consistency and throttling', async () => {
  world.fakeEc2.faults.eventualConsistency({ describeCalls: 3 });
  world.fakeEc2.faults.throttle({ probability: 0.2 });
  (await world.clusters().create(awsCluster('flaky', { availabilityZones: { count: 2 } }, 2, { version: '1.32.5' }) as never))._unsafeUnwrap();
  await expect
    .poll(async () => (await world.clusters().get('flaky', { namespace: 'default' }))._unsafeUnwrap().status?.phase, { timeout: 60_000, interval: 100 })
    .toBe('Ready');
  const types: Record<string, number> = {};
  for (const r of ownedBy(world.fakeEc2, 'flaky')) types[r.type] = (types[r.type] ?? 0) + 1;
  expect(types).toEqual({ vpc: 1, 'internet-gateway': 1, subnet: 4, 'route-table': 1, 'security-group': 3, instance: 3 });
  expect(world.fakeEc2.requests.all().filter((r) => r.fault === 'throttle').length).toBeGreaterThan(0);

  const current = (await world.clusters().get('flaky', { namespace: 'default' }))._unsafeUnwrap();
  (
    await world
      .clusters()
      .patch('flaky', { type: 'merge', body: { spec: { workers: current.spec.workers.map((w) => ({ ...w, replicas: 3 })) } } }, { namespace: 'default' })
  )._unsafeUnwrap();
  await settled(4, '1.32.5');
  (await world.clusters().patch('flaky', { type: 'merge', body: { spec: { kubernetes: { version: '1.33.1' } } } }, { namespace: 'default' }))._unsafeUnwrap();
  await settled(4, '1.33.1');
  const after: Record<string, number> = {};
  for (const r of ownedBy(world.fakeEc2, 'flaky')) after[r.type] = (after[r.type] ?? 0) + 1;
  expect(after).toEqual({ vpc: 1, 'internet-gateway': 1, subnet: 4, 'route-table': 1, 'security-group': 3, instance: 4 });

  (await world.clusters().delete('flaky', { namespace: 'default' }))._unsafeUnwrap();
  await expect.poll(async () => (await world.clusters().get('flaky', { namespace: 'default' })).isErr(), { timeout: 60_000, interval: 100 }).toBe(true);
  world.fakeEc2.faults.clear();
  expect(world.fakeEc2.state.userResources()).toEqual([]);
}, 300_000);

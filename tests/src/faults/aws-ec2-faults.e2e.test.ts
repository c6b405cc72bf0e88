/**
 * Fault lane: the aws-operator while EC2 answers 500 (`InternalError`) or 503 (`Unavailable`) to
 * every action, for a window from the Cluster's creation. Its EC2 requests stay capped, and once
 * the fault is lifted the Cluster converges with one of each thing it owns; under a fault during
 * delete, it goes and leaves nothing behind.
 */
import type { StartedFakeEc2 } from '@kubeception/testing';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { awsCluster, ownedBy, startAwsWorld, type AwsWorld } from '../aws/aws-world.js';
import { EC2_RATE_CAP, fakeCounts, runFaultCase } from './fault-window.js';

let world: AwsWorld;
beforeEach(async () => (world = await startAwsWorld()));
afterEach(() => world.stop());

/** Waits until the Cluster `default/name` is Ready, then counts what it owns in the fake account by type. */
async function expectAwsConverged(name: string): Promise<void> {
  const ready = async () =>
    (await world.clusters().get(name, { namespace: 'default' })).match(
      (c) => c.status?.phase === 'Ready',
      () => false,
    );
  await expect.poll(ready, { timeout: 60_000, interval: 100 }).toBe(true);
  const types: Record<string, number> = {};
  for (const r of ownedBy(world.fakeEc2, name)) types[r.type] = (types[r.type] ?? 0) + 1;
  expect(types).toEqual({ vpc: 1, 'internet-gateway': 1, subnet: 2, 'route-table': 1, 'security-group': 3, instance: 2 });
}

it.each([
  { fault: '500 InternalError', name: 'erring', inject: (ec2: StartedFakeEc2) => void ec2.faults.fail({ status: 500, times: Infinity }) },
  { fault: '503 Unavailable', name: 'unavailable', inject: (ec2: StartedFakeEc2) => void ec2.faults.fail({ status: 503, times: Infinity }) },
])(
  'EC2 $fault during create → Ready',
  async ({ fault, name, inject }) => {
    const ec2 = world.fakeEc2;
    (await world.clusters().create(awsCluster(name) as never))._unsafeUnwrap();
    await runFaultCase({
      lane: 'aws-ec2',
      fault,
      cap: EC2_RATE_CAP,
      inject: () => inject(ec2),
      ...fakeCounts(ec2, {}),
      converged: () => expectAwsConverged(name),
    });
  },
  90_000,
);

it('EC2 503 during delete: the Cluster goes, leaving nothing in the account', async () => {
  const ec2 = world.fakeEc2;
  (await world.clusters().create(awsCluster('doomed') as never))._unsafeUnwrap();
  await expectAwsConverged('doomed');
  (await world.clusters().delete('doomed', { namespace: 'default' }))._unsafeUnwrap();
  await runFaultCase({
    lane: 'aws-ec2',
    fault: '503 Unavailable during delete',
    cap: EC2_RATE_CAP,
    inject: () => void ec2.faults.fail({ status: 503, times: Infinity }),
    ...fakeCounts(ec2, {}),
    converged: async () => {
      await expect.poll(async () => (await world.clusters().get('doomed', { namespace: 'default' })).isErr(), { timeout: 60_000, interval: 100 }).toBe(true);
      expect(ec2.state.userResources()).toEqual([]);
    },
  });
}, 90_000);

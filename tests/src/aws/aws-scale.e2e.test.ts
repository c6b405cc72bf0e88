/**
 * Scaling an AWS Cluster's workers 2 → 4 → 1 → 3 (3 → 5 → 2 → 4 nodes): new instances first, then
 * removals one at a time, highest index first; nodes wanted again launch anew (docs/decisions/028).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { awsCluster, ownedBy, startAwsWorld, type AwsWorld } from './aws-world.js';

let world: AwsWorld;
beforeAll(async () => (world = await startAwsWorld()));
afterAll(() => world.stop());

const running = () => ownedBy(world.fakeEc2, 'scaled').filter((r) => r.type === 'instance' && (r as { state?: string }).state === 'running').length;
const readyWith = async (nodes: number) => {
  await expect
    .poll(
      async () => {
        const status = (await world.clusters().get('scaled', { namespace: 'default' }))._unsafeUnwrap().status;
        return status?.phase === 'Ready' && status.nodes?.length === nodes && running() === nodes;
      },
      { timeout: 45_000, interval: 100 },
    )
    .toBe(true);
};
const scaleWorkers = async (replicas: number) => {
  const current = (await world.clusters().get('scaled', { namespace: 'default' }))._unsafeUnwrap();
  const workers = current.spec.workers.map((w) => ({ ...w, replicas }));
  (await world.clusters().patch('scaled', { type: 'merge', body: { spec: { workers } } }, { namespace: 'default' }))._unsafeUnwrap();
};

it('scales 3 → 5 → 2 nodes, removing one instance at a time, highest index first', async () => {
  (await world.clusters().create(awsCluster('scaled', {}, 2) as never))._unsafeUnwrap();
  await readyWith(3);
  await scaleWorkers(4);
  await readyWith(5);
  world.fakeEc2.requests.clear();
  await scaleWorkers(1);
  await readyWith(2);
  const terminations = world.fakeEc2.requests.all().filter((r) => r.action === 'TerminateInstances' && r.status === 200);
  expect(terminations.map((r) => Object.keys(r.params).filter((k) => k.startsWith('InstanceId.')).length)).toEqual([1, 1, 1]);
  const nodeOf = new Map(world.fakeEc2.state.instances({ includeTerminated: true }).map((i) => [i.id, i.tags['kubeception.io/node']]));
  expect(terminations.map((r) => nodeOf.get(r.params['InstanceId.1'] ?? ''))).toEqual(['scaled-pool-3', 'scaled-pool-2', 'scaled-pool-1']);
  const names = (await world.clusters().get('scaled', { namespace: 'default' }))
    ._unsafeUnwrap()
    .status?.nodes?.map((n) => n.name)
    .sort();
  expect(names).toEqual(['scaled-master-0', 'scaled-pool-0']);
}, 120_000);

it('launches the nodes retired before anew when they are wanted again, 2 → 4 nodes, under new ClientTokens', async () => {
  const terminated = world.fakeEc2.state.instances({ includeTerminated: true }).filter((i) => i.state !== 'running' && i.state !== 'pending');
  await scaleWorkers(3);
  await readyWith(4);
  const live = world.fakeEc2.state.instances().filter((i) => i.state === 'running' && i.tags['kubeception.io/node']?.startsWith('scaled-'));
  expect(live.map((i) => i.tags['kubeception.io/node']).sort()).toEqual(['scaled-master-0', 'scaled-pool-0', 'scaled-pool-1', 'scaled-pool-2']);
  const spent = new Set(terminated.map((i) => i.clientToken));
  expect(spent.size).toBe(3);
  expect(live.filter((i) => spent.has(i.clientToken))).toEqual([]);
}, 120_000);

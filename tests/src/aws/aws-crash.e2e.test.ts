/**
 * Crash points: the reconcile is aborted right after each mutating EC2 call in turn (the call
 * happened, its answer is lost), then the controller carries on as a restarted one would. Every
 * run must end with exactly the desired resources, and after delete with none.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { awsCluster, ownedBy, startAwsWorld, type AwsWorld } from './aws-world.js';

const MUTATING = /^(Create|Run|Modify|Attach|Associate|Authorize|Revoke|Terminate|Delete|Detach)/;
let world: AwsWorld;
beforeAll(async () => (world = await startAwsWorld()));
afterAll(() => world.stop());

async function lifecycle(name: string): Promise<{ types: Record<string, number>; instances: number }> {
  (await world.clusters().create(awsCluster(name) as never))._unsafeUnwrap();
  await expect
    .poll(async () => (await world.clusters().get(name, { namespace: 'default' }))._unsafeUnwrap().status?.phase, { timeout: 30_000, interval: 20 })
    .toBe('Ready');
  const owned = ownedBy(world.fakeEc2, name);
  const types: Record<string, number> = {};
  for (const r of owned) types[r.type] = (types[r.type] ?? 0) + 1;
  (await world.clusters().delete(name, { namespace: 'default' }))._unsafeUnwrap();
  await expect.poll(async () => (await world.clusters().get(name, { namespace: 'default' })).isErr(), { timeout: 30_000, interval: 20 }).toBe(true);
  expect(ownedBy(world.fakeEc2, name)).toEqual([]);
  return { types, instances: types.instance ?? 0 };
}

it('converges with exactly the desired resources, and deletes them all, whatever EC2 call the reconcile dies after', async () => {
  let calls: string[] = [];
  world.setHook((name, run) => {
    if (MUTATING.test(name)) calls.push(name);
    return run();
  });
  const clean = await lifecycle('clean');
  const points = calls.length;
  expect(points).toBeGreaterThanOrEqual(30);
  expect(clean.types).toEqual({ vpc: 1, 'internet-gateway': 1, subnet: 2, 'route-table': 1, 'security-group': 3, instance: 2 });

  for (let crashAt = 1; crashAt <= points; crashAt++) {
    calls = [];
    let crashed: string | undefined;
    world.setHook(async (name, run) => {
      const result = await run();
      if (MUTATING.test(name)) {
        calls.push(name);
        if (calls.length === crashAt) {
          crashed = name;
          throw new Error(`simulated crash after ${name}`);
        }
      }
      return result;
    });
    const run = await lifecycle(`crash-${crashAt}`);
    expect(crashed, `crash point ${crashAt}`).toBeDefined();
    expect(run.types, `after a crash following ${crashed} (point ${crashAt})`).toEqual(clean.types);
  }
  world.setHook(undefined);
}, 300_000);

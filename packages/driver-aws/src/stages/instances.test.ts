/** The instance stages against the fake EC2: launches, boot tokens, replacements and retirements. */
import { TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { SecretValue } from '@kubeception/sdk';
import { okAsync } from 'neverthrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientToken } from '../client-token.js';
import { PendingCreations } from '../pending.js';
import { NODE_TAG, ownerTag } from '../plan.js';
import { instancesStage, liveInstances, retirementsStage } from './instances.js';
import { gatewayStage, routeTableStage, subnetsStage, vpcStage } from './network.js';
import { securityGroupsStage } from './security-groups.js';
import type { BootNode, BootTokens } from './stage.js';
import { AMI, startStageBench, testPlan, type StageBench } from './stage.test-support.js';

let bench: StageBench;
/** The bench of `startStageBench` (its `pendingTtlMs` and `retentionMs`), its network built. */
async function networkBench(pendingTtlMs?: number, retentionMs?: number): Promise<StageBench> {
  const started = await startStageBench('nodes', {}, pendingTtlMs, retentionMs);
  for (const stage of [vpcStage, gatewayStage, subnetsStage, routeTableStage, securityGroupsStage]) await started.converge(stage);
  return started;
}
beforeEach(async () => {
  bench = await networkBench();
});
afterEach(() => bench.close());

/** The Cluster's instances that are not terminated. */
const instances = () => bench.fake.state.instances({ tag: `${ownerTag(bench.plan.id)}=owned` }).filter((i) => i.state !== 'shutting-down');
const nodeOf = (i: { readonly tags: Readonly<Record<string, string>> }) => i.tags[NODE_TAG];
/** Boot tokens as the operator mints them: a new one for every launch. */
function bootTokens(): BootTokens {
  let minted = 0;
  return { vaultAddr: 'https://vault.example.com', mint: () => okAsync(new SecretValue(`wrapped-${++minted}`)) };
}

describe('instancesStage', () => {
  it('launches every absent node in one pass, in its subnet and group, with its ClientToken, then waits for them to run', async () => {
    const reasons = await bench.converge(instancesStage);
    expect(reasons[0]).toBe('starting 3 instances');
    expect(reasons.slice(1).every((r) => r === 'waiting for 3 instances to settle')).toBe(true);
    const world = await bench.observe();
    const launched = instances();
    expect(launched.map(nodeOf).sort()).toEqual(['nodes-master-0', 'nodes-pool-0', 'nodes-pool-1']);
    for (const node of bench.plan.nodes) {
      const instance = launched.find((i) => nodeOf(i) === node.name);
      expect(instance).toMatchObject({ clientToken: node.clientToken, subnetId: world.subnets[node.subnetRole]?.id, imageId: AMI, userData: node.userData });
      expect(instance?.securityGroupIds).toEqual([world.securityGroups[node.role === 'master' ? 'sg-master' : 'sg-worker']?.id]);
    }
  });

  it('writes each node its own boot token, waits for a launch to show, and after a restart takes one EC2 refuses for its ClientToken (another boot token) as done', async () => {
    let minted = 0;
    const asked: BootNode[] = [];
    const boot: BootTokens = { vaultAddr: 'https://vault.example.com', mint: (node) => (asked.push(node), okAsync(new SecretValue(`wrapped-${++minted}`))) };
    // the launches stay invisible to the next two passes: the first waits; the second, in a
    // process started again, launches again with new boot tokens, which EC2 refuses for the
    // ClientTokens: the launches happened
    bench.fake.faults.eventualConsistency({ describeCalls: 2, types: ['instance'] });
    expect((await bench.step(instancesStage, { boot }))?._unsafeUnwrap()).toMatchObject({ reason: 'starting 3 instances' });
    expect((await bench.step(instancesStage, { boot }))?._unsafeUnwrap()).toMatchObject({ reason: 'waiting for 3 new instances to become visible' });
    expect((await bench.step(instancesStage, { boot, pending: new PendingCreations() }))?._unsafeUnwrap()).toMatchObject({ reason: 'starting 3 instances' });
    expect(bench.fake.requests.count({ code: 'IdempotentParameterMismatch' })).toBe(3);
    expect(instances()).toHaveLength(3);
    expect(asked.slice(0, 3)).toEqual([
      { name: 'nodes-master-0', role: 'master' },
      { name: 'nodes-pool-0', role: 'worker' },
      { name: 'nodes-pool-1', role: 'worker' },
    ]);
    const master = instances().find((i) => nodeOf(i) === 'nodes-master-0');
    expect(master?.userData).toContain('/etc/kubeception/vault.env');
    expect(master?.userData).toContain('wrapped-1');
  });

  it('replaces outdated nodes one at a time, masters first, launching the new instance before the old one goes', async () => {
    await bench.converge(instancesStage);
    const bigger = testPlan('nodes', {
      aws: { instances: { master: { instanceType: 'm5.xlarge', ami: AMI }, worker: { instanceType: 'm5.xlarge', ami: AMI } } },
    });
    const reasons = await bench.converge(instancesStage, { plan: bigger });
    const moves = reasons.filter((r) => !r.startsWith('waiting'));
    expect(moves).toEqual(['nodes-master-0', 'nodes-pool-0', 'nodes-pool-1'].flatMap((node) => [`replacing ${node}`, `retiring the old ${node}`]));
    expect(instances().map((i) => i.instanceType)).toEqual(['m5.xlarge', 'm5.xlarge', 'm5.xlarge']);
    const log = bench.fake.requests.all().filter((r) => r.action === 'RunInstances' || r.action === 'TerminateInstances');
    expect(log.map((r) => r.action)).toEqual([
      'RunInstances',
      'RunInstances',
      'RunInstances',
      ...Array.from({ length: 3 }, () => ['RunInstances', 'TerminateInstances']).flat(),
    ]);
  });

  it('waits for a replacement to show instead of launching it again while EC2 does not show it yet', async () => {
    await bench.converge(instancesStage);
    const bigger = testPlan('nodes', {
      aws: { instances: { master: { instanceType: 'm5.xlarge', ami: AMI }, worker: { instanceType: 'm5.large', ami: AMI } } },
    });
    bench.fake.requests.clear();
    bench.fake.faults.eventualConsistency({ describeCalls: 2, types: ['instance'] });
    expect((await bench.step(instancesStage, { plan: bigger }))?._unsafeUnwrap()).toMatchObject({ reason: 'replacing nodes-master-0' });
    expect((await bench.step(instancesStage, { plan: bigger }))?._unsafeUnwrap()).toMatchObject({
      reason: 'waiting for the new instance of nodes-master-0 to become visible',
    });
    expect(bench.fake.requests.count({ action: 'RunInstances' })).toBe(1);
  });

  it('launches a node retired before again once it is wanted again (scaled down, then up), with boot tokens as the operator launches', async () => {
    const boot = bootTokens();
    await bench.converge(instancesStage, { boot });
    await bench.converge(retirementsStage, { plan: testPlan('nodes', { workers: 0, generation: 2 }) });
    expect(instances().map(nodeOf)).toEqual(['nodes-master-0']);
    // the terminated instances' ClientTokens stay EC2's for a day: the new generation's are others
    const again = testPlan('nodes', { workers: 2, generation: 3 });
    expect(await bench.converge(instancesStage, { plan: again, boot })).toContain('starting 2 instances');
    expect(instances().map(nodeOf).sort()).toEqual(['nodes-master-0', 'nodes-pool-0', 'nodes-pool-1']);
    const tokens = new Map(again.nodes.map((n) => [n.name, n.clientToken]));
    expect(
      instances()
        .filter((i) => nodeOf(i) !== 'nodes-master-0')
        .every((i) => i.clientToken === tokens.get(nodeOf(i) ?? '')),
    ).toBe(true);
  });

  it.each([
    ['with boot tokens (EC2: IdempotentParameterMismatch)', true],
    ['without (EC2: IdempotentInstanceTerminated)', false],
  ])('replaces an instance terminated outside the driver, with a token derived from the dead one, %s', async (_, withBoot) => {
    await bench.close();
    bench = await networkBench(undefined, 60_000);
    const options = withBoot ? { boot: bootTokens() } : {};
    await bench.converge(instancesStage, options);
    const dead = instances().find((i) => nodeOf(i) === 'nodes-pool-0');
    await bench.ec2.send(new TerminateInstancesCommand({ InstanceIds: [dead?.id ?? ''] }));
    expect(await bench.converge(instancesStage, options)).toContain('starting 1 instances');
    const replaced = instances().find((i) => nodeOf(i) === 'nodes-pool-0');
    const planned = bench.plan.nodes.find((n) => n.name === 'nodes-pool-0');
    expect(replaced?.id).not.toBe(dead?.id);
    expect(replaced?.clientToken).toBe(clientToken(planned?.clientToken ?? '', dead?.id ?? ''));
    expect(bench.fake.requests.count({ code: withBoot ? 'IdempotentParameterMismatch' : 'IdempotentInstanceTerminated' })).toBe(1);
    // a process started again derives the same token while EC2 lists the dead instance: nothing launched twice
    expect(await bench.step(instancesStage, { ...options, pending: new PendingCreations() })).toBeUndefined();
    expect(instances()).toHaveLength(3);
  });

  it('launches with a lapsed token once the dead instance is no longer listed and a launch with its token never shows', async () => {
    await bench.close();
    bench = await networkBench(50);
    const boot = bootTokens();
    await bench.converge(instancesStage, { boot });
    const dead = instances().find((i) => nodeOf(i) === 'nodes-pool-0');
    await bench.ec2.send(new TerminateInstancesCommand({ InstanceIds: [dead?.id ?? ''] }));
    await new Promise((resolve) => setTimeout(resolve, 20)); // terminated, and no longer listed
    const reasons = await bench.converge(instancesStage, { boot });
    expect(reasons).toContain('waiting for 1 new instances to become visible');
    const replaced = instances().find((i) => nodeOf(i) === 'nodes-pool-0');
    const planned = bench.plan.nodes.find((n) => n.name === 'nodes-pool-0');
    expect(replaced?.clientToken).toBe(clientToken(planned?.clientToken ?? '', 'lapsed', '1'));
  });

  it("terminates a node's extra instances (launched again across a restart and a new generation while EC2 did not show the first), keeping the oldest", async () => {
    bench.fake.faults.eventualConsistency({ describeCalls: 1, types: ['instance'] });
    expect((await bench.step(instancesStage))?._unsafeUnwrap()).toMatchObject({ reason: 'starting 3 instances' });
    const first = instances().map((i) => i.id);
    const next = testPlan('nodes', { generation: 2 });
    expect((await bench.step(instancesStage, { plan: next, pending: new PendingCreations() }))?._unsafeUnwrap()).toMatchObject({
      reason: 'starting 3 instances',
    });
    expect(instances()).toHaveLength(6);
    await bench.observe(); // the second launches miss one Describe
    const reasons = await bench.converge(instancesStage, { plan: next });
    expect(reasons.filter((r) => r.startsWith('removing'))).toEqual([
      'removing the extra instances of nodes-master-0',
      'removing the extra instances of nodes-pool-0',
      'removing the extra instances of nodes-pool-1',
    ]);
    expect(
      instances()
        .map((i) => i.id)
        .sort(),
    ).toEqual([...first].sort());
  });
});

describe('retirementsStage', () => {
  it('is as planned while every instance is a planned node', async () => {
    await bench.converge(instancesStage);
    expect(await bench.step(retirementsStage)).toBeUndefined();
  });

  it('terminates the nodes no longer wanted one at a time, highest index first', async () => {
    await bench.converge(instancesStage);
    const reasons = await bench.converge(retirementsStage, { plan: testPlan('nodes', { workers: 0 }) });
    expect(reasons).toEqual(['removing nodes-pool-1', 'removing nodes-pool-0']);
    expect(instances().map(nodeOf)).toEqual(['nodes-master-0']);
  });
});

describe('liveInstances', () => {
  it("is a node's instances that are not shutting down", () => {
    const world = {
      subnets: {},
      securityGroups: {},
      instances: {
        a: [
          { id: 'i-1', state: 'running', config: 'x' },
          { id: 'i-2', state: 'shutting-down', config: 'y' },
          { id: 'i-3', state: 'pending', config: 'x' },
        ],
      },
    };
    expect(liveInstances(world, 'a').map((i) => i.id)).toEqual(['i-1', 'i-3']);
    expect(liveInstances(world, 'b')).toEqual([]);
  });
});

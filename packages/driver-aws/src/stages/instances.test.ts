/** The instance stages against the fake EC2: launches, boot tokens, replacements and retirements. */
import { SecretValue } from '@kubeception/sdk';
import { okAsync } from 'neverthrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NODE_TAG, ownerTag } from '../plan.js';
import { instancesStage, liveInstances, retirementsStage } from './instances.js';
import { gatewayStage, routeTableStage, subnetsStage, vpcStage } from './network.js';
import { securityGroupsStage } from './security-groups.js';
import type { BootNode, BootTokens } from './stage.js';
import { AMI, startStageBench, testPlan, type StageBench } from './stage.test-support.js';

let bench: StageBench;
beforeEach(async () => {
  bench = await startStageBench('nodes');
  for (const stage of [vpcStage, gatewayStage, subnetsStage, routeTableStage, securityGroupsStage]) await bench.converge(stage);
});
afterEach(() => bench.close());

/** The Cluster's instances that are not terminated. */
const instances = () => bench.fake.state.instances({ tag: `${ownerTag(bench.plan.id)}=owned` }).filter((i) => i.state !== 'shutting-down');
const nodeOf = (i: { readonly tags: Readonly<Record<string, string>> }) => i.tags[NODE_TAG];

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

  it('writes each node its own boot token, and takes a launch whose answer was lost (another token, the same ClientToken) as done', async () => {
    let minted = 0;
    const asked: BootNode[] = [];
    const boot: BootTokens = { vaultAddr: 'https://vault.example.com', mint: (node) => (asked.push(node), okAsync(new SecretValue(`wrapped-${++minted}`))) };
    // the launches stay invisible to the next pass, which launches again with new tokens
    bench.fake.faults.eventualConsistency({ describeCalls: 1, types: ['instance'] });
    expect((await bench.step(instancesStage, { boot }))?._unsafeUnwrap()).toMatchObject({ reason: 'starting 3 instances' });
    expect((await bench.step(instancesStage, { boot }))?._unsafeUnwrap()).toMatchObject({ reason: 'starting 3 instances' });
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

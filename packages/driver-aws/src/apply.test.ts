/** A pass of `applyPlan` against the fake EC2: stage after stage on what the calls answered, and what it leaves to the next pass. */
import { CreateVpcCommand, DeleteRouteCommand } from '@aws-sdk/client-ec2';
import type { DriverProgress } from '@kubeception/sdk/cluster';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan, type Applied } from './apply.js';
import type { AwsWorld } from './observe.js';
import { ROLE_TAG, ownerTag } from './plan.js';
import { startStageBench, type StageBench } from './stages/stage.test-support.js';

let bench: StageBench;
beforeEach(async () => {
  bench = await startStageBench('pass', { aws: { availabilityZones: { count: 2 } } });
});
afterEach(() => bench.close());

/** One pass on what observe finds now (or `world`). */
async function pass(world?: AwsWorld): Promise<Applied> {
  const observed = world ?? (await bench.observe());
  return (await applyPlan({ ec2: bench.ec2, plan: bench.plan, world: observed, pollMs: 100, pending: bench.pending }))._unsafeUnwrap();
}

/** Passes (the fake's instances settling between them) until one answers `done`: every pass's progress. */
async function untilDone(): Promise<DriverProgress[]> {
  const progress: DriverProgress[] = [];
  for (let i = 0; i < 30; i++, await new Promise((resolve) => setTimeout(resolve, 10))) {
    progress.push((await pass()).progress);
    if (progress.at(-1)?.type === 'done') return progress;
  }
  throw new Error(`not done after 30 passes: ${JSON.stringify(progress)}`);
}

/** The EC2 actions called since the log was cleared, each run of one action once (calls sent together, e.g. two subnets', run together). */
const actions = () => bench.fake.requests.all().flatMap((r, i, all) => (all[i - 1]?.action === r.action ? [] : [r.action]));

/** A world's network as observe shows it, lists sorted (the answers and Describe may order them differently). */
function network(world: AwsWorld) {
  const sorted = <T>(list: readonly T[]) => [...list].map((x) => JSON.stringify(x)).sort();
  return {
    vpc: world.vpc,
    gateway: world.gateway,
    subnets: world.subnets,
    routeTable: world.routeTable && { ...world.routeTable, subnets: sorted(world.routeTable.subnets) },
    securityGroups: Object.fromEntries(
      Object.entries(world.securityGroups).map(([role, g]) => [role, { id: g.id, rules: sorted(g.rules), references: sorted(g.references) }]),
    ),
  };
}

describe('applyPlan', () => {
  it('builds the network, the groups and their rules and launches the instances in one pass from nothing, describing only the new VPC and gateway', async () => {
    const empty = await bench.observe();
    bench.fake.requests.clear();
    const applied = await pass(empty);
    expect(applied.progress).toMatchObject({ type: 'requeueAfter', reason: 'starting 3 instances' });
    expect(applied.left).toBe('moving');
    // the calls one stage step per pass would make, in the stages' order
    expect(actions()).toEqual([
      'CreateVpc',
      'DescribeVpcs',
      'ModifyVpcAttribute',
      'CreateTags',
      'CreateInternetGateway',
      'DescribeInternetGateways',
      'AttachInternetGateway',
      'CreateSubnet',
      'ModifySubnetAttribute',
      'CreateTags',
      'CreateRouteTable',
      'CreateRoute',
      'AssociateRouteTable',
      'CreateSecurityGroup',
      'AuthorizeSecurityGroupIngress',
      'RunInstances',
    ]);
    // the world the answers said the network is, as Describe shows it
    expect(network(applied.world)).toEqual(network(await bench.observe()));
  });

  it('builds on a new VPC only once Describe shows it alone: with one a dead process made before it, the pass ends and the next deletes one', async () => {
    bench.fake.faults.eventualConsistency({ describeCalls: 1, types: ['vpc'] });
    const tags = [{ ResourceType: 'vpc' as const, Tags: Object.entries({ ...bench.plan.tags, [ROLE_TAG]: 'vpc' }).map(([Key, Value]) => ({ Key, Value })) }];
    await bench.ec2.send(new CreateVpcCommand({ CidrBlock: bench.plan.vpcCidr, TagSpecifications: tags })); // a dead process's, not shown yet
    bench.fake.faults.clear();
    bench.fake.requests.clear();
    const first = await pass();
    expect(first.progress).toMatchObject({ reason: 'creating VPC' });
    expect(actions()).toEqual(['DescribeVpcs', 'CreateVpc', 'DescribeVpcs']);
    const second = await pass();
    expect(second.progress).toMatchObject({ reason: 'starting 3 instances' });
    expect(bench.fake.requests.count({ action: 'DeleteVpc', status: 200 })).toBe(1);
    await untilDone();
    expect(bench.fake.state.userResources({ type: 'vpc', tag: `${ownerTag(bench.plan.id)}=owned` })).toHaveLength(1);
  });

  it('answers done only after a pass that found everything as planned and did nothing', async () => {
    const progress = await untilDone();
    expect(progress.slice(0, -1).every((p) => p.type === 'requeueAfter')).toBe(true);
    const built = await bench.observe();
    await bench.ec2.send(new DeleteRouteCommand({ RouteTableId: built.routeTable?.id, DestinationCidrBlock: '0.0.0.0/0' }));
    // the route is made again, and everything is as planned after it: the next pass observes and reports it
    const fixed = await pass();
    expect(fixed.progress).toMatchObject({ type: 'requeueAfter', reason: 'adding the default route' });
    expect(fixed.left).toBeUndefined();
    expect(await pass()).toMatchObject({ progress: { type: 'done' }, left: 'settled' });
  });

  it('ends the pass waiting when a call made on what an answer said does not find what was just made (EC2 not consistent yet)', async () => {
    bench.fake.faults.fail({ action: 'ModifyVpcAttribute', status: 400, code: 'InvalidVpcID.NotFound', times: 1 });
    const waiting = await pass();
    expect(waiting.progress).toMatchObject({
      type: 'requeueAfter',
      reason: expect.stringMatching(/^waiting for EC2 to show what it made: InvalidVpcID\.NotFound/),
    });
    await untilDone();
    expect(bench.fake.requests.count({ action: 'CreateVpc' })).toBe(1);
  });

  it('fails as before when the first call of a pass, made on what Describe showed, does not find its resource', async () => {
    await untilDone();
    bench.fake.faults.fail({ action: 'CreateRoute', status: 400, code: 'InvalidRouteTableID.NotFound', times: 1 });
    const built = await bench.observe();
    await bench.ec2.send(new DeleteRouteCommand({ RouteTableId: built.routeTable?.id, DestinationCidrBlock: '0.0.0.0/0' }));
    const failed = await applyPlan({ ec2: bench.ec2, plan: bench.plan, world: await bench.observe(), pollMs: 100, pending: bench.pending });
    expect(failed._unsafeUnwrapErr()).toMatchObject({ kind: 'Transient', message: expect.stringContaining('InvalidRouteTableID.NotFound') });
  });

  it('creates nothing twice while EC2 does not show what a pass made: later passes wait for it', async () => {
    bench.fake.faults.eventualConsistency({ describeCalls: 3, types: ['vpc', 'internet-gateway', 'subnet', 'route-table', 'security-group'] });
    const reasons = (await untilDone()).flatMap((p) => (p.type === 'requeueAfter' ? [p.reason] : []));
    expect(reasons).toContain('waiting for the new VPC to become visible');
    const created = ['CreateVpc', 'CreateInternetGateway', 'CreateSubnet', 'CreateRouteTable', 'CreateSecurityGroup'].map((action) =>
      bench.fake.requests.count({ action, status: 200 }),
    );
    expect(created).toEqual([1, 1, 4, 1, 3]);
  });
});

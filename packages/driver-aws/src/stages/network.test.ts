/** The network stages against the fake EC2: what each creates, configures, and when it is as planned. */
import { DeleteRouteTableCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MANAGED_BY_TAG, ROLE_TAG, ownerTag } from '../plan.js';
import { gatewayStage, routeTableStage, subnetsStage, vpcStage } from './network.js';
import { DONE_TAG } from './stage.js';
import { startStageBench, type StageBench } from './stage.test-support.js';

let bench: StageBench;
beforeEach(async () => {
  bench = await startStageBench('net', { aws: { availabilityZones: { count: 2 } } });
});
afterEach(() => bench.close());

const owned = (type: 'vpc' | 'internet-gateway' | 'subnet' | 'route-table') =>
  bench.fake.state.userResources({ type, tag: `${ownerTag(bench.plan.id)}=owned` });

describe('vpcStage', () => {
  it('creates the VPC tagged on creation, then turns on DNS hostnames and marks it configured', async () => {
    expect(await bench.converge(vpcStage)).toEqual(['creating VPC', 'configuring the VPC']);
    const [vpc] = owned('vpc');
    expect(vpc?.tags).toMatchObject({ [ROLE_TAG]: 'vpc', Name: `${bench.plan.id}-vpc`, [MANAGED_BY_TAG]: 'kubeception', [DONE_TAG]: 'true' });
    expect(bench.fake.requests.count({ action: 'ModifyVpcAttribute' })).toBe(1);
    expect(await bench.step(vpcStage)).toBeUndefined();
  });

  it('does not create a second VPC while the first is not visible yet', async () => {
    bench.fake.faults.eventualConsistency({ describeCalls: 2, types: ['vpc'] });
    const first = await bench.step(vpcStage);
    const second = await bench.step(vpcStage);
    expect(first?._unsafeUnwrap()).toMatchObject({ reason: 'creating VPC' });
    expect(second?._unsafeUnwrap()).toMatchObject({ reason: 'waiting for the new VPC to become visible' });
    expect(bench.fake.requests.count({ action: 'CreateVpc' })).toBe(1);
  });
});

describe('gatewayStage', () => {
  it('creates the internet gateway, then attaches it to the VPC', async () => {
    await bench.converge(vpcStage);
    expect(await bench.converge(gatewayStage)).toEqual(['creating internet gateway', 'attaching the internet gateway']);
    const world = await bench.observe();
    expect(world.gateway?.attachedTo).toBe(world.vpc?.id);
  });
});

describe('subnetsStage', () => {
  it('creates every missing subnet in one pass, then lets only the public ones give public addresses', async () => {
    await bench.converge(vpcStage);
    expect(await bench.converge(subnetsStage)).toEqual(['creating subnet subnet-public-eu-west-1a', 'configuring public subnets']);
    expect(bench.fake.requests.count({ action: 'CreateSubnet' })).toBe(4);
    const subnets = owned('subnet');
    expect(
      subnets
        .filter((s) => s.tags[DONE_TAG] === 'true')
        .map((s) => s.tags[ROLE_TAG])
        .sort(),
    ).toEqual(['subnet-public-eu-west-1a', 'subnet-public-eu-west-1b']);
    expect(bench.fake.requests.all().filter((r) => r.action === 'ModifySubnetAttribute')).toHaveLength(2);
  });
});

describe('routeTableStage', () => {
  it('creates the public route table, adds the default route to the gateway and associates the public subnets only', async () => {
    for (const stage of [vpcStage, gatewayStage, subnetsStage]) await bench.converge(stage);
    expect(await bench.converge(routeTableStage)).toEqual(['creating route table', 'adding the default route', 'associating public subnets']);
    const world = await bench.observe();
    expect(world.routeTable?.defaultRoute).toBe(true);
    const publicIds = ['subnet-public-eu-west-1a', 'subnet-public-eu-west-1b'].map((role) => world.subnets[role]?.id);
    expect([...(world.routeTable?.subnets ?? [])].sort()).toEqual(publicIds.sort());
    expect(owned('route-table')).toHaveLength(1);
  });

  it('creates the route table once across a restart while EC2 does not show it yet: the same ClientToken answers the same table', async () => {
    for (const stage of [vpcStage, gatewayStage, subnetsStage]) await bench.converge(stage);
    bench.fake.faults.eventualConsistency({ describeCalls: 3, types: ['route-table'] });
    expect((await bench.step(routeTableStage))?._unsafeUnwrap()).toMatchObject({ reason: 'creating route table' });
    bench.pending.seen(bench.plan.id, ['rt-public']); // a restart: the in-memory record is gone
    expect((await bench.step(routeTableStage))?._unsafeUnwrap()).toMatchObject({ reason: 'creating route table' });
    expect((await bench.step(routeTableStage))?._unsafeUnwrap()).toMatchObject({ reason: 'waiting for the new route table to become visible' });
    const creates = bench.fake.requests.all().filter((r) => r.action === 'CreateRouteTable');
    expect(new Set(creates.map((r) => r.params.ClientToken))).toEqual(new Set([expect.stringMatching(/^kc-[0-9a-f]{40}$/)]));
    expect(creates).toHaveLength(2);
    expect(owned('route-table')).toHaveLength(1);
  });

  it('creates the route table anew under the next ClientToken when the one it waits for was deleted by hand', async () => {
    await bench.close();
    bench = await startStageBench('net', { aws: { availabilityZones: { count: 2 } } }, 50);
    for (const stage of [vpcStage, gatewayStage, subnetsStage]) await bench.converge(stage);
    expect((await bench.step(routeTableStage))?._unsafeUnwrap()).toMatchObject({ reason: 'creating route table' });
    const [deleted] = owned('route-table');
    await bench.ec2.send(new DeleteRouteTableCommand({ RouteTableId: deleted?.id }));
    expect((await bench.step(routeTableStage))?._unsafeUnwrap()).toMatchObject({ reason: 'waiting for the new route table to become visible' });
    await new Promise((resolve) => setTimeout(resolve, 60)); // one TTL: waited for in vain
    expect((await bench.step(routeTableStage))?._unsafeUnwrap()).toMatchObject({ reason: 'creating route table' });
    expect(owned('route-table')).toEqual([expect.not.objectContaining({ id: deleted?.id })]);
    const tokens = bench.fake.requests.all().flatMap((r) => (r.action === 'CreateRouteTable' ? [r.params.ClientToken] : []));
    expect(new Set(tokens).size).toBe(2);
  });
});

/** The duplicates stage against the fake EC2: what a create repeated across a restart made twice goes, nothing else. */
import { AttachInternetGatewayCommand, CreateInternetGatewayCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ROLE_TAG, ownerTag } from '../plan.js';
import { duplicatesStage } from './duplicates.js';
import { gatewayStage, vpcStage } from './network.js';
import { DONE_TAG } from './stage.js';
import { startStageBench, type StageBench } from './stage.test-support.js';

let bench: StageBench;
beforeEach(async () => {
  bench = await startStageBench('dup');
});
afterEach(() => bench.close());

const owned = (type: 'vpc' | 'internet-gateway') => bench.fake.state.userResources({ type, tag: `${ownerTag(bench.plan.id)}=owned` });

/** One create of `stage`'s resource, then a restart (the in-memory record forgotten) inside EC2's visibility window: a second one. */
async function createdTwice(stage: typeof vpcStage, role: string, type: 'vpc' | 'internet-gateway'): Promise<void> {
  bench.fake.faults.eventualConsistency({ describeCalls: 6, types: [type] });
  await bench.step(stage);
  bench.pending.seen(bench.plan.id, [role]);
  await bench.step(stage);
  bench.fake.faults.clear();
  expect(owned(type)).toHaveLength(2);
}

it('deletes the duplicate VPC and gateway of a repeated create, keeping the one in use and everything not owned', async () => {
  const named = (type: 'vpc' | 'internet-gateway') => [{ ResourceType: type, Tags: [{ Key: 'Name', Value: `${bench.plan.id}-vpc` }] }];
  const foreign = await bench.ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', TagSpecifications: named('vpc') }));
  await bench.ec2.send(new CreateInternetGatewayCommand({ TagSpecifications: named('internet-gateway') }));
  await createdTwice(vpcStage, 'vpc', 'vpc');
  for (let pass = 0; pass < 20 && (await bench.observe()).duplicates === undefined; pass++) await bench.step(vpcStage); // until both are visible
  expect(await bench.converge(duplicatesStage)).toEqual([expect.stringMatching(/^deleting duplicates vpc vpc-/)]);
  await bench.converge(vpcStage);
  expect(owned('vpc')).toEqual([expect.objectContaining({ tags: expect.objectContaining({ [ROLE_TAG]: 'vpc', [DONE_TAG]: 'true' }) })]);

  await createdTwice(gatewayStage, 'igw', 'internet-gateway');
  await bench.converge(gatewayStage);
  expect(await bench.converge(duplicatesStage)).toEqual([expect.stringMatching(/^deleting duplicates internet-gateway igw-/)]);
  expect(owned('internet-gateway')).toHaveLength(1);
  expect((await bench.observe()).gateway?.attachedTo).toBe((await bench.observe()).vpc?.id);
  expect(bench.fake.state.userResources({ type: 'vpc' }).map((v) => v.id)).toContain(foreign.Vpc?.VpcId);
  expect(bench.fake.state.userResources({ type: 'internet-gateway' })).toHaveLength(2); // ours and the foreign one
});

it('leaves a configured VPC or an attached gateway that is not in use to the deletion sweep', async () => {
  await bench.converge(vpcStage);
  await bench.converge(gatewayStage);
  const ours = (type: 'vpc' | 'internet-gateway', extra: Record<string, string>) => [
    { ResourceType: type, Tags: Object.entries({ ...bench.plan.tags, [ROLE_TAG]: type, ...extra }).map(([Key, Value]) => ({ Key, Value })) },
  ];
  const other = await bench.ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16', TagSpecifications: ours('vpc', { [DONE_TAG]: 'true' }) }));
  const gateway = await bench.ec2.send(new CreateInternetGatewayCommand({ TagSpecifications: ours('internet-gateway', {}) }));
  await bench.ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: gateway.InternetGateway?.InternetGatewayId, VpcId: other.Vpc?.VpcId }));
  expect(bench.fake.state.userResources({ type: 'vpc', tag: `${ownerTag(bench.plan.id)}=owned` })).toHaveLength(2);
  expect((await bench.observe()).duplicates).toBeUndefined();
  expect(await bench.step(duplicatesStage)).toBeUndefined();
});

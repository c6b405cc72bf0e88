import type { DescribeInstancesCommandInput, Instance, RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { beforeAll, describe, expect, it } from 'vitest';
import { ec2Error, failure, filters, inProcessSuite, network } from './test-support.js';

const tags = (pairs: Record<string, string>) => [{ ResourceType: 'instance' as const, Tags: Object.entries(pairs).map(([Key, Value]) => ({ Key, Value })) }];

describe('instances', () => {
  const t = inProcessSuite({ instanceDelays: { pendingMs: 30_000, shuttingDownMs: 60_000, terminatedRetentionMs: 600_000 } });
  const c = t.client();
  let net: { vpcId: string; subnetId: string };
  let ami: string;
  beforeAll(async () => {
    net = await network(c);
    const flatcar = filters({ name: 'flatcar-stable-*', architecture: 'x86_64' });
    ami = (await c.describeImages({ Filters: flatcar })).Images?.[0]?.ImageId ?? '';
  });

  const run = (input: Partial<RunInstancesCommandInput> = {}) =>
    c.runInstances({ ImageId: ami, InstanceType: 't3.medium', MinCount: 1, MaxCount: 1, SubnetId: net.subnetId, ...input });
  const describeAll = async (input: DescribeInstancesCommandInput = {}): Promise<Instance[]> =>
    ((await c.describeInstances(input)).Reservations ?? []).flatMap((r) => r.Instances ?? []);

  it('runs instances pending → running and terminates them shutting-down → terminated on the simulated clock', async () => {
    const launched = await run({
      MaxCount: 2,
      TagSpecifications: tags({ 'kubeception.io/cluster/a': 'owned', role: 'master' }),
      UserData: Buffer.from('#!/bin/sh\necho hi\n').toString('base64'),
    });
    expect(launched.ReservationId).toMatch(/^r-/);
    expect(launched.Instances?.map((i) => [i.State?.Name, i.State?.Code, i.AmiLaunchIndex, i.SubnetId, i.VpcId, i.Placement?.AvailabilityZone])).toEqual([
      ['pending', 0, 0, net.subnetId, net.vpcId, 'us-east-1a'],
      ['pending', 0, 1, net.subnetId, net.vpcId, 'us-east-1a'],
    ]);
    expect(launched.Instances?.map((i) => i.PrivateIpAddress)).toEqual(['10.0.1.4', '10.0.1.5']);
    expect(launched.Instances?.[0]?.SecurityGroups?.map((g) => g.GroupName)).toEqual(['default']);
    const ids = launched.Instances?.map((i) => i.InstanceId ?? '') ?? [];
    await t.clock.advance(29_999);
    expect((await describeAll({ InstanceIds: ids })).map((i) => i.State?.Name)).toEqual(['pending', 'pending']);
    await t.clock.advance(1);
    expect((await describeAll({ InstanceIds: ids })).map((i) => i.State?.Name)).toEqual(['running', 'running']);

    const terminated = await c.terminateInstances({ InstanceIds: [ids[0] ?? ''] });
    expect(terminated.TerminatingInstances?.[0]).toMatchObject({
      InstanceId: ids[0],
      PreviousState: { Name: 'running', Code: 16 },
      CurrentState: { Name: 'shutting-down', Code: 32 },
    });
    await t.clock.advance(60_000);
    const [gone] = await describeAll({ InstanceIds: [ids[0] ?? ''] });
    expect(gone).toMatchObject({ State: { Name: 'terminated', Code: 48 }, StateReason: { Code: 'Client.UserInitiatedShutdown' } });
    expect(gone?.PrivateIpAddress).toBeUndefined();
    expect((await c.terminateInstances({ InstanceIds: [ids[0] ?? ''] })).TerminatingInstances?.[0]).toMatchObject({
      PreviousState: { Name: 'terminated' },
      CurrentState: { Name: 'terminated' },
    });
    expect(t.ec2.state.instances({ tag: 'kubeception.io/cluster/a=owned' }).map((i) => [i.id, i.state, i.userData])).toEqual([
      [ids[1], 'running', '#!/bin/sh\necho hi\n'],
    ]);
    const attr = await c.describeInstanceAttribute({ InstanceId: ids[1], Attribute: 'userData' });
    expect(Buffer.from(attr.UserData?.Value ?? '', 'base64').toString()).toBe('#!/bin/sh\necho hi\n');

    await t.clock.advance(600_000); // retention over: the terminated instance is forgotten
    expect(await failure(c.describeInstances({ InstanceIds: [ids[0] ?? ''] }))).toEqual(
      ec2Error('InvalidInstanceID.NotFound', `The instance ID '${ids[0]}' does not exist`),
    );
    await c.terminateInstances({ InstanceIds: [ids[1] ?? ''] });
  });

  it('filters by tag:<key>, tag-key, instance-state-name and vpc-id', async () => {
    const a = (await run({ TagSpecifications: tags({ 'kubeception.io/cluster/f': 'owned', 'kubeception.io/role': 'worker' }) })).Instances?.[0]?.InstanceId;
    const b = (await run({ TagSpecifications: tags({ 'kubeception.io/cluster/f': 'owned', 'kubeception.io/role': 'master' }) })).Instances?.[0]?.InstanceId;
    const other = (await run({ TagSpecifications: tags({ 'kubeception.io/cluster/g': 'owned' }) })).Instances?.[0]?.InstanceId;
    const ids = (is: Instance[]) => is.map((i) => i.InstanceId);
    expect(ids(await describeAll({ Filters: [{ Name: 'tag:kubeception.io/cluster/f', Values: ['owned'] }] }))).toEqual([a, b]);
    expect(ids(await describeAll({ Filters: filters({ 'tag:kubeception.io/cluster/f': 'owned', 'tag:kubeception.io/role': ['master', 'nope'] }) }))).toEqual([
      b,
    ]);
    expect(ids(await describeAll({ Filters: filters({ 'tag-key': 'kubeception.io/cluster/*', 'instance-state-name': 'pending' }) }))).toEqual([a, b, other]);
    await c.terminateInstances({ InstanceIds: [other ?? ''] });
    expect(ids(await describeAll({ Filters: filters({ 'instance-state-name': ['pending', 'running'], 'vpc-id': net.vpcId }) }))).toEqual([a, b]);
    expect(await describeAll({ Filters: [{ Name: 'vpc-id', Values: ['vpc-00000000000000000'] }] })).toEqual([]);
    await c.terminateInstances({ InstanceIds: [a ?? '', b ?? ''] });
  });

  it('paginates DescribeInstances with MaxResults/NextToken and refuses MaxResults with ids', async () => {
    await run({ MinCount: 7, MaxCount: 7, TagSpecifications: tags({ page: 'yes' }) });
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await c.describeInstances({ MaxResults: 5, NextToken: token, Filters: [{ Name: 'tag:page', Values: ['yes'] }] });
      seen.push(...(out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId ?? ''));
      token = out.NextToken;
      pages++;
    } while (token);
    expect(pages).toBe(2);
    expect(new Set(seen).size).toBe(7);
    expect(await failure(c.describeInstances({ MaxResults: 5, InstanceIds: [seen[0] ?? ''] }))).toEqual(
      ec2Error('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults'),
    );
    expect(await failure(c.describeInstances({ MaxResults: 1001 }))).toMatchObject({ code: 'InvalidParameterValue' });
    await c.terminateInstances({ InstanceIds: seen });
  });

  it('is idempotent by ClientToken exactly like EC2', async () => {
    const first = await run({ ClientToken: 'node-a-gen-1', TagSpecifications: tags({ n: 'a' }) });
    const again = await run({ ClientToken: 'node-a-gen-1', TagSpecifications: tags({ n: 'a' }) });
    expect(again.ReservationId).toBe(first.ReservationId);
    expect(again.Instances?.map((i) => i.InstanceId)).toEqual(first.Instances?.map((i) => i.InstanceId));
    expect(t.ec2.state.instances({ tag: 'n=a' })).toHaveLength(1);
    expect(await failure(run({ ClientToken: 'node-a-gen-1', InstanceType: 't3.large', TagSpecifications: tags({ n: 'a' }) }))).toEqual(
      ec2Error('IdempotentParameterMismatch', 'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).'),
    );
    await c.terminateInstances({ InstanceIds: [first.Instances?.[0]?.InstanceId ?? ''] });
    await t.clock.advance(60_000);
    expect(await failure(run({ ClientToken: 'node-a-gen-1', TagSpecifications: tags({ n: 'a' }) }))).toMatchObject({ code: 'IdempotentInstanceTerminated' });
    expect((await run({ ClientToken: 'node-a-gen-2' })).Instances?.[0]?.ClientToken).toBe('node-a-gen-2');
    expect(t.ec2.requests.count({ action: 'RunInstances', code: 'IdempotentParameterMismatch' })).toBe(1);
  });

  it('holds subnets, groups and public addresses until terminated (DependencyViolation)', async () => {
    const subnetId = (await c.createSubnet({ VpcId: net.vpcId, CidrBlock: '10.0.2.0/28', AvailabilityZone: 'us-east-1b' })).Subnet?.SubnetId ?? '';
    const groupId = (await c.createSecurityGroup({ GroupName: 'nodes', Description: 'nodes', VpcId: net.vpcId })).GroupId ?? '';
    const igw = (await c.createInternetGateway({})).InternetGateway?.InternetGatewayId ?? '';
    await c.attachInternetGateway({ InternetGatewayId: igw, VpcId: net.vpcId });
    const launched = await run({
      SubnetId: undefined,
      NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetId, Groups: [groupId], AssociatePublicIpAddress: true }],
      MinCount: 2,
      MaxCount: 20,
    });
    expect(launched.Instances).toHaveLength(11); // a /28 has 16 addresses, 5 reserved
    expect(launched.Instances?.[0]?.PublicIpAddress).toMatch(/^3\./);
    expect(await failure(run({ SubnetId: subnetId }))).toMatchObject({ code: 'InsufficientFreeAddressesInSubnet' });
    expect(await failure(c.deleteSubnet({ SubnetId: subnetId }))).toEqual(
      ec2Error('DependencyViolation', `The subnet '${subnetId}' has dependencies and cannot be deleted.`),
    );
    expect(await failure(c.deleteSecurityGroup({ GroupId: groupId }))).toEqual(ec2Error('DependencyViolation', `resource ${groupId} has a dependent object`));
    expect(await failure(c.detachInternetGateway({ InternetGatewayId: igw, VpcId: net.vpcId }))).toEqual(
      ec2Error(
        'DependencyViolation',
        `Network ${net.vpcId} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.`,
      ),
    );
    await c.terminateInstances({ InstanceIds: launched.Instances?.map((i) => i.InstanceId ?? '') });
    expect(await failure(c.deleteSubnet({ SubnetId: subnetId }))).toMatchObject({ code: 'DependencyViolation' }); // still shutting down
    await t.clock.advance(60_000);
    await c.detachInternetGateway({ InternetGatewayId: igw, VpcId: net.vpcId });
    await c.deleteSecurityGroup({ GroupId: groupId });
    await c.deleteSubnet({ SubnetId: subnetId });
  });

  it("answers EC2's errors for bad launches and unknown instances", async () => {
    expect(await failure(run({ ImageId: 'ami-0000000000000000a' }))).toEqual(
      ec2Error('InvalidAMIID.NotFound', "The image id '[ami-0000000000000000a]' does not exist"),
    );
    expect(await failure(run({ ImageId: 'flatcar' }))).toMatchObject({ code: 'InvalidAMIID.Malformed' });
    expect(await failure(run({ InstanceType: 'x9.huge' as never }))).toEqual(ec2Error('InvalidParameterValue', "Invalid value 'x9.huge' for InstanceType."));
    expect(await failure(run({ SubnetId: undefined }))).toMatchObject({ code: 'VPCIdNotSpecified' });
    expect(await failure(run({ SubnetId: 'subnet-00000000000000000' }))).toMatchObject({ code: 'InvalidSubnetID.NotFound' });
    expect(await failure(run({ SecurityGroupIds: ['sg-00000000000000000'] }))).toMatchObject({ code: 'InvalidGroup.NotFound' });
    expect(await failure(run({ MinCount: 3, MaxCount: 2 }))).toMatchObject({ code: 'InvalidParameterValue' });
    expect(await failure(run({ UserData: 'not base64!' }))).toMatchObject({ code: 'InvalidParameterValue' });
    expect(await failure(run({ TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'a', Value: 'b' }] }] }))).toEqual(
      ec2Error('InvalidParameterValue', "'vpc' is not a valid taggable resource type for this operation."),
    );
    expect(await failure(c.terminateInstances({ InstanceIds: ['i-0000000000000000a', 'i-0000000000000000b'] }))).toEqual(
      ec2Error('InvalidInstanceID.NotFound', "The instance IDs 'i-0000000000000000a, i-0000000000000000b' do not exist"),
    );
    expect(await failure(c.describeInstances({ InstanceIds: ['abc'] }))).toEqual(ec2Error('InvalidInstanceID.Malformed', 'Invalid id: "abc"'));
  });
});

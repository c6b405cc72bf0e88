import { beforeAll, describe, expect, it } from 'vitest';
import { ec2Error, failure, filters, inProcessSuite } from './test-support.js';

describe('tags', () => {
  const t = inProcessSuite();
  const c = t.client('eu-central-1');
  let vpcId: string;
  beforeAll(async () => {
    vpcId = (await c.createVpc({ CidrBlock: '10.0.0.0/16' })).Vpc?.VpcId ?? '';
  });

  it('creates, describes and deletes tags', async () => {
    await c.createTags({
      Resources: [vpcId],
      Tags: [
        { Key: 'Name', Value: 'net' },
        { Key: 'kubeception.io/cluster/x', Value: 'owned' },
        { Key: 'empty', Value: '' },
      ],
    });
    const described = await c.describeTags({ Filters: [{ Name: 'resource-id', Values: [vpcId] }] });
    expect(described.Tags).toEqual([
      { ResourceId: vpcId, ResourceType: 'vpc', Key: 'Name', Value: 'net' },
      { ResourceId: vpcId, ResourceType: 'vpc', Key: 'kubeception.io/cluster/x', Value: 'owned' },
      { ResourceId: vpcId, ResourceType: 'vpc', Key: 'empty', Value: '' },
    ]);
    expect((await c.describeTags({ Filters: filters({ key: 'kubeception.io/*', 'resource-type': 'vpc' }) })).Tags?.map((x) => x.Key)).toEqual([
      'kubeception.io/cluster/x',
    ]);
    expect((await c.describeVpcs({ Filters: [{ Name: 'tag-value', Values: ['owned'] }] })).Vpcs?.map((v) => v.VpcId)).toEqual([vpcId]);
    await c.deleteTags({ Resources: [vpcId], Tags: [{ Key: 'Name', Value: 'other' }, { Key: 'empty' }] });
    expect(t.ec2.state.resources({ type: 'vpc' })[0]?.tags).toEqual({ Name: 'net', 'kubeception.io/cluster/x': 'owned' });
    await c.deleteTags({ Resources: [vpcId], Tags: [{ Key: 'Name', Value: 'net' }] });
    expect(t.ec2.state.resources({ type: 'vpc' })[0]?.tags).toEqual({ 'kubeception.io/cluster/x': 'owned' });
    await c.deleteTags({ Resources: [vpcId] });
    expect(t.ec2.state.resources({ type: 'vpc' })[0]?.tags).toEqual({});
  });

  it('paginates DescribeTags', async () => {
    await c.createTags({ Resources: [vpcId], Tags: Array.from({ length: 12 }, (_, i) => ({ Key: `k${i}`, Value: String(i) })) });
    const first = await c.describeTags({ MaxResults: 10 });
    const second = await c.describeTags({ MaxResults: 10, NextToken: first.NextToken });
    expect([first.Tags?.length, second.Tags?.length, second.NextToken]).toEqual([10, 2, undefined]);
    await c.deleteTags({ Resources: [vpcId] });
  });

  it("answers EC2's errors for bad ids and tags", async () => {
    expect(await failure(c.createTags({ Resources: ['foo-123'], Tags: [{ Key: 'a', Value: 'b' }] }))).toEqual(
      ec2Error('InvalidID', "The ID 'foo-123' is not valid"),
    );
    expect(await failure(c.createTags({ Resources: ['i-0123456789abcdef0'], Tags: [{ Key: 'a', Value: 'b' }] }))).toMatchObject({
      code: 'InvalidInstanceID.NotFound',
    });
    expect(await failure(c.createTags({ Resources: [vpcId], Tags: [{ Key: 'aws:x', Value: 'b' }] }))).toMatchObject({
      code: 'InvalidParameterValue',
    });
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `t${i}`, Value: '' }));
    expect(await failure(c.createTags({ Resources: [vpcId], Tags: many }))).toMatchObject({ code: 'TagLimitExceeded' });
    await c.deleteTags({ Resources: [vpcId] });
  });

  it('keeps regions apart', async () => {
    const other = t.client('us-east-1');
    expect((await other.describeVpcs({})).Vpcs).toEqual([]);
    expect(await failure(other.describeVpcs({ VpcIds: [vpcId] }))).toMatchObject({ code: 'InvalidVpcID.NotFound' });
    expect(await failure(t.client('mars-north-1').describeVpcs({}))).toEqual(
      ec2Error('AuthFailure', 'AWS was not able to validate the provided access credentials', 401),
    );
  });
});

describe('catalogue', () => {
  const t = inProcessSuite({ regions: { 'eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], 'us-east-1': ['us-east-1a', 'us-east-1b'] } });

  it('describes availability zones and regions', async () => {
    const c = t.client('eu-west-1');
    const zones = await c.describeAvailabilityZones({});
    expect(zones.AvailabilityZones?.map((z) => [z.ZoneName, z.ZoneId, z.State, z.RegionName])).toEqual([
      ['eu-west-1a', 'euw1-az1', 'available', 'eu-west-1'],
      ['eu-west-1b', 'euw1-az2', 'available', 'eu-west-1'],
      ['eu-west-1c', 'euw1-az3', 'available', 'eu-west-1'],
    ]);
    expect((await c.describeAvailabilityZones({ ZoneNames: ['eu-west-1b'] })).AvailabilityZones).toHaveLength(1);
    expect((await c.describeAvailabilityZones({ Filters: [{ Name: 'zone-id', Values: ['euw1-az3'] }] })).AvailabilityZones?.[0]?.ZoneName).toBe('eu-west-1c');
    expect(await failure(c.describeAvailabilityZones({ ZoneNames: ['eu-west-1z'] }))).toMatchObject({ code: 'InvalidParameterValue' });
    const regions = await c.describeRegions({});
    expect(regions.Regions?.map((r) => [r.RegionName, r.Endpoint])).toEqual([
      ['eu-west-1', 'ec2.eu-west-1.amazonaws.com'],
      ['us-east-1', 'ec2.us-east-1.amazonaws.com'],
    ]);
    expect((await c.describeRegions({ RegionNames: ['us-east-1'] })).Regions).toHaveLength(1);
  });

  it('describes a small image catalogue with ids per region', async () => {
    const eu = await t.client('eu-west-1').describeImages({ Owners: ['075585003325'] });
    expect(eu.Images?.map((i) => [i.Name, i.Architecture, i.State])).toEqual([
      ['flatcar-stable-4152.2.3-hvm', 'x86_64', 'available'],
      ['flatcar-stable-4152.2.3-arm64-hvm', 'arm64', 'available'],
    ]);
    const us = await t.client('us-east-1').describeImages({ Filters: [{ Name: 'name', Values: ['flatcar-stable-4152.2.3-hvm'] }] });
    expect(us.Images?.[0]?.ImageId).not.toBe(eu.Images?.[0]?.ImageId);
    expect(await failure(t.client('us-east-1').describeImages({ ImageIds: [eu.Images?.[0]?.ImageId ?? ''] }))).toMatchObject({
      code: 'InvalidAMIID.NotFound',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { ec2Error, failure, filters, inProcessSuite } from './test-support.js';

describe('VPCs and subnets', () => {
  const t = inProcessSuite();
  const c = t.client();

  it('creates a VPC with tags, its main route table and default security group', async () => {
    const { Vpc } = await c.createVpc({ CidrBlock: '10.1.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: 'a' }] }] });
    expect(Vpc).toMatchObject({ CidrBlock: '10.1.0.0/16', State: 'pending', OwnerId: '123456789012', IsDefault: false, Tags: [{ Key: 'Name', Value: 'a' }] });
    expect(Vpc?.VpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
    const { Vpcs } = await c.describeVpcs({ VpcIds: [Vpc?.VpcId ?? ''] });
    expect(Vpcs?.[0]).toMatchObject({ State: 'available', CidrBlockAssociationSet: [{ CidrBlock: '10.1.0.0/16', CidrBlockState: { State: 'associated' } }] });
    const { RouteTables } = await c.describeRouteTables({ Filters: [{ Name: 'vpc-id', Values: [Vpc?.VpcId ?? ''] }] });
    expect(RouteTables).toHaveLength(1);
    expect(RouteTables?.[0]?.Associations?.[0]?.Main).toBe(true);
    expect(RouteTables?.[0]?.Routes).toEqual([expect.objectContaining({ DestinationCidrBlock: '10.1.0.0/16', GatewayId: 'local', State: 'active' })]);
    const { SecurityGroups } = await c.describeSecurityGroups({ Filters: [{ Name: 'vpc-id', Values: [Vpc?.VpcId ?? ''] }] });
    expect(SecurityGroups?.map((g) => g.GroupName)).toEqual(['default']);
    expect(t.ec2.state.resources({ type: 'vpc' }).map((v) => v.tags)).toEqual([{ Name: 'a' }]);
  });

  it('validates VPC CIDRs', async () => {
    expect(await failure(c.createVpc({ CidrBlock: '10.0.0.0/8' }))).toEqual(ec2Error('InvalidVpc.Range', "The CIDR '10.0.0.0/8' is invalid."));
    expect(await failure(c.createVpc({ CidrBlock: '10.0.0.1/16' }))).toMatchObject({
      code: 'InvalidParameterValue',
      message: 'Value (10.0.0.1/16) for parameter cidrBlock is invalid. This is not a valid CIDR block.',
    });
    expect(await failure(c.createVpc({ CidrBlock: 'nonsense' }))).toMatchObject({ code: 'InvalidParameterValue' });
    expect(await failure(c.createVpc({}))).toMatchObject({ code: 'MissingParameter' });
  });

  it('modifies and describes VPC attributes', async () => {
    const { Vpc } = await c.createVpc({ CidrBlock: '10.2.0.0/16' });
    const VpcId = Vpc?.VpcId ?? '';
    await c.modifyVpcAttribute({ VpcId, EnableDnsHostnames: { Value: true } });
    expect((await c.describeVpcAttribute({ VpcId, Attribute: 'enableDnsHostnames' })).EnableDnsHostnames?.Value).toBe(true);
    expect((await c.describeVpcAttribute({ VpcId, Attribute: 'enableDnsSupport' })).EnableDnsSupport?.Value).toBe(true);
    expect(await failure(c.modifyVpcAttribute({ VpcId, EnableDnsHostnames: { Value: true }, EnableDnsSupport: { Value: true } }))).toMatchObject({
      code: 'InvalidParameterCombination',
    });
    expect(await failure(c.modifyVpcAttribute({ VpcId: 'vpc-00000000000000000', EnableDnsSupport: { Value: true } }))).toEqual(
      ec2Error('InvalidVpcID.NotFound', "The vpc ID 'vpc-00000000000000000' does not exist"),
    );
  });

  it("creates subnets inside the VPC, without overlap, in the region's zones", async () => {
    const { Vpc } = await c.createVpc({ CidrBlock: '10.3.0.0/16' });
    const VpcId = Vpc?.VpcId ?? '';
    const { Subnet } = await c.createSubnet({
      VpcId,
      CidrBlock: '10.3.0.0/24',
      AvailabilityZone: 'us-east-1b',
      TagSpecifications: [{ ResourceType: 'subnet', Tags: [{ Key: 'role', Value: 'public' }] }],
    });
    expect(Subnet).toMatchObject({
      VpcId,
      CidrBlock: '10.3.0.0/24',
      AvailabilityZone: 'us-east-1b',
      AvailabilityZoneId: 'use1-az2',
      AvailableIpAddressCount: 251,
      MapPublicIpOnLaunch: false,
      Tags: [{ Key: 'role', Value: 'public' }],
    });
    await c.createSubnet({ VpcId, CidrBlock: '10.3.1.0/24', AvailabilityZone: 'us-east-1c' });
    expect(await failure(c.createSubnet({ VpcId, CidrBlock: '10.3.0.128/25' }))).toEqual(
      ec2Error('InvalidSubnet.Conflict', "The CIDR '10.3.0.128/25' conflicts with another subnet"),
    );
    expect(await failure(c.createSubnet({ VpcId, CidrBlock: '10.4.0.0/24' }))).toMatchObject({
      code: 'InvalidSubnet.Range',
      message: "The CIDR '10.4.0.0/24' is invalid.",
    });
    expect(await failure(c.createSubnet({ VpcId, CidrBlock: '10.3.9.0/28', AvailabilityZone: 'us-east-1z' }))).toMatchObject({
      code: 'InvalidParameterValue',
      message: expect.stringContaining('Subnets can currently only be created in the following availability zones: us-east-1a, us-east-1b'),
    });
    expect(await failure(c.createSubnet({ VpcId: 'vpc-0123456789abcdef0', CidrBlock: '10.3.2.0/24' }))).toMatchObject({
      code: 'InvalidVpcID.NotFound',
    });
    const byZone = await c.describeSubnets({ Filters: filters({ 'vpc-id': VpcId, 'availability-zone': 'us-east-1c' }) });
    expect(byZone.Subnets?.map((s) => s.CidrBlock)).toEqual(['10.3.1.0/24']);
    const byTag = await c.describeSubnets({ Filters: [{ Name: 'tag:role', Values: ['pub*'] }] });
    expect(byTag.Subnets?.map((s) => s.SubnetId)).toEqual([Subnet?.SubnetId]);
    await c.modifySubnetAttribute({ SubnetId: Subnet?.SubnetId, MapPublicIpOnLaunch: { Value: true } });
    expect((await c.describeSubnets({ SubnetIds: [Subnet?.SubnetId ?? ''] })).Subnets?.[0]?.MapPublicIpOnLaunch).toBe(true);
    expect(await failure(c.describeSubnets({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] }))).toEqual(
      ec2Error('InvalidParameterValue', "The filter 'no-such-filter' is invalid"),
    );
  });

  it('refuses to delete a VPC with subnets (DependencyViolation), then deletes it with its default parts', async () => {
    const { Vpc } = await c.createVpc({ CidrBlock: '10.5.0.0/16' });
    const VpcId = Vpc?.VpcId ?? '';
    const { Subnet } = await c.createSubnet({ VpcId, CidrBlock: '10.5.0.0/24' });
    expect(await failure(c.deleteVpc({ VpcId }))).toEqual(ec2Error('DependencyViolation', `The vpc '${VpcId}' has dependencies and cannot be deleted.`));
    await c.deleteSubnet({ SubnetId: Subnet?.SubnetId });
    expect(await failure(c.deleteSubnet({ SubnetId: Subnet?.SubnetId }))).toEqual(
      ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${Subnet?.SubnetId}' does not exist`),
    );
    await c.deleteVpc({ VpcId });
    expect(t.ec2.state.resources().filter((r) => r.vpcId === VpcId)).toEqual([]);
    expect(await failure(c.describeVpcs({ VpcIds: [VpcId] }))).toMatchObject({ code: 'InvalidVpcID.NotFound' });
    expect(await failure(c.deleteVpc({ VpcId: 'nope' }))).toMatchObject({ code: 'InvalidVpcID.Malformed' });
  });

  it('paginates DescribeVpcs with MaxResults and NextToken', async () => {
    const client = t.client('eu-west-1');
    {
      for (let i = 0; i < 7; i++) await client.createVpc({ CidrBlock: `10.${i}.0.0/16` });
      const first = await client.describeVpcs({ MaxResults: 5 });
      expect(first.Vpcs).toHaveLength(5);
      const second = await client.describeVpcs({ MaxResults: 5, NextToken: first.NextToken });
      expect(second.Vpcs?.map((v) => v.CidrBlock)).toEqual(['10.5.0.0/16', '10.6.0.0/16']);
      expect(second.NextToken).toBeUndefined();
      expect(await failure(client.describeVpcs({ MaxResults: 2 }))).toMatchObject({ code: 'InvalidParameterValue' });
      expect(await failure(client.describeVpcs({ MaxResults: 5, NextToken: 'garbage' }))).toMatchObject({ code: 'InvalidPaginationToken' });
      expect((await client.describeVpcs({})).Vpcs).toHaveLength(7);
    }
  });
});

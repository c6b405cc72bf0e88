import { describe, expect, it } from 'vitest';
import { ec2Error, failure, filters, inProcess, inProcessSuite, network } from './test-support.js';

describe('internet gateways', () => {
  const t = inProcessSuite();
  const c = t.client();

  it("creates, attaches, detaches and deletes a gateway with EC2's errors on the way", async () => {
    const { vpcId } = await network(c);
    const { InternetGateway } = await c.createInternetGateway({
      TagSpecifications: [{ ResourceType: 'internet-gateway', Tags: [{ Key: 'Name', Value: 'gw' }] }],
    });
    const igw = InternetGateway?.InternetGatewayId ?? '';
    expect(igw).toMatch(/^igw-[0-9a-f]{17}$/);
    expect(InternetGateway?.Attachments).toEqual([]);
    expect(await failure(c.detachInternetGateway({ InternetGatewayId: igw, VpcId: vpcId }))).toEqual(
      ec2Error('Gateway.NotAttached', `resource ${igw} is not attached to network ${vpcId}`),
    );
    await c.attachInternetGateway({ InternetGatewayId: igw, VpcId: vpcId });
    expect(await failure(c.attachInternetGateway({ InternetGatewayId: igw, VpcId: vpcId }))).toEqual(
      ec2Error('Resource.AlreadyAssociated', `resource ${igw} is already attached to network ${vpcId}`),
    );
    const second = (await c.createInternetGateway({})).InternetGateway?.InternetGatewayId ?? '';
    expect(await failure(c.attachInternetGateway({ InternetGatewayId: second, VpcId: vpcId }))).toMatchObject({
      code: 'InvalidParameterValue',
      message: `Network ${vpcId} already has an internet gateway attached`,
    });
    const described = await c.describeInternetGateways({ Filters: [{ Name: 'attachment.vpc-id', Values: [vpcId] }] });
    expect(described.InternetGateways?.map((g) => [g.InternetGatewayId, g.Attachments, g.Tags])).toEqual([
      [igw, [{ VpcId: vpcId, State: 'available' }], [{ Key: 'Name', Value: 'gw' }]],
    ]);
    expect(await failure(c.deleteInternetGateway({ InternetGatewayId: igw }))).toEqual(
      ec2Error('DependencyViolation', `The internetGateway '${igw}' has dependencies and cannot be deleted.`),
    );
    expect(await failure(c.deleteVpc({ VpcId: vpcId }))).toMatchObject({ code: 'DependencyViolation' });
    await c.detachInternetGateway({ InternetGatewayId: igw, VpcId: vpcId });
    await c.deleteInternetGateway({ InternetGatewayId: igw });
    await c.deleteInternetGateway({ InternetGatewayId: second });
    expect(await failure(c.describeInternetGateways({ InternetGatewayIds: [igw] }))).toEqual(
      ec2Error('InvalidInternetGatewayID.NotFound', `The internetGateway ID '${igw}' does not exist`),
    );
  });
});

describe('route tables', () => {
  const t = inProcessSuite();
  const c = t.client('us-west-2');

  it('routes to a gateway, associates subnets and refuses to delete an associated table', async () => {
    const { vpcId, subnetId } = await network(c, 'us-west-2a');
    const igw = (await c.createInternetGateway({})).InternetGateway?.InternetGatewayId ?? '';
    const { RouteTable } = await c.createRouteTable({
      VpcId: vpcId,
      TagSpecifications: [{ ResourceType: 'route-table', Tags: [{ Key: 'tier', Value: 'public' }] }],
    });
    const rtb = RouteTable?.RouteTableId ?? '';
    expect(RouteTable?.Routes).toEqual([expect.objectContaining({ DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable' })]);
    expect(await failure(c.createRoute({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }))).toMatchObject({
      code: 'InvalidParameterValue',
      message: `route table ${rtb} and network gateway ${igw} belong to different networks`,
    });
    await c.attachInternetGateway({ InternetGatewayId: igw, VpcId: vpcId });
    await c.createRoute({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw });
    expect(await failure(c.createRoute({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }))).toEqual(
      ec2Error('RouteAlreadyExists', 'The route identified by 0.0.0.0/0 already exists.'),
    );
    expect(await failure(c.createRoute({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/99', GatewayId: igw }))).toMatchObject({
      code: 'InvalidParameterValue',
      message: 'Value (0.0.0.0/99) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.',
    });
    expect(await failure(c.createRoute({ RouteTableId: rtb, DestinationCidrBlock: '1.0.0.0/8', GatewayId: 'igw-00000000000000000' }))).toMatchObject({
      code: 'InvalidGatewayID.NotFound',
    });

    const { AssociationId } = await c.associateRouteTable({ RouteTableId: rtb, SubnetId: subnetId });
    expect(AssociationId).toMatch(/^rtbassoc-/);
    const other = (await c.createRouteTable({ VpcId: vpcId })).RouteTable?.RouteTableId ?? '';
    expect(await failure(c.associateRouteTable({ RouteTableId: other, SubnetId: subnetId }))).toMatchObject({
      code: 'Resource.AlreadyAssociated',
    });
    const bySubnet = await c.describeRouteTables({ Filters: [{ Name: 'association.subnet-id', Values: [subnetId] }] });
    expect(bySubnet.RouteTables?.map((r) => r.RouteTableId)).toEqual([rtb]);
    expect(bySubnet.RouteTables?.[0]?.Routes?.map((r) => [r.DestinationCidrBlock, r.GatewayId, r.State])).toEqual([
      ['10.0.0.0/16', 'local', 'active'],
      ['0.0.0.0/0', igw, 'active'],
    ]);
    expect(await failure(c.deleteRouteTable({ RouteTableId: rtb }))).toEqual(
      ec2Error('DependencyViolation', `The routeTable '${rtb}' has dependencies and cannot be deleted.`),
    );

    await c.detachInternetGateway({ InternetGatewayId: igw, VpcId: vpcId });
    const blackhole = await c.describeRouteTables({ RouteTableIds: [rtb] });
    expect(blackhole.RouteTables?.[0]?.Routes?.[1]?.State).toBe('blackhole');

    await c.disassociateRouteTable({ AssociationId });
    expect(await failure(c.disassociateRouteTable({ AssociationId }))).toEqual(
      ec2Error('InvalidAssociationID.NotFound', `The association ID '${AssociationId}' does not exist`),
    );
    await c.deleteRoute({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0' });
    await c.deleteRouteTable({ RouteTableId: rtb });
    expect(await failure(c.deleteRouteTable({ RouteTableId: rtb }))).toEqual(
      ec2Error('InvalidRouteTableID.NotFound', `The routeTable ID '${rtb}' does not exist`),
    );

    const main = (await c.describeRouteTables({ Filters: filters({ 'vpc-id': vpcId, 'association.main': 'true' }) })).RouteTables?.[0];
    expect(await failure(c.deleteRouteTable({ RouteTableId: main?.RouteTableId }))).toMatchObject({ code: 'DependencyViolation' });
    expect(await failure(c.disassociateRouteTable({ AssociationId: main?.Associations?.[0]?.RouteTableAssociationId }))).toMatchObject({
      code: 'InvalidParameterValue',
    });
    expect(await failure(c.deleteVpc({ VpcId: vpcId }))).toMatchObject({ code: 'DependencyViolation' }); // subnet, table `other`
    await c.deleteRouteTable({ RouteTableId: other });
    await c.deleteSubnet({ SubnetId: subnetId });
    await c.deleteInternetGateway({ InternetGatewayId: igw });
    await c.deleteVpc({ VpcId: vpcId });
    expect(t.ec2.state.count({ region: 'us-west-2' })).toBe(0);
  });

  it('creates a route table once per ClientToken, even while Describe does not show it yet', async () => {
    const { vpcId } = await network(c, 'us-west-2b');
    const consistency = t.ec2.faults.eventualConsistency({ describeCalls: 2, types: ['route-table'] });
    const tagged = (value: string) => [{ ResourceType: 'route-table' as const, Tags: [{ Key: 'role', Value: value }] }];
    const first = await c.createRouteTable({ VpcId: vpcId, ClientToken: 'rt-public-1', TagSpecifications: tagged('public') });
    consistency.cancel();
    expect(first.ClientToken).toBe('rt-public-1');
    const rtb = first.RouteTable?.RouteTableId ?? '';
    expect(await failure(c.describeRouteTables({ RouteTableIds: [rtb] }))).toMatchObject({ code: 'InvalidRouteTableID.NotFound' });
    const again = await c.createRouteTable({ VpcId: vpcId, ClientToken: 'rt-public-1', TagSpecifications: tagged('public') });
    expect(again.RouteTable).toEqual(first.RouteTable);
    expect(t.ec2.state.resources({ region: 'us-west-2', type: 'route-table' }).filter((r) => r.tags.role === 'public')).toHaveLength(1);
    expect(await failure(c.createRouteTable({ VpcId: vpcId, ClientToken: 'rt-public-1', TagSpecifications: tagged('private') }))).toEqual(
      ec2Error('IdempotentParameterMismatch', 'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).'),
    );
    expect(await failure(c.createRouteTable({ VpcId: vpcId, ClientToken: 't'.repeat(65) }))).toMatchObject({ code: 'InvalidParameterValue' });
    const other = await c.createRouteTable({ VpcId: vpcId, ClientToken: 'rt-public-2', TagSpecifications: tagged('public') });
    expect(other.RouteTable?.RouteTableId).not.toBe(rtb);
    await c.deleteRouteTable({ RouteTableId: other.RouteTable?.RouteTableId });
    await c.deleteRouteTable({ RouteTableId: rtb });
    expect((await c.createRouteTable({ VpcId: vpcId, ClientToken: 'rt-public-1', TagSpecifications: tagged('public') })).RouteTable?.RouteTableId).toBe(rtb);
  });

  it('rejects a route table in an unknown VPC', async () => {
    expect(await failure(c.createRouteTable({ VpcId: 'vpc-0aaaaaaaaaaaaaaaa' }))).toMatchObject({ code: 'InvalidVpcID.NotFound' });
  });
});

describe('a VPC with a non-main route table', () => {
  it('is a DependencyViolation to delete until the table goes', async () => {
    const t = inProcess();
    try {
      const c = t.client();
      const vpcId = (await c.createVpc({ CidrBlock: '10.9.0.0/16' })).Vpc?.VpcId ?? '';
      const rtb = (await c.createRouteTable({ VpcId: vpcId })).RouteTable?.RouteTableId ?? '';
      expect(await failure(c.deleteVpc({ VpcId: vpcId }))).toMatchObject({ code: 'DependencyViolation' });
      await c.deleteRouteTable({ RouteTableId: rtb });
      await c.deleteVpc({ VpcId: vpcId });
    } finally {
      t.close();
    }
  });
});

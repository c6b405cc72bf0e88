/**
 * The network stages of `applyPlan` (internal): the VPC, its internet gateway, the subnets and the
 * public route table. Each creates what is missing (tagged on creation; the route table with a
 * deterministic ClientToken), then sets what cannot be set at creation (DNS hostnames, public
 * addresses, the default route, associations).
 */
import {
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  ModifySubnetAttributeCommand,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import { ResultAsync } from 'neverthrow';
import { clientToken } from '../client-token.js';
import type { PlannedSubnet } from '../plan.js';
import { DONE_TAG, type StageOptions, type StageStep } from './stage.js';

/** The VPC: created, then given DNS hostnames (instances get public DNS names) and marked configured. */
export function vpcStage(stage: StageOptions): StageStep {
  const { plan, world } = stage;
  const vpc = world.vpc;
  if (!vpc) return stage.create('vpc', 'VPC', new CreateVpcCommand({ CidrBlock: plan.vpcCidr, TagSpecifications: stage.tagged('vpc', 'vpc') }));
  if (vpc.tags[DONE_TAG] === 'true') return undefined;
  return stage
    .send(new ModifyVpcAttributeCommand({ VpcId: vpc.id, EnableDnsHostnames: { Value: true } }))
    .andThen(() => stage.markDone(vpc.id))
    .map(() => stage.again('configuring the VPC', 0.01));
}

/** The internet gateway: created, then attached to the VPC. */
export function gatewayStage(stage: StageOptions): StageStep {
  const { vpc, gateway } = stage.world;
  if (!gateway)
    return stage.create('igw', 'internet gateway', new CreateInternetGatewayCommand({ TagSpecifications: stage.tagged('internet-gateway', 'igw') }));
  if (gateway.attachedTo === vpc?.id) return undefined;
  return stage
    .send(new AttachInternetGatewayCommand({ InternetGatewayId: gateway.id, VpcId: vpc?.id }))
    .map(() => stage.again('attaching the internet gateway', 0.01));
}

/** The subnets: every missing one created at once, then the public ones set to give instances public addresses. */
export function subnetsStage(stage: StageOptions): StageStep {
  const { world } = stage;
  const create = (s: PlannedSubnet) => ({
    what: `subnet ${s.role}`,
    command: new CreateSubnetCommand({ VpcId: world.vpc?.id, CidrBlock: s.cidr, AvailabilityZone: s.zone, TagSpecifications: stage.tagged('subnet', s.role) }),
  });
  return stage.createMissing('subnets', 'creating subnets', create) ?? publicAddressesStep(stage);
}

/** The public subnets set to give instances public addresses (each marked configured). */
function publicAddressesStep(stage: StageOptions): StageStep {
  const { plan, world } = stage;
  const unconfigured = plan.subnets.filter((s) => s.public && world.subnets[s.role]?.tags[DONE_TAG] !== 'true');
  if (unconfigured.length === 0) return undefined;
  const ids = unconfigured.map((s) => world.subnets[s.role]?.id ?? '');
  const configure = ids.map((id) =>
    stage.send(new ModifySubnetAttributeCommand({ SubnetId: id, MapPublicIpOnLaunch: { Value: true } })).andThen(() => stage.markDone(id)),
  );
  return ResultAsync.combine(configure).map(() => stage.again('configuring public subnets', 0.01));
}

/** The public route table: created, given the default route to the gateway, then associated with every public subnet. */
export function routeTableStage(stage: StageOptions): StageStep {
  const { plan, world } = stage;
  const { routeTable } = world;
  if (!routeTable) {
    // the ClientToken: a create whose answer was lost (a crash, while EC2 does not show the table yet) is answered with the same table;
    // a table waited for in vain (deleted by hand: EC2 would answer it again) is created anew under the next token
    const input = { VpcId: world.vpc?.id, TagSpecifications: stage.tagged('route-table', 'rt-public') };
    const token = clientToken(plan.id, 'rt-public', JSON.stringify(input), String(stage.lapses('rt-public')));
    return stage.create('rt-public', 'route table', new CreateRouteTableCommand({ ...input, ClientToken: token }));
  }
  if (!routeTable.defaultRoute) {
    return stage
      .send(new CreateRouteCommand({ RouteTableId: routeTable.id, DestinationCidrBlock: '0.0.0.0/0', GatewayId: world.gateway?.id }))
      .map(() => stage.again('adding the default route', 0.01));
  }
  const unassociated = plan.subnets
    .filter((s) => s.public)
    .map((s) => world.subnets[s.role]?.id ?? '')
    .filter((id) => !routeTable.subnets.includes(id));
  if (unassociated.length === 0) return undefined;
  const associate = unassociated.map((id) => stage.send(new AssociateRouteTableCommand({ RouteTableId: routeTable.id, SubnetId: id })));
  return ResultAsync.combine(associate).map(() => stage.again('associating public subnets', 0.01));
}

/**
 * The network stages of `applyPlan` (internal): the VPC, its internet gateway, the subnets and the
 * public route table. Each creates what is missing (tagged on creation; the route table with a
 * deterministic ClientToken), then sets what cannot be set at creation (DNS hostnames, public
 * addresses, the default route, associations). Each step's world is what its answers say: the
 * new resource's id from the create, the attribute just set. The VPC and the gateway, which a
 * restart could create twice, are built on only once Describe shows them alone (`creation.ts`).
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
  DescribeInternetGatewaysCommand,
  DescribeVpcsCommand,
  type CreateInternetGatewayCommandOutput,
  type CreateRouteTableCommandOutput,
  type CreateSubnetCommandOutput,
  type CreateVpcCommandOutput,
  type DescribeInternetGatewaysCommandOutput,
  type DescribeVpcsCommandOutput,
} from '@aws-sdk/client-ec2';
import { ResultAsync } from 'neverthrow';
import { clientToken } from '../client-token.js';
import { observedRouteTable } from '../observe.js';
import type { PlannedSubnet } from '../plan.js';
import { DONE_TAG, tagsOf, type Creation, type StageOptions, type StageStep } from './stage.js';

/** The VPC: created (and shown alone), then given DNS hostnames (instances get public DNS names) and marked configured. */
export function vpcStage(stage: StageOptions): StageStep {
  const { plan, world } = stage;
  const vpc = world.vpc;
  if (!vpc) {
    const tags = stage.tagged('vpc', 'vpc');
    return stage.create('vpc', {
      what: 'VPC',
      command: new CreateVpcCommand({ CidrBlock: plan.vpcCidr, TagSpecifications: tags }),
      id: (answer) => (answer as CreateVpcCommandOutput).Vpc?.VpcId,
      add: (w, id) => ({ ...w, vpc: { id, cidr: plan.vpcCidr, tags: tagsOf(tags) } }),
      alone: {
        describe: new DescribeVpcsCommand({ Filters: stage.owned }),
        ids: (answer) => ((answer as DescribeVpcsCommandOutput).Vpcs ?? []).map((v) => v.VpcId),
      },
    });
  }
  if (vpc.tags[DONE_TAG] === 'true') return undefined;
  return stage
    .send(new ModifyVpcAttributeCommand({ VpcId: vpc.id, EnableDnsHostnames: { Value: true } }))
    .andThen(() => stage.markDone(vpc.id))
    .map(() => stage.proceed('configuring the VPC', { ...world, vpc: { ...vpc, tags: { ...vpc.tags, [DONE_TAG]: 'true' } } }));
}

/** The internet gateway: created (and shown alone), then attached to the VPC. */
export function gatewayStage(stage: StageOptions): StageStep {
  const { world } = stage;
  const { vpc, gateway } = world;
  if (!gateway) {
    const listed = (answer: unknown) => ((answer as DescribeInternetGatewaysCommandOutput).InternetGateways ?? []).map((g) => g.InternetGatewayId);
    return stage.create('igw', {
      what: 'internet gateway',
      command: new CreateInternetGatewayCommand({ TagSpecifications: stage.tagged('internet-gateway', 'igw') }),
      id: (answer) => (answer as CreateInternetGatewayCommandOutput).InternetGateway?.InternetGatewayId,
      add: (w, id) => ({ ...w, gateway: { id } }),
      alone: { describe: new DescribeInternetGatewaysCommand({ Filters: stage.owned }), ids: listed },
    });
  }
  if (gateway.attachedTo === vpc?.id) return undefined;
  return stage
    .send(new AttachInternetGatewayCommand({ InternetGatewayId: gateway.id, VpcId: vpc?.id }))
    .map(() => stage.proceed('attaching the internet gateway', { ...world, gateway: { ...gateway, ...(vpc ? { attachedTo: vpc.id } : {}) } }));
}

/** The subnets: every missing one created at once, then the public ones set to give instances public addresses. */
export function subnetsStage(stage: StageOptions): StageStep {
  const { world } = stage;
  const create = (s: PlannedSubnet): Creation => {
    const tags = stage.tagged('subnet', s.role);
    return {
      what: `subnet ${s.role}`,
      command: new CreateSubnetCommand({ VpcId: world.vpc?.id, CidrBlock: s.cidr, AvailabilityZone: s.zone, TagSpecifications: tags }),
      id: (answer) => (answer as CreateSubnetCommandOutput).Subnet?.SubnetId,
      add: (w, id) => ({ ...w, subnets: { ...w.subnets, [s.role]: { id, cidr: s.cidr, tags: tagsOf(tags) } } }),
    };
  };
  return stage.createMissing('subnets', 'creating subnets', create) ?? publicAddressesStep(stage);
}

/** The public subnets set to give instances public addresses (each marked configured). */
function publicAddressesStep(stage: StageOptions): StageStep {
  const { plan, world } = stage;
  const unconfigured = plan.subnets.filter((s) => s.public && world.subnets[s.role]?.tags[DONE_TAG] !== 'true');
  if (unconfigured.length === 0) return undefined;
  const targets = unconfigured.flatMap((s) => {
    const subnet = world.subnets[s.role];
    return subnet ? [{ role: s.role, subnet }] : [];
  });
  const configure = targets.map(({ subnet }) =>
    stage.send(new ModifySubnetAttributeCommand({ SubnetId: subnet.id, MapPublicIpOnLaunch: { Value: true } })).andThen(() => stage.markDone(subnet.id)),
  );
  const configured = Object.fromEntries(targets.map(({ role, subnet }) => [role, { ...subnet, tags: { ...subnet.tags, [DONE_TAG]: 'true' } }]));
  return ResultAsync.combine(configure).map(() => stage.proceed('configuring public subnets', { ...world, subnets: { ...world.subnets, ...configured } }));
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
    const table = (answer: unknown) => (answer as CreateRouteTableCommandOutput).RouteTable;
    return stage.create('rt-public', {
      what: 'route table',
      command: new CreateRouteTableCommand({ ...input, ClientToken: token }),
      id: (answer) => table(answer)?.RouteTableId,
      // a create answered again by its ClientToken shows the table as it was made: a route or association it has since is met as NOT_SETTLED
      add: (w, id, answer) => ({ ...w, routeTable: observedRouteTable(id, table(answer) ?? {}) }),
    });
  }
  if (!routeTable.defaultRoute) {
    return stage
      .send(new CreateRouteCommand({ RouteTableId: routeTable.id, DestinationCidrBlock: '0.0.0.0/0', GatewayId: world.gateway?.id }))
      .map(() => stage.proceed('adding the default route', { ...world, routeTable: { ...routeTable, defaultRoute: true } }));
  }
  const unassociated = plan.subnets
    .filter((s) => s.public)
    .map((s) => world.subnets[s.role]?.id ?? '')
    .filter((id) => !routeTable.subnets.includes(id));
  if (unassociated.length === 0) return undefined;
  const associate = unassociated.map((id) => stage.send(new AssociateRouteTableCommand({ RouteTableId: routeTable.id, SubnetId: id })));
  const associated = { ...routeTable, subnets: [...routeTable.subnets, ...unassociated] };
  return ResultAsync.combine(associate).map(() => stage.proceed('associating public subnets', { ...world, routeTable: associated }));
}

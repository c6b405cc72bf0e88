/** CreateSubnet, DescribeSubnets, DeleteSubnet, ModifySubnetAttribute (internal). */
import { cidrsOverlap } from '@kubeception/sdk';
import { zoneId } from './catalog.js';
import { type Action, type ActionContext, lookup, RETURN_TRUE, tagSet } from './context.js';
import { Ec2Error, invalidValue, missing } from './errors.js';
import type { FilterTable } from './filters.js';
import { isLive } from './instance-lifecycle.js';
import type { Subnet } from './model.js';
import { deleteAction, describeAction, newResource } from './resource-actions.js';
import type { XmlObject } from './xml.js';

const SUBNET_FILTERS: FilterTable<Subnet> = {
  'subnet-id': (s) => s.id,
  'vpc-id': (s) => s.vpcId,
  'cidr-block': (s) => s.cidr.text,
  cidr: (s) => s.cidr.text,
  cidrBlock: (s) => s.cidr.text,
  'availability-zone': (s) => s.zone,
  availabilityZone: (s) => s.zone,
  'availability-zone-id': (s) => s.zoneId,
  state: () => 'available',
  'default-for-az': () => 'false',
  defaultForAz: () => 'false',
  'map-public-ip-on-launch': (s) => s.mapPublicIpOnLaunch,
};

/** Addresses AWS reserves in every subnet: the first four and the last. */
const RESERVED_PER_SUBNET = 5;

/** Instances that still hold an address in the subnet. */
export function liveInstancesIn(ctx: ActionContext, subnetId: string) {
  return ctx.region.list('instance').filter((i) => i.subnetId === subnetId && isLive(i, ctx.now, ctx.settings.delays));
}

function renderSubnet(ctx: ActionContext, s: Subnet): XmlObject {
  return {
    subnetId: s.id,
    subnetArn: `arn:aws:ec2:${ctx.region.name}:${ctx.settings.accountId}:subnet/${s.id}`,
    state: 'available',
    ownerId: ctx.settings.accountId,
    vpcId: s.vpcId,
    cidrBlock: s.cidr.text,
    ipv6CidrBlockAssociationSet: [],
    availableIpAddressCount: s.cidr.size - RESERVED_PER_SUBNET - liveInstancesIn(ctx, s.id).length,
    availabilityZone: s.zone,
    availabilityZoneId: s.zoneId,
    defaultForAz: false,
    mapPublicIpOnLaunch: s.mapPublicIpOnLaunch,
    assignIpv6AddressOnCreation: false,
    tagSet: tagSet(s.tags),
  };
}

function zoneFor(ctx: ActionContext): { zone: string; zoneId: string } {
  const zones = ctx.region.zones;
  const ids = zones.map((z, i) => zoneId(z, i));
  const byName = ctx.params.get('AvailabilityZone');
  const byId = ctx.params.get('AvailabilityZoneId');
  const index = byName !== undefined ? zones.indexOf(byName) : byId !== undefined ? ids.indexOf(byId) : ctx.region.list('subnet').length % zones.length;
  if (index < 0) {
    const given = byName ?? byId ?? '';
    throw invalidValue(
      `Value (${given}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${zones.join(', ')}.`,
    );
  }
  return { zone: zones[index] ?? '', zoneId: ids[index] ?? '' };
}

const createSubnet: Action = (ctx) => {
  const vpc = lookup(ctx, 'vpc', ctx.params.required('VpcId'));
  const cidr = ctx.params.cidr('CidrBlock');
  if (!cidr) throw missing('CidrBlock');
  const inVpc = cidr.prefix >= vpc.cidr.prefix && cidrsOverlap(vpc.cidr, cidr);
  if (cidr.prefix < 16 || cidr.prefix > 28 || !inVpc) throw new Ec2Error('InvalidSubnet.Range', `The CIDR '${cidr.text}' is invalid.`);
  if (ctx.region.list('subnet').some((s) => s.vpcId === vpc.id && cidrsOverlap(s.cidr, cidr)))
    throw new Ec2Error('InvalidSubnet.Conflict', `The CIDR '${cidr.text}' conflicts with another subnet`);
  const subnet = ctx.region.add<Subnet>({
    ...newResource(ctx, 'subnet'),
    vpcId: vpc.id,
    cidr,
    ...zoneFor(ctx),
    mapPublicIpOnLaunch: false,
  });
  return { subnet: { ...renderSubnet(ctx, subnet), state: 'pending' } };
};

/** Drops the subnet's route table association. */
function disassociate(ctx: ActionContext, subnet: Subnet): void {
  for (const t of ctx.region.list('route-table')) {
    const i = t.associations.findIndex((a) => a.subnetId === subnet.id);
    if (i >= 0) t.associations.splice(i, 1);
  }
}

const modifySubnetAttribute: Action = (ctx) => {
  const subnet = lookup(ctx, 'subnet', ctx.params.required('SubnetId'));
  const value = ctx.params.get('MapPublicIpOnLaunch.Value');
  if (value === undefined) {
    const other = ctx.params.entries().find(([k]) => k.endsWith('.Value'));
    if (other) return RETURN_TRUE; // attributes the fake does not model are accepted and ignored
    throw new Ec2Error('InvalidParameterCombination', 'No attributes specified.');
  }
  subnet.mapPublicIpOnLaunch = ctx.params.bool('MapPublicIpOnLaunch.Value', false);
  return RETURN_TRUE;
};

/** The subnet actions by name. */
export const subnetActions: Readonly<Record<string, Action>> = {
  CreateSubnet: createSubnet,
  DescribeSubnets: describeAction({ type: 'subnet', idParam: 'SubnetId', set: 'subnetSet', filters: SUBNET_FILTERS, render: renderSubnet }),
  DeleteSubnet: deleteAction({ type: 'subnet', idParam: 'SubnetId', inUse: (ctx, s) => liveInstancesIn(ctx, s.id).length > 0, cleanup: disassociate }),
  ModifySubnetAttribute: modifySubnetAttribute,
};

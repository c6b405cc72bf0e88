/** CreateVpc, DescribeVpcs, DeleteVpc, ModifyVpcAttribute, DescribeVpcAttribute (internal). */
import { type Action, type ActionContext, lookup, RETURN_TRUE, tagSet } from './context.js';
import { Ec2Error, invalidValue, missing } from './errors.js';
import type { FilterTable } from './filters.js';
import { isLive } from './instance-lifecycle.js';
import { newId, type Rule, type Vpc } from './model.js';
import { deleteAction, describeAction, newResource } from './resource-actions.js';
import type { XmlObject } from './xml.js';

const VPC_FILTERS: FilterTable<Vpc> = {
  'vpc-id': (v) => v.id,
  cidr: (v) => v.cidr.text,
  'cidr-block-association.cidr-block': (v) => v.cidr.text,
  'cidr-block-association.association-id': (v) => v.cidrAssociationId,
  'cidr-block-association.state': () => 'associated',
  state: () => 'available',
  'is-default': () => 'false',
  'dhcp-options-id': () => 'default',
};

function renderVpc(ctx: ActionContext, v: Vpc): XmlObject {
  return {
    vpcId: v.id,
    ownerId: ctx.settings.accountId,
    state: 'available',
    cidrBlock: v.cidr.text,
    cidrBlockAssociationSet: [{ cidrBlock: v.cidr.text, associationId: v.cidrAssociationId, cidrBlockState: { state: 'associated' } }],
    dhcpOptionsId: 'default',
    instanceTenancy: 'default',
    isDefault: false,
    tagSet: tagSet(v.tags),
  };
}

/** A rule allowing all traffic to/from `peer` (the default group's rules). */
function allowAll(peer: { cidr?: string; groupId?: string }): Rule {
  return { id: newId('sgr'), protocol: '-1', fromPort: undefined, toPort: undefined, cidr: peer.cidr, groupId: peer.groupId, description: undefined };
}

const createVpc: Action = (ctx) => {
  const cidr = ctx.params.cidr('CidrBlock');
  if (!cidr) throw missing('CidrBlock');
  if (cidr.prefix < 16 || cidr.prefix > 28) throw new Ec2Error('InvalidVpc.Range', `The CIDR '${cidr.text}' is invalid.`);
  const tenancy = ctx.params.get('InstanceTenancy');
  if (tenancy !== undefined && tenancy !== 'default') throw new Ec2Error('UnsupportedTenancy', `The tenancy value ${tenancy} is not supported.`);
  const vpc = ctx.region.add<Vpc>({
    ...newResource(ctx, 'vpc'),
    cidr,
    cidrAssociationId: newId('vpc-cidr-assoc', 8),
    enableDnsSupport: true,
    enableDnsHostnames: false,
  });
  ctx.region.add({
    ...newResource(ctx, 'route-table', new Map()),
    vpcId: vpc.id,
    routes: [{ destination: cidr.text, gatewayId: 'local', origin: 'CreateRouteTable' }],
    associations: [{ id: newId('rtbassoc'), subnetId: undefined, main: true }],
  });
  const group = newResource(ctx, 'security-group', new Map());
  ctx.region.add({
    ...group,
    vpcId: vpc.id,
    name: 'default',
    description: 'default VPC security group',
    ingress: [allowAll({ groupId: group.id })],
    egress: [allowAll({ cidr: '0.0.0.0/0' })],
  });
  return { vpc: { ...renderVpc(ctx, vpc), state: 'pending' } };
};

/** Whether anything but the VPC's main route table and default security group is still in it. */
function vpcInUse(ctx: ActionContext, vpc: Vpc): boolean {
  const r = ctx.region;
  return (
    r.list('subnet').some((s) => s.vpcId === vpc.id) ||
    r.list('internet-gateway').some((g) => g.vpcId === vpc.id) ||
    r.list('route-table').some((t) => t.vpcId === vpc.id && !t.associations.some((a) => a.main)) ||
    r.list('security-group').some((g) => g.vpcId === vpc.id && g.name !== 'default') ||
    r.list('instance').some((i) => i.vpcId === vpc.id && isLive(i, ctx.now, ctx.settings.delays))
  );
}

/** Deletes the VPC's main route table and default security group with it. */
function deleteDefaults(ctx: ActionContext, vpc: Vpc): void {
  for (const t of ctx.region.list('route-table')) if (t.vpcId === vpc.id) ctx.region.resources.delete(t.id);
  for (const g of ctx.region.list('security-group')) if (g.vpcId === vpc.id) ctx.region.resources.delete(g.id);
}

const VPC_ATTRIBUTES = { EnableDnsSupport: 'enableDnsSupport', EnableDnsHostnames: 'enableDnsHostnames' } as const;

const modifyVpcAttribute: Action = (ctx) => {
  const vpc = lookup(ctx, 'vpc', ctx.params.required('VpcId'));
  const given = (Object.keys(VPC_ATTRIBUTES) as (keyof typeof VPC_ATTRIBUTES)[]).filter((k) => ctx.params.get(`${k}.Value`) !== undefined);
  if (given.length === 0) throw new Ec2Error('InvalidParameterCombination', 'No attributes specified.');
  if (given.length > 1)
    throw new Ec2Error('InvalidParameterCombination', `Fields for multiple attribute types specified: ${given.map((k) => VPC_ATTRIBUTES[k]).join(', ')}`);
  const key = given[0] as keyof typeof VPC_ATTRIBUTES;
  const value = ctx.params.bool(`${key}.Value`, false);
  if (key === 'EnableDnsHostnames' && value && !vpc.enableDnsSupport) throw invalidValue('Cannot enable DNS hostnames if DNS support is disabled.');
  vpc[VPC_ATTRIBUTES[key]] = value;
  return RETURN_TRUE;
};

const describeVpcAttribute: Action = (ctx) => {
  const vpc = lookup(ctx, 'vpc', ctx.params.required('VpcId'));
  const attribute = ctx.params.required('Attribute');
  if (attribute !== 'enableDnsSupport' && attribute !== 'enableDnsHostnames')
    throw invalidValue(`Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`);
  return { vpcId: vpc.id, [attribute]: { value: vpc[attribute] } };
};

/** The VPC actions by name. */
export const vpcActions: Readonly<Record<string, Action>> = {
  CreateVpc: createVpc,
  DescribeVpcs: describeAction({ type: 'vpc', idParam: 'VpcId', set: 'vpcSet', filters: VPC_FILTERS, render: renderVpc }),
  DeleteVpc: deleteAction({ type: 'vpc', idParam: 'VpcId', inUse: vpcInUse, cleanup: deleteDefaults }),
  ModifyVpcAttribute: modifyVpcAttribute,
  DescribeVpcAttribute: describeVpcAttribute,
};

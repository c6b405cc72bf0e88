/** CreateVpc, DescribeVpcs, DeleteVpc, ModifyVpcAttribute, DescribeVpcAttribute (internal). */
import { parseCidr } from './cidr.js';
import { type Action, type ActionContext, lookup, RETURN_TRUE, tagSet, tagsOnCreate, visible } from './context.js';
import { dependencyViolation, Ec2Error, invalidCidr, invalidValue, missing } from './errors.js';
import { checkFilters, type FilterTable, matches, paginate } from './filters.js';
import { isLive } from './instance-lifecycle.js';
import { newId, type Rule, type Vpc } from './model.js';
import { filtersOf } from './params.js';
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
  const text = ctx.params.get('CidrBlock');
  if (text === undefined) throw missing('CidrBlock');
  const cidr = parseCidr(text);
  if (!cidr) throw invalidCidr(text);
  if (cidr.prefix < 16 || cidr.prefix > 28) throw new Ec2Error('InvalidVpc.Range', `The CIDR '${text}' is invalid.`);
  const tenancy = ctx.params.get('InstanceTenancy');
  if (tenancy !== undefined && tenancy !== 'default') throw new Ec2Error('UnsupportedTenancy', `The tenancy value ${tenancy} is not supported.`);
  const base = { createdAt: ctx.now };
  const vpc = ctx.region.add<Vpc>({
    ...base,
    type: 'vpc',
    id: newId('vpc'),
    tags: tagsOnCreate(ctx.params, 'vpc'),
    hiddenFor: ctx.hiddenFor('vpc'),
    cidr,
    cidrAssociationId: newId('vpc-cidr-assoc', 8),
    enableDnsSupport: true,
    enableDnsHostnames: false,
  });
  ctx.region.add({
    ...base,
    type: 'route-table',
    id: newId('rtb'),
    tags: new Map(),
    hiddenFor: ctx.hiddenFor('route-table'),
    vpcId: vpc.id,
    routes: [{ destination: cidr.text, gatewayId: 'local', origin: 'CreateRouteTable' }],
    associations: [{ id: newId('rtbassoc'), subnetId: undefined, main: true }],
  });
  const sgId = newId('sg');
  ctx.region.add({
    ...base,
    type: 'security-group',
    id: sgId,
    tags: new Map(),
    hiddenFor: ctx.hiddenFor('security-group'),
    vpcId: vpc.id,
    name: 'default',
    description: 'default VPC security group',
    ingress: [allowAll({ groupId: sgId })],
    egress: [allowAll({ cidr: '0.0.0.0/0' })],
  });
  return { vpc: { ...renderVpc(ctx, vpc), state: 'pending' } };
};

const describeVpcs: Action = (ctx) => {
  const filters = filtersOf(ctx.params);
  const table: FilterTable<Vpc> = { ...VPC_FILTERS, 'owner-id': () => ctx.settings.accountId };
  checkFilters(filters, table);
  const found = visible(ctx, 'vpc', ctx.params.list('VpcId')).filter((v) => matches(v, v.tags, filters, table));
  const { page, nextToken } = paginate(found, ctx.params);
  return { vpcSet: page.map((v) => renderVpc(ctx, v)), nextToken };
};

const deleteVpc: Action = (ctx) => {
  const vpc = lookup(ctx, 'vpc', ctx.params.required('VpcId'));
  const r = ctx.region;
  const inUse =
    r.list('subnet').some((s) => s.vpcId === vpc.id) ||
    r.list('internet-gateway').some((g) => g.vpcId === vpc.id) ||
    r.list('route-table').some((t) => t.vpcId === vpc.id && !t.associations.some((a) => a.main)) ||
    r.list('security-group').some((g) => g.vpcId === vpc.id && g.name !== 'default') ||
    r.list('instance').some((i) => i.vpcId === vpc.id && isLive(i, ctx.now, ctx.settings.delays));
  if (inUse) throw dependencyViolation('vpc', vpc.id);
  for (const t of r.list('route-table')) if (t.vpcId === vpc.id) r.resources.delete(t.id);
  for (const g of r.list('security-group')) if (g.vpcId === vpc.id) r.resources.delete(g.id);
  r.resources.delete(vpc.id);
  return RETURN_TRUE;
};

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
  DescribeVpcs: describeVpcs,
  DeleteVpc: deleteVpc,
  ModifyVpcAttribute: modifyVpcAttribute,
  DescribeVpcAttribute: describeVpcAttribute,
};

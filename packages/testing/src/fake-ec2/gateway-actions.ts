/** Create/Attach/Detach/Delete/DescribeInternetGateways (internal). */
import { type Action, type ActionContext, lookup, RETURN_TRUE, tagSet, tagsOnCreate, visible } from './context.js';
import { dependencyViolation, Ec2Error, invalidValue } from './errors.js';
import { checkFilters, type FilterTable, matches, paginate } from './filters.js';
import { isLive } from './instance-lifecycle.js';
import { type InternetGateway, newId } from './model.js';
import { filtersOf } from './params.js';
import type { XmlObject } from './xml.js';

const IGW_FILTERS: FilterTable<InternetGateway> = {
  'internet-gateway-id': (g) => g.id,
  'attachment.vpc-id': (g) => g.vpcId,
  'attachment.state': (g) => (g.vpcId ? 'available' : undefined),
};

function renderGateway(ctx: ActionContext, g: InternetGateway): XmlObject {
  return {
    internetGatewayId: g.id,
    ownerId: ctx.settings.accountId,
    attachmentSet: g.vpcId ? [{ vpcId: g.vpcId, state: 'available' }] : [],
    tagSet: tagSet(g.tags),
  };
}

const createInternetGateway: Action = (ctx) => {
  const gateway = ctx.region.add<InternetGateway>({
    type: 'internet-gateway',
    id: newId('igw'),
    tags: tagsOnCreate(ctx.params, 'internet-gateway'),
    createdAt: ctx.now,
    hiddenFor: ctx.hiddenFor('internet-gateway'),
    vpcId: undefined,
  });
  return { internetGateway: renderGateway(ctx, gateway) };
};

const attachInternetGateway: Action = (ctx) => {
  const gateway = lookup(ctx, 'internet-gateway', ctx.params.required('InternetGatewayId'));
  const vpc = lookup(ctx, 'vpc', ctx.params.required('VpcId'));
  if (gateway.vpcId !== undefined) throw new Ec2Error('Resource.AlreadyAssociated', `resource ${gateway.id} is already attached to network ${gateway.vpcId}`);
  if (ctx.region.list('internet-gateway').some((g) => g.vpcId === vpc.id)) throw invalidValue(`Network ${vpc.id} already has an internet gateway attached`);
  gateway.vpcId = vpc.id;
  return RETURN_TRUE;
};

const detachInternetGateway: Action = (ctx) => {
  const gateway = lookup(ctx, 'internet-gateway', ctx.params.required('InternetGatewayId'));
  const vpc = lookup(ctx, 'vpc', ctx.params.required('VpcId'));
  if (gateway.vpcId !== vpc.id) throw new Ec2Error('Gateway.NotAttached', `resource ${gateway.id} is not attached to network ${vpc.id}`);
  const mapped = ctx.region.list('instance').some((i) => i.vpcId === vpc.id && i.publicIp !== undefined && isLive(i, ctx.now, ctx.settings.delays));
  if (mapped)
    throw new Ec2Error(
      'DependencyViolation',
      `Network ${vpc.id} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.`,
    );
  gateway.vpcId = undefined;
  return RETURN_TRUE;
};

const deleteInternetGateway: Action = (ctx) => {
  const gateway = lookup(ctx, 'internet-gateway', ctx.params.required('InternetGatewayId'));
  if (gateway.vpcId !== undefined) throw dependencyViolation('internet-gateway', gateway.id);
  ctx.region.resources.delete(gateway.id);
  return RETURN_TRUE;
};

const describeInternetGateways: Action = (ctx) => {
  const filters = filtersOf(ctx.params);
  const table: FilterTable<InternetGateway> = { ...IGW_FILTERS, 'owner-id': () => ctx.settings.accountId };
  checkFilters(filters, table);
  const found = visible(ctx, 'internet-gateway', ctx.params.list('InternetGatewayId')).filter((g) => matches(g, g.tags, filters, table));
  const { page, nextToken } = paginate(found, ctx.params);
  return { internetGatewaySet: page.map((g) => renderGateway(ctx, g)), nextToken };
};

/** The internet gateway actions by name. */
export const gatewayActions: Readonly<Record<string, Action>> = {
  CreateInternetGateway: createInternetGateway,
  AttachInternetGateway: attachInternetGateway,
  DetachInternetGateway: detachInternetGateway,
  DeleteInternetGateway: deleteInternetGateway,
  DescribeInternetGateways: describeInternetGateways,
};

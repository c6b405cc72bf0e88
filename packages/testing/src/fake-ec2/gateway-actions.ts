/** Create/Attach/Detach/Delete/DescribeInternetGateways (internal). */
import { type Action, type ActionContext, lookup, RETURN_TRUE, tagSet } from './context.js';
import { Ec2Error, invalidValue } from './errors.js';
import type { FilterTable } from './filters.js';
import { isLive } from './instance-lifecycle.js';
import type { InternetGateway } from './model.js';
import { deleteAction, describeAction, newResource } from './resource-actions.js';
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
  const gateway = ctx.region.add<InternetGateway>({ ...newResource(ctx, 'internet-gateway'), vpcId: undefined });
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

/** The internet gateway actions by name. */
export const gatewayActions: Readonly<Record<string, Action>> = {
  CreateInternetGateway: createInternetGateway,
  AttachInternetGateway: attachInternetGateway,
  DetachInternetGateway: detachInternetGateway,
  DeleteInternetGateway: deleteAction({ type: 'internet-gateway', idParam: 'InternetGatewayId', inUse: (_ctx, g) => g.vpcId !== undefined }),
  DescribeInternetGateways: describeAction({
    type: 'internet-gateway',
    idParam: 'InternetGatewayId',
    set: 'internetGatewaySet',
    filters: IGW_FILTERS,
    render: renderGateway,
  }),
};

/**
 * CreateRouteTable (idempotent by `ClientToken`, see `client-tokens.ts`), CreateRoute, DeleteRoute,
 * Associate/DisassociateRouteTable, Describe/DeleteRouteTable(s) (internal).
 */
import { idempotent } from './client-tokens.js';
import { type Action, type ActionContext, lookup, RETURN_TRUE, tagSet } from './context.js';
import { Ec2Error, invalidValue } from './errors.js';
import type { FilterTable } from './filters.js';
import { newId, type Route, type RouteTable } from './model.js';
import { deleteAction, describeAction, newResource } from './resource-actions.js';
import type { XmlObject } from './xml.js';

const RTB_FILTERS: FilterTable<RouteTable> = {
  'route-table-id': (t) => t.id,
  'vpc-id': (t) => t.vpcId,
  'association.subnet-id': (t) => t.associations.flatMap((a) => (a.subnetId ? [a.subnetId] : [])),
  'association.route-table-association-id': (t) => t.associations.map((a) => a.id),
  'association.route-table-id': (t) => (t.associations.length > 0 ? t.id : undefined),
  'association.main': (t) => (t.associations.some((a) => a.main) ? 'true' : 'false'),
  'route.gateway-id': (t) => t.routes.map((r) => r.gatewayId),
  'route.destination-cidr-block': (t) => t.routes.map((r) => r.destination),
  'route.origin': (t) => t.routes.map((r) => r.origin),
};

function routeState(ctx: ActionContext, table: RouteTable, route: Route): string {
  if (route.gatewayId === 'local') return 'active';
  return ctx.region.find('internet-gateway', route.gatewayId)?.vpcId === table.vpcId ? 'active' : 'blackhole';
}

function renderTable(ctx: ActionContext, t: RouteTable): XmlObject {
  return {
    routeTableId: t.id,
    vpcId: t.vpcId,
    ownerId: ctx.settings.accountId,
    routeSet: t.routes.map((r) => ({ destinationCidrBlock: r.destination, gatewayId: r.gatewayId, state: routeState(ctx, t, r), origin: r.origin })),
    associationSet: t.associations.map((a) => ({
      routeTableAssociationId: a.id,
      routeTableId: t.id,
      subnetId: a.subnetId,
      main: a.main,
      associationState: { state: 'associated' },
    })),
    propagatingVgwSet: [],
    tagSet: tagSet(t.tags),
  };
}

const createRouteTable: Action = (ctx) => {
  const vpc = lookup(ctx, 'vpc', ctx.params.required('VpcId'));
  const table = ctx.region.add<RouteTable>({
    ...newResource(ctx, 'route-table'),
    vpcId: vpc.id,
    routes: [{ destination: vpc.cidr.text, gatewayId: 'local', origin: 'CreateRouteTable' }],
    associations: [],
  });
  return { routeTable: renderTable(ctx, table) };
};

const createRoute: Action = (ctx) => {
  const table = lookup(ctx, 'route-table', ctx.params.required('RouteTableId'));
  const destination = ctx.params.cidr('DestinationCidrBlock');
  if (!destination)
    throw new Ec2Error('MissingParameter', 'The request must contain exactly one of destinationCidrBlock, destinationIpv6CidrBlock or destinationPrefixListId');
  const gatewayId = ctx.params.get('GatewayId');
  if (gatewayId === undefined) throw new Ec2Error('InvalidParameterCombination', 'The fake EC2 models routes to internet gateways only: GatewayId is required');
  const gateway = ctx.region.find('internet-gateway', gatewayId);
  if (!gateway) throw new Ec2Error('InvalidGatewayID.NotFound', `The gateway ID '${gatewayId}' does not exist`);
  if (gateway.vpcId !== table.vpcId) throw invalidValue(`route table ${table.id} and network gateway ${gatewayId} belong to different networks`);
  if (table.routes.some((r) => r.destination === destination.text))
    throw new Ec2Error('RouteAlreadyExists', `The route identified by ${destination.text} already exists.`);
  table.routes.push({ destination: destination.text, gatewayId, origin: 'CreateRoute' });
  return RETURN_TRUE;
};

const deleteRoute: Action = (ctx) => {
  const table = lookup(ctx, 'route-table', ctx.params.required('RouteTableId'));
  const destination = ctx.params.required('DestinationCidrBlock');
  const i = table.routes.findIndex((r) => r.destination === destination);
  if (i < 0) throw new Ec2Error('InvalidRoute.NotFound', `no route with destination-cidr-block ${destination} in route table ${table.id}`);
  if (table.routes[i]?.gatewayId === 'local') throw invalidValue(`cannot remove local route ${destination} in route table ${table.id}`);
  table.routes.splice(i, 1);
  return RETURN_TRUE;
};

const associateRouteTable: Action = (ctx) => {
  const table = lookup(ctx, 'route-table', ctx.params.required('RouteTableId'));
  const subnet = lookup(ctx, 'subnet', ctx.params.required('SubnetId'));
  if (subnet.vpcId !== table.vpcId) throw invalidValue(`Route table ${table.id} and subnet ${subnet.id} belong to different networks`);
  const existing = ctx.region.list('route-table').find((t) => t.associations.some((a) => a.subnetId === subnet.id));
  if (existing)
    throw new Ec2Error('Resource.AlreadyAssociated', `the specified association for route table ${existing.id} conflicts with an existing association`);
  const association = { id: newId('rtbassoc'), subnetId: subnet.id, main: false };
  table.associations.push(association);
  return { associationId: association.id, associationState: { state: 'associated' } };
};

const disassociateRouteTable: Action = (ctx) => {
  const id = ctx.params.required('AssociationId');
  for (const t of ctx.region.list('route-table')) {
    const i = t.associations.findIndex((a) => a.id === id);
    if (i < 0) continue;
    if (t.associations[i]?.main) throw invalidValue(`cannot disassociate the main route table association ${id}`);
    t.associations.splice(i, 1);
    return RETURN_TRUE;
  }
  throw new Ec2Error('InvalidAssociationID.NotFound', `The association ID '${id}' does not exist`);
};

/** The route table actions by name. */
export const routeTableActions: Readonly<Record<string, Action>> = {
  CreateRouteTable: idempotent(createRouteTable),
  CreateRoute: createRoute,
  DeleteRoute: deleteRoute,
  AssociateRouteTable: associateRouteTable,
  DisassociateRouteTable: disassociateRouteTable,
  DeleteRouteTable: deleteAction({ type: 'route-table', idParam: 'RouteTableId', inUse: (_ctx, t) => t.associations.length > 0 }),
  DescribeRouteTables: describeAction({ type: 'route-table', idParam: 'RouteTableId', set: 'routeTableSet', filters: RTB_FILTERS, render: renderTable }),
};

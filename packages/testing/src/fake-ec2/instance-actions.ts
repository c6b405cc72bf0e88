/** DescribeInstances, TerminateInstances, DescribeInstanceAttribute and RunInstances (internal). */
import { type Action, lookup, visible } from './context.js';
import { Ec2Error, invalidValue, malformed, missing, notFound } from './errors.js';
import { checkFilters, type FilterTable, matches, paginate } from './filters.js';
import { STATE_CODES, stateAt, stateXml } from './instance-lifecycle.js';
import { privateDnsName, renderReservations } from './instance-render.js';
import type { Instance } from './model.js';
import { filtersOf } from './params.js';
import { runInstances } from './run-instances.js';

const describeInstances: Action = (ctx) => {
  const { delays } = ctx.settings;
  const state = (i: Instance) => stateAt(i, ctx.now, delays);
  const table: FilterTable<Instance> = {
    'instance-id': (i) => i.id,
    'instance-state-name': state,
    'instance-state-code': (i) => String(STATE_CODES[state(i)]),
    'vpc-id': (i) => i.vpcId,
    'subnet-id': (i) => i.subnetId,
    'instance-type': (i) => i.instanceType,
    'image-id': (i) => i.imageId,
    'availability-zone': (i) => i.zone,
    'private-ip-address': (i) => (state(i) === 'terminated' ? undefined : i.privateIp),
    'ip-address': (i) => (state(i) === 'terminated' ? undefined : i.publicIp),
    'private-dns-name': (i) => privateDnsName(ctx.region.name, i.privateIp),
    'client-token': (i) => i.clientToken,
    'reservation-id': (i) => i.reservationId,
    'key-name': (i) => i.keyName,
    'launch-index': (i) => String(i.launchIndex),
    'instance.group-id': (i) => i.groupIds,
    'group-id': (i) => i.groupIds,
    'network-interface.network-interface-id': (i) => i.networkInterfaceId,
    'owner-id': () => ctx.settings.accountId,
    architecture: (i) => i.architecture,
  };
  const filters = filtersOf(ctx.params);
  checkFilters(filters, table);
  const ids = ctx.params.list('InstanceId');
  if (ids.length > 0 && ctx.params.get('MaxResults') !== undefined)
    throw new Ec2Error('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
  const found = visible(ctx, 'instance', ids).filter((i) => matches(i, i.tags, filters, table));
  const { page, nextToken } = paginate(found, ctx.params);
  return { reservationSet: renderReservations(ctx, page), nextToken };
};

const terminateInstances: Action = (ctx) => {
  const ids = ctx.params.list('InstanceId');
  if (ids.length === 0) throw missing('InstanceId');
  const bad = ids.find((id) => !id.startsWith('i-'));
  if (bad !== undefined) throw malformed('instance', bad, 'i');
  const unknown = ids.filter((id) => !ctx.region.find('instance', id));
  if (unknown.length > 0) throw notFound('instance', unknown);
  const instancesSet = ids.map((id) => {
    const i = ctx.region.find('instance', id) as Instance;
    const previous = stateAt(i, ctx.now, ctx.settings.delays);
    if (i.terminateRequestedAt === undefined) i.terminateRequestedAt = ctx.now;
    return { instanceId: i.id, currentState: stateXml(stateAt(i, ctx.now, ctx.settings.delays)), previousState: stateXml(previous) };
  });
  return { instancesSet };
};

const describeInstanceAttribute: Action = (ctx) => {
  const i = lookup(ctx, 'instance', ctx.params.required('InstanceId'));
  const attribute = ctx.params.required('Attribute');
  if (attribute === 'userData') return { instanceId: i.id, userData: i.userData === undefined ? {} : { value: i.userData } };
  if (attribute === 'instanceType') return { instanceId: i.id, instanceType: { value: i.instanceType } };
  if (attribute === 'groupSet') return { instanceId: i.id, groupSet: i.groupIds.map((groupId) => ({ groupId })) };
  throw invalidValue(`Value (${attribute}) for parameter attribute is invalid. Unknown attribute.`);
};

/** The instance actions by name. */
export const instanceActions: Readonly<Record<string, Action>> = {
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  TerminateInstances: terminateInstances,
  DescribeInstanceAttribute: describeInstanceAttribute,
};

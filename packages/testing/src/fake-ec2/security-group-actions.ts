/** Create/Delete/DescribeSecurityGroups, Authorize ingress/egress, Revoke ingress/egress (internal). */
import { type Action, type ActionContext, lookup, RETURN_TRUE, tagSet } from './context.js';
import { dependencyViolation, Ec2Error, invalidValue, notFound } from './errors.js';
import type { FilterTable } from './filters.js';
import { isLive } from './instance-lifecycle.js';
import { newId, type SecurityGroup } from './model.js';
import { describeAction, newResource } from './resource-actions.js';
import { describeRule, parseRules, renderPermissions, renderRuleSet, sameRule } from './security-group-rules.js';
import type { XmlObject } from './xml.js';

const SG_FILTERS: FilterTable<SecurityGroup> = {
  'group-id': (g) => g.id,
  'group-name': (g) => g.name,
  'vpc-id': (g) => g.vpcId,
  description: (g) => g.description,
  'ip-permission.protocol': (g) => g.ingress.map((r) => r.protocol),
  'ip-permission.from-port': (g) => g.ingress.map((r) => String(r.fromPort ?? -1)),
  'ip-permission.to-port': (g) => g.ingress.map((r) => String(r.toPort ?? -1)),
  'ip-permission.cidr': (g) => g.ingress.flatMap((r) => (r.cidr ? [r.cidr] : [])),
  'ip-permission.group-id': (g) => g.ingress.flatMap((r) => (r.groupId ? [r.groupId] : [])),
  'egress.ip-permission.cidr': (g) => g.egress.flatMap((r) => (r.cidr ? [r.cidr] : [])),
  'egress.ip-permission.group-id': (g) => g.egress.flatMap((r) => (r.groupId ? [r.groupId] : [])),
};

function renderGroup(ctx: ActionContext, g: SecurityGroup): XmlObject {
  return {
    ownerId: ctx.settings.accountId,
    groupId: g.id,
    groupName: g.name,
    groupDescription: g.description,
    vpcId: g.vpcId,
    securityGroupArn: `arn:aws:ec2:${ctx.region.name}:${ctx.settings.accountId}:security-group/${g.id}`,
    ipPermissions: renderPermissions(ctx, g.ingress),
    ipPermissionsEgress: renderPermissions(ctx, g.egress),
    tagSet: tagSet(g.tags),
  };
}

const createSecurityGroup: Action = (ctx) => {
  const name = ctx.params.required('GroupName');
  const description = ctx.params.required('GroupDescription');
  const vpcId = ctx.params.get('VpcId');
  if (vpcId === undefined) throw new Ec2Error('VPCIdNotSpecified', 'No default VPC for this user');
  const vpc = lookup(ctx, 'vpc', vpcId);
  if (name.startsWith('sg-')) throw invalidValue('Group names may not be in the format sg-*.');
  if (name === 'default') throw invalidValue('Cannot use reserved security group name: default');
  if (name.length > 255 || description.length > 255) throw invalidValue('Group name and description may be at most 255 characters');
  if (ctx.region.list('security-group').some((g) => g.vpcId === vpc.id && g.name === name))
    throw new Ec2Error('InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${vpc.id}'`);
  const group = ctx.region.add<SecurityGroup>({
    ...newResource(ctx, 'security-group'),
    vpcId: vpc.id,
    name,
    description,
    ingress: [],
    egress: [],
  });
  group.egress.push({
    id: newId('sgr'),
    protocol: '-1',
    fromPort: undefined,
    toPort: undefined,
    cidr: '0.0.0.0/0',
    groupId: undefined,
    description: undefined,
  });
  return { return: true, groupId: group.id, securityGroupArn: renderGroup(ctx, group).securityGroupArn, tagSet: tagSet(group.tags) };
};

function groupOf(ctx: ActionContext): SecurityGroup {
  const id = ctx.params.get('GroupId');
  if (id !== undefined) return lookup(ctx, 'security-group', id);
  const name = ctx.params.get('GroupName');
  if (name === undefined) throw new Ec2Error('MissingParameter', 'The request must contain the parameter groupName or groupId');
  const found = ctx.region.list('security-group').filter((g) => g.name === name);
  if (found.length !== 1)
    throw found.length === 0
      ? notFound('security-group', [name])
      : new Ec2Error('VPCIdNotSpecified', 'No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.');
  return found[0] as SecurityGroup;
}

function authorize(egress: boolean): Action {
  return (ctx) => {
    const group = groupOf(ctx);
    const rules = parseRules(ctx, ctx.params);
    const list = egress ? group.egress : group.ingress;
    for (const rule of rules) {
      if (list.some((r) => sameRule(r, rule))) throw new Ec2Error('InvalidPermission.Duplicate', `the specified rule "${describeRule(rule)}" already exists`);
    }
    list.push(...rules);
    return { return: true, securityGroupRuleSet: renderRuleSet(ctx, group, rules, egress) };
  };
}

function revoke(egress: boolean): Action {
  return (ctx) => {
    const group = groupOf(ctx);
    const list = egress ? group.egress : group.ingress;
    const ruleIds = ctx.params.list('SecurityGroupRuleId');
    const wanted = ruleIds.length > 0 ? list.filter((r) => ruleIds.includes(r.id)) : parseRules(ctx, ctx.params);
    const known = wanted.filter((w) => list.some((r) => sameRule(r, w)));
    if (known.length === 0) throw new Ec2Error('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');
    for (const w of known)
      list.splice(
        list.findIndex((r) => sameRule(r, w)),
        1,
      );
    const unknown = wanted.filter((w) => !known.includes(w));
    return { return: true, unknownIpPermissionSet: unknown.length > 0 ? renderPermissions(ctx, unknown) : undefined };
  };
}

const deleteSecurityGroup: Action = (ctx) => {
  const group = groupOf(ctx);
  if (group.name === 'default') throw new Ec2Error('CannotDelete', `the specified group: "${group.id}" name: "default" cannot be deleted by a user`);
  const usedByInstance = ctx.region.list('instance').some((i) => i.groupIds.includes(group.id) && isLive(i, ctx.now, ctx.settings.delays));
  const referenced = ctx.region.list('security-group').some((g) => g.id !== group.id && [...g.ingress, ...g.egress].some((r) => r.groupId === group.id));
  if (usedByInstance || referenced) throw dependencyViolation('security-group', group.id);
  ctx.region.resources.delete(group.id);
  return RETURN_TRUE;
};

/** The groups named by `GroupName.N` (each must be among `found`), or all of `found`. */
function byName(ctx: ActionContext, found: SecurityGroup[]): SecurityGroup[] {
  const names = ctx.params.list('GroupName');
  if (names.length === 0) return found;
  const missingName = names.find((n) => !found.some((g) => g.name === n));
  if (missingName !== undefined) throw notFound('security-group', [missingName]);
  return found.filter((g) => names.includes(g.name));
}

/** The security group actions by name. */
export const securityGroupActions: Readonly<Record<string, Action>> = {
  CreateSecurityGroup: createSecurityGroup,
  AuthorizeSecurityGroupIngress: authorize(false),
  AuthorizeSecurityGroupEgress: authorize(true),
  RevokeSecurityGroupIngress: revoke(false),
  RevokeSecurityGroupEgress: revoke(true),
  DeleteSecurityGroup: deleteSecurityGroup,
  DescribeSecurityGroups: describeAction({
    type: 'security-group',
    idParam: 'GroupId',
    set: 'securityGroupInfo',
    filters: SG_FILTERS,
    render: renderGroup,
    narrow: byName,
  }),
};

/**
 * The security group stage of `applyPlan` (internal): every missing group created at once, then
 * every planned ingress rule a group lacks opened (a rule another pass opened meanwhile is fine).
 * Each step's world is what its answers say: the new groups' ids, the rules just opened.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  type CreateSecurityGroupCommandOutput,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { ec2Code } from '../ec2-errors.js';
import { ruleKey, type AwsWorld } from '../observe.js';
import type { Plan, PlannedRule } from '../plan.js';
import type { StageOptions, StageStep } from './stage.js';

/** A planned rule its group lacks, with the group's id. */
export interface MissingRule {
  readonly id: string;
  readonly rule: PlannedRule;
}

/** The security groups: created, then given their rules. */
export function securityGroupsStage(stage: StageOptions): StageStep {
  const { world } = stage;
  const create = (g: Plan['securityGroups'][number]) => ({
    what: `security group ${g.name}`,
    command: new CreateSecurityGroupCommand({
      GroupName: g.name,
      Description: `Kubeception ${g.name}`,
      VpcId: world.vpc?.id,
      TagSpecifications: stage.tagged('security-group', g.role, g.name),
    }),
    id: (answer: unknown) => (answer as CreateSecurityGroupCommandOutput).GroupId,
    add: (w: AwsWorld, id: string) => ({ ...w, securityGroups: { ...w.securityGroups, [g.role]: { id, rules: [], references: [] } } }),
  });
  return stage.createMissing('securityGroups', 'creating security groups', create) ?? rulesStep(stage);
}

/** Every planned ingress rule the groups lack opened (a rule another pass opened meanwhile is fine). */
function rulesStep(stage: StageOptions): StageStep {
  const { plan, world } = stage;
  const missing = missingRules(plan, world);
  if (missing.length === 0) return undefined;
  const authorize = missing.map(({ id, rule }) =>
    stage
      .send(new AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: [permission(world, rule)] }))
      .orElse((e) => (ec2Code(e.cause) === 'InvalidPermission.Duplicate' ? okAsync(undefined) : errAsync(e))),
  );
  return ResultAsync.combine(authorize).map(() => stage.proceed('opening security group rules', withRules(world, missing)));
}

/** `world` with the `opened` rules in their groups, as observe would see them. */
export function withRules(world: AwsWorld, opened: readonly MissingRule[]): AwsWorld {
  const securityGroups = Object.fromEntries(
    Object.entries(world.securityGroups).map(([role, group]) => {
      const mine = opened.filter((m) => m.id === group.id);
      const references = mine.flatMap(({ rule }) =>
        rule.group ? [{ protocol: rule.protocol, fromPort: rule.fromPort, toPort: rule.toPort, groupId: world.securityGroups[rule.group]?.id ?? '' }] : [],
      );
      const rules = mine.map(({ rule }) => ruleKey(rule.protocol, rule.fromPort, rule.toPort, sourceOf(world, rule)));
      return [role, { ...group, rules: [...group.rules, ...rules], references: [...group.references, ...references] }];
    }),
  );
  return { ...world, securityGroups };
}

/** The planned rules the observed groups lack, compared as observe keys them (a group source by its id). */
export function missingRules(plan: Plan, world: AwsWorld): MissingRule[] {
  return plan.securityGroups.flatMap((g) => {
    const have = world.securityGroups[g.role];
    return g.rules
      .filter((r) => !have?.rules.includes(ruleKey(r.protocol, r.fromPort, r.toPort, sourceOf(world, r))))
      .map((r) => ({ id: have?.id ?? '', rule: r }));
  });
}

/** A rule's source as observe keys it: a CIDR, or `sg:<group id>`. */
const sourceOf = (world: AwsWorld, r: PlannedRule) => (r.group ? `sg:${world.securityGroups[r.group]?.id ?? ''}` : (r.cidr ?? ''));

/** A planned rule as EC2 takes it: from a CIDR, or from the members of one of the cluster's groups. */
function permission(world: AwsWorld, rule: PlannedRule): IpPermission {
  return {
    IpProtocol: rule.protocol,
    FromPort: rule.fromPort,
    ToPort: rule.toPort,
    ...(rule.group ? { UserIdGroupPairs: [{ GroupId: world.securityGroups[rule.group]?.id }] } : { IpRanges: [{ CidrIp: rule.cidr }] }),
  };
}

/**
 * What every stage of `applyPlan` is given (internal): the plan, the world as observed (with what
 * the pass's earlier steps did), the node boot tokens, and the EC2 moves the stages share —
 * sending a command, creating a tagged resource once, marking one as configured, and the result
 * of a step: the progress to report, and the world its calls' answers say it left, when the pass
 * can go on without observing again.
 *
 * Stages run in the order of `applyPlan`'s table, and a stage runs only once every stage before it
 * is as planned: a stage may rely on what those built (the subnets stage on the VPC, the route
 * table stage on the internet gateway, the instances on the subnets and security groups).
 */
import { CreateTagsCommand, type EC2Client, type Filter, type ResourceType, type Tag, type TagSpecification } from '@aws-sdk/client-ec2';
import type { SecretValue } from '@kubeception/sdk';
import type { DriverError, DriverProgress } from '@kubeception/sdk/cluster';
import { ResultAsync } from 'neverthrow';
import { sendEc2, type Ec2Command } from '../ec2-command.js';
import { ownedBy, type AwsWorld } from '../observe.js';
import type { PendingCreations } from '../pending.js';
import { DONE_TAG, ROLE_TAG, type Plan } from '../plan.js';
import { createOnce, withCreated, type Creation } from './creation.js';

export type { Creation } from './creation.js';

/** Tag on a VPC or subnet whose attributes are set (see `plan.ts`). */
export { DONE_TAG };

/** The node a boot token is minted for: its roles in the cluster's PKI follow from `role`. */
export interface BootNode {
  /** The guest node's name (`<cluster>-master-0`, `<cluster>-<pool>-<i>`). */
  readonly name: string;
  /** Its role: the token may issue only this role's certificates. */
  readonly role: 'master' | 'worker';
}

/** How nodes get their boot token (see README "Node boot"). */
export interface BootTokens {
  readonly mint: (node: BootNode) => ResultAsync<SecretValue, DriverError>;
  readonly vaultAddr: string;
}

/**
 * What a stage's step did: the progress to report if the pass ends here and, when its calls'
 * answers say what the world is now, that `world`, so the pass can go on to the next stage without
 * observing again (the step's `progress` is then what the pass reports if it stops here).
 */
export interface StageResult {
  readonly progress: DriverProgress;
  /** The world as the step's calls left it, by their answers (the step's own part now as planned). */
  readonly world?: AwsWorld;
}

/** A stage's step toward the plan, or `undefined` when its part of the plan is as planned. */
export type StageStep = ResultAsync<StageResult, DriverError> | undefined;

/** The kinds of resources a plan lists and observe finds by role. */
export type PlannedKind = 'subnets' | 'securityGroups';

/** What every stage is given. */
export interface StageOptions {
  /** What the Cluster needs. */
  readonly plan: Plan;
  /** What observe found, with what the pass's earlier steps did. */
  readonly world: AwsWorld;
  /** The filter of what the cluster owns (its ownership tag). */
  readonly owned: Filter[];
  /** How nodes get their boot token. @default none: the planned user data, without a boot file */
  readonly boot?: BootTokens | undefined;
  /** Sends a command. */
  readonly send: (command: Ec2Command) => ResultAsync<unknown, DriverError>;
  /** Progress that asks to be called again after `factor` times the poll interval. */
  readonly again: (reason: string, factor?: number) => DriverProgress;
  /** A step that ends the pass: {@link StageOptions.again}'s progress, no world. */
  readonly stop: (reason: string, factor?: number) => StageResult;
  /** A step after which the pass goes on with `world`, what its calls left (its progress: `reason`, called again soon). */
  readonly proceed: (reason: string, world: AwsWorld) => StageResult;
  /** How many creations of `role` were waited for in vain in this process (see `PendingCreations.lapses`): part of a ClientToken. */
  readonly lapses: (role: string) => number;
  /** Whether a creation of `role` is still becoming visible (see `PendingCreations.pending`). */
  readonly pending: (role: string) => boolean;
  /** Notes that `role` was just created (pending until Describe shows it). */
  readonly record: (role: string) => void;
  /** Creates the resource of `role`, unless a creation of it is still becoming visible (the pass then ends, waiting). */
  readonly create: (role: string, creation: Creation) => ResultAsync<StageResult, DriverError>;
  /**
   * Creates the planned resources of `kind` that observe did not find, all at once, each as
   * {@link StageOptions.create} does: the first one's progress (else `again(reason)`), with the
   * world of them all when each was created; or `undefined` when none is missing.
   */
  readonly createMissing: <K extends PlannedKind>(kind: K, reason: string, creation: (resource: Plan[K][number]) => Creation) => StageStep;
  /** The tag specification of a resource of `role`: the plan's tags, the role, and `Name` (`<cluster-id>-<role>` unless given). */
  readonly tagged: (type: ResourceType, role: string, name?: string) => TagSpecification[];
  /** Tags the resource `id` as configured ({@link DONE_TAG}). */
  readonly markDone: (id: string) => ResultAsync<unknown, DriverError>;
}

/** What {@link stageOptions} builds the stages' options from. */
export interface StageInputs {
  /** Client of the cluster's region. */
  readonly ec2: EC2Client;
  readonly plan: Plan;
  readonly world: AwsWorld;
  /** Base interval between passes. */
  readonly pollMs: number;
  /** Creations EC2 acknowledged that Describe does not show yet. */
  readonly pending: PendingCreations;
  readonly boot?: BootTokens | undefined;
}

/** The options every stage of one pass is given. */
export function stageOptions(inputs: StageInputs): StageOptions {
  const { ec2, plan, world, pollMs, pending, boot } = inputs;
  const again = (reason: string, factor = 1): DriverProgress => ({ type: 'requeueAfter', ms: Math.max(1, Math.round(pollMs * factor)), reason });
  const send = (command: Ec2Command) => sendEc2(ec2, command);
  const createOne = (role: string, creation: Creation) => createOnce({ cluster: plan.id, pending, send, again }, role, creation);
  const result = (progress: DriverProgress, next: AwsWorld | undefined): StageResult => (next ? { progress, world: next } : { progress });
  return {
    plan,
    world,
    owned: ownedBy(plan.id),
    boot,
    send,
    again,
    stop: (reason, factor) => ({ progress: again(reason, factor) }),
    proceed: (reason, next) => ({ progress: again(reason, 0.01), world: next }),
    lapses: (role) => pending.lapses(plan.id, role),
    pending: (role) => pending.pending(plan.id, role),
    record: (role) => pending.record(plan.id, role),
    create: (role, creation) => createOne(role, creation).map((c) => result(c.progress, withCreated(world, [c]))),
    createMissing: <K extends PlannedKind>(kind: K, reason: string, creation: (resource: Plan[K][number]) => Creation) => {
      const planned: readonly Plan[K][number][] = plan[kind];
      const missing = planned.filter((p) => !world[kind][p.role]);
      if (missing.length === 0) return undefined;
      return ResultAsync.combine(missing.map((p) => createOne(p.role, creation(p)))).map((created) =>
        result(created[0]?.progress ?? again(reason), withCreated(world, created)),
      );
    },
    tagged: (type, role, name = `${plan.id}-${role}`) => [
      {
        ResourceType: type,
        Tags: [...Object.entries(plan.tags).map(([Key, Value]): Tag => ({ Key, Value })), { Key: ROLE_TAG, Value: role }, { Key: 'Name', Value: name }],
      },
    ],
    markDone: (id) => send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: DONE_TAG, Value: 'true' }] })),
  };
}

/** The tags of a tag specification as observe maps them (what a resource created with it carries). */
export function tagsOf(specification: readonly TagSpecification[]): Record<string, string> {
  return Object.fromEntries((specification[0]?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

/** The roles of the stages' resources observe sees (their creations are no longer pending). */
export function visibleRoles(world: AwsWorld): string[] {
  return [
    ...instanceRoles(world),
    ...(world.vpc ? ['vpc'] : []),
    ...(world.gateway ? ['igw'] : []),
    ...(world.routeTable ? ['rt-public'] : []),
    ...Object.keys(world.subnets),
    ...Object.keys(world.securityGroups),
  ];
}

/** The pending role of a node's launch with launch configuration `config` (see `instances.ts`): a replacement's launch is pending apart from the instance it replaces. */
export const instanceRole = (node: string, config: string) => `instance/${node}/${config}`;

/** The pending roles of the instances observe sees that are not going. */
export function instanceRoles(world: AwsWorld): string[] {
  return Object.entries(world.instances).flatMap(([node, list]) => list.filter((i) => i.state !== 'shutting-down').map((i) => instanceRole(node, i.config)));
}

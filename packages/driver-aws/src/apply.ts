/**
 * Steps toward the plan. A pass finds the first stage that is not as planned and does its step
 * (every create is tagged on creation; the route table and the instances use a deterministic
 * ClientToken); when the step's answers say what it left (a create's new id, an attribute set),
 * the pass goes on from there with the next stage instead of asking to be observed again, until a
 * step must wait (for instances to run, for a create to become visible) or the plan is met. The
 * calls are the ones one step per pass would make, in the same order, so a crash anywhere leaves
 * what it always left: nothing untracked, and what a crash makes twice (a VPC or gateway, while
 * EC2 does not show the first yet) is deleted (see docs/decisions/025).
 *
 * The stages, in order, are the table {@link STAGES}: duplicates, VPC, internet gateway, subnets,
 * route table, security groups, instances, retirements (see `stages/`).
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { DriverError, DriverProgress } from '@kubeception/sdk/cluster';
import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { ec2Code } from './ec2-errors.js';
import type { AwsWorld } from './observe.js';
import { PendingCreations } from './pending.js';
import type { Plan } from './plan.js';
import { duplicatesStage } from './stages/duplicates.js';
import { instancesStage, retirementsStage } from './stages/instances.js';
import { gatewayStage, routeTableStage, subnetsStage, vpcStage } from './stages/network.js';
import { securityGroupsStage } from './stages/security-groups.js';
import { instanceRoles, stageOptions, visibleRoles, type BootTokens, type StageOptions, type StageStep } from './stages/stage.js';
import type { Recalled } from './world-memory.js';

export type { BootNode, BootTokens } from './stages/stage.js';

/** Options of {@link applyPlan}. */
export interface ApplyOptions {
  /** Client of the cluster's region. */
  readonly ec2: EC2Client;
  /** What the Cluster needs. */
  readonly plan: Plan;
  /** The cluster's EC2 resources as observed. */
  readonly world: AwsWorld;
  /** Base interval between passes while something is being created. @default 1000 */
  readonly pollMs?: number | undefined;
  /** Creations EC2 acknowledged that Describe does not show yet (kept across passes). @default a new, empty record */
  readonly pending?: PendingCreations;
  /** How nodes get their boot token. @default none: the planned user data, without a boot file */
  readonly boot?: BootTokens | undefined;
}

/** What a pass did: its progress, the world its last step was given, and what that world is worth recalling as (see `WorldMemory`). */
export interface Applied {
  readonly progress: DriverProgress;
  /** The world as observed, with what the pass's steps before the last one did. */
  readonly world: AwsWorld;
  /**
   * `settled`: the pass found everything as planned and did nothing (`done`); `moving`: it ended
   * in the instance stages, the network and security groups as planned in `world`, so only
   * instances change until the next pass; else nothing to recall.
   */
  readonly left?: Recalled['kind'];
}

/** The stages, in the order each pass looks at them; each is named after its part of the plan. */
const STAGES: readonly ((stage: StageOptions) => StageStep)[] = [
  duplicatesStage,
  vpcStage,
  gatewayStage,
  subnetsStage,
  routeTableStage,
  securityGroupsStage,
  instancesStage,
  retirementsStage,
];
/** Where the instance stages begin in {@link STAGES}. */
const INSTANCE_STAGES = STAGES.indexOf(instancesStage);
/** Steps one pass makes at the most (the plan's stages take 12 from nothing). */
const MAX_STEPS = 24;

/**
 * What a step taken on answers rather than on Describe may meet while EC2 is not consistent yet:
 * a resource just created not found by the next call, or (a create answered again by its
 * ClientToken) a route or an association that already exists. The pass ends and observes.
 */
const NOT_SETTLED = /^(.*\.NotFound|RouteAlreadyExists|Resource\.AlreadyAssociated)$/;

/**
 * The pass toward `options.plan`: stage after stage while each step's answers say what it left,
 * then the last step's progress. `done` only when the pass found everything as planned without a
 * step: what a pass made is observed (and reported) by the next.
 */
export function applyPlan(options: ApplyOptions): ResultAsync<Applied, DriverError> {
  const pending = options.pending ?? new PendingCreations();
  // a world partly recalled rather than described is no evidence of what Describe shows, but for
  // its instances, described or (settled) seen by an earlier Describe
  pending.seen(options.plan.id, options.world.recalled ? instanceRoles(options.world) : visibleRoles(options.world));
  const inputs = { ...options, pollMs: options.pollMs ?? 1000, pending };
  const step = (world: AwsWorld, steps: number, last: DriverProgress): ResultAsync<Applied, DriverError> => {
    const stage = stageOptions({ ...inputs, world });
    const first = firstStep(stage);
    if (first === undefined) return okAsync(steps === 0 ? { progress: last, world, left: 'settled' } : { progress: last, world });
    const left = first.at >= INSTANCE_STAGES ? { left: 'moving' as const } : {};
    return first.step
      .orElse((e) =>
        steps > 0 && NOT_SETTLED.test(ec2Code(e.cause) ?? '') ? okAsync(stage.stop(`waiting for EC2 to show what it made: ${e.message}`)) : errAsync(e),
      )
      .andThen((result) =>
        result.world && steps + 1 < MAX_STEPS ? step(result.world, steps + 1, result.progress) : okAsync({ progress: result.progress, world, ...left }),
      );
  };
  return step(options.world, 0, { type: 'done' });
}

/** A stage's step, with the stage's place in {@link STAGES}. */
type Found = { readonly at: number; readonly step: NonNullable<StageStep> } | undefined;
const found = (at: number, step: StageStep): Found => (step ? { at, step } : undefined);

/** The first stage whose part is not as planned, and its step (the later stages are not asked). */
function firstStep(stage: StageOptions): Found {
  return STAGES.reduce<Found>((first, run, at) => first ?? found(at, run(stage)), undefined);
}

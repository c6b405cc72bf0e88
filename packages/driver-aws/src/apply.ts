/**
 * One step toward the plan. Each pass finds the first stage that is not as planned, does it
 * (every create is tagged on creation; the route table and the instances use a deterministic
 * ClientToken) and asks to be called again; so a crash anywhere leaves nothing untracked, and what
 * a crash makes twice (a VPC or gateway, while EC2 does not show the first yet) is deleted.
 *
 * The stages, in order, are the table {@link STAGES}: duplicates, VPC, internet gateway, subnets,
 * route table, security groups, instances, retirements (see `stages/`).
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { DriverError, DriverProgress } from '@kubeception/sdk/cluster';
import { okAsync, type ResultAsync } from 'neverthrow';
import type { AwsWorld } from './observe.js';
import { PendingCreations } from './pending.js';
import type { Plan } from './plan.js';
import { duplicatesStage } from './stages/duplicates.js';
import { instancesStage, retirementsStage } from './stages/instances.js';
import { gatewayStage, routeTableStage, subnetsStage, vpcStage } from './stages/network.js';
import { securityGroupsStage } from './stages/security-groups.js';
import { stageOptions, visibleRoles, type BootTokens, type StageOptions, type StageStep } from './stages/stage.js';

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

/** One step toward `options.plan`: the first stage's that is not as planned, or `done`. */
export function applyPlan(options: ApplyOptions): ResultAsync<DriverProgress, DriverError> {
  const pending = options.pending ?? new PendingCreations();
  pending.seen(options.plan.id, visibleRoles(options.world));
  const stage = stageOptions({ ...options, pollMs: options.pollMs ?? 1000, pending });
  // the first stage's step that is not as planned (the later stages are not asked)
  const step = STAGES.reduce<StageStep>((found, run) => found ?? run(stage), undefined);
  return step ?? okAsync({ type: 'done' });
}

/**
 * Test support of the apply stages: a Cluster's plan, the fake EC2 of `@kubeception/testing`
 * served on a port and reached with the real `@aws-sdk/client-ec2`, and passes of one stage on
 * what `observeWorld` finds there, as `applyPlan` makes them.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import type { DriverError, DriverProgress } from '@kubeception/sdk/cluster';
import type { Result } from 'neverthrow';
import { startFakeEc2, type StartedFakeEc2 } from '@kubeception/testing';
import { AMI, awsSpecOf, testCluster } from '../cluster.test-support.js';
import { observeWorld, type AwsWorld } from '../observe.js';
import { PendingCreations } from '../pending.js';
import { planCluster, type Plan } from '../plan.js';
import { stageOptions, visibleRoles, type BootTokens, type StageOptions, type StageStep } from './stage.js';

/** The image every test Cluster boots. */
export { AMI } from '../cluster.test-support.js';

/** A stage, as `applyPlan`'s table holds it. */
export type Stage = (stage: StageOptions) => StageStep;

/** What a pass may take instead of the bench's plan and what observe finds. */
export interface StepOptions {
  readonly plan?: Plan;
  /** A world observed before (stale). */
  readonly world?: AwsWorld;
  readonly boot?: BootTokens;
  /** Instead of the bench's (a process started again). */
  readonly pending?: PendingCreations;
}

/** A fake EC2 and the stages' view of one Cluster in it. */
export interface StageBench {
  readonly fake: StartedFakeEc2;
  readonly ec2: EC2Client;
  /** The plan of the bench's Cluster (see {@link testPlan}). */
  readonly plan: Plan;
  /** Shared by every pass, as the driver shares it. */
  readonly pending: PendingCreations;
  /** What observe finds now. */
  observe(): Promise<AwsWorld>;
  /** One pass of `run` on what observe finds now, as `applyPlan` makes it (with another plan, world or boot tokens, when given). */
  step(run: Stage, options?: StepOptions): Promise<Result<DriverProgress, DriverError> | undefined>;
  /** Passes of `run` (the fake's instances settling between them) until its part is as planned: the reasons it gave. */
  converge(run: Stage, options?: Omit<StepOptions, 'world'>): Promise<string[]>;
  close(): Promise<void>;
}

/** What a test Cluster differs in. */
export interface TestCluster {
  /** Over the defaults of `spec.provider.aws` (eu-west-1, m5.large masters and workers of {@link AMI}). */
  readonly aws?: Record<string, unknown>;
  /** Workers of its one pool `pool`. @default 2 */
  readonly workers?: number;
  /** `metadata.generation`. @default 1 */
  readonly generation?: number;
}

/** The plan of a valid Cluster `demo/<name>` (uid `uid-<name>`, generation 1 unless given, one master) in eu-west-1. */
export function testPlan(name: string, options: TestCluster = {}): Plan {
  const cluster = testCluster({
    name,
    namespace: 'demo',
    uid: `uid-${name}`,
    generation: options.generation ?? 1,
    aws: options.aws ?? {},
    pool: { replicas: options.workers ?? 2 },
  });
  return planCluster(cluster, awsSpecOf(cluster))._unsafeUnwrap();
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

/**
 * A fake EC2 (instances pending and shutting down for 5 ms, terminated ones listed for 1 ms unless
 * `retentionMs`) and the plan of `demo/<name>`; `pendingTtlMs` for the passes' `PendingCreations`.
 */
export async function startStageBench(name: string, cluster: TestCluster = {}, pendingTtlMs?: number, retentionMs = 1): Promise<StageBench> {
  const fake = await startFakeEc2({
    images: [{ id: AMI, name: 'kubeception-test' }],
    instanceDelays: { pendingMs: 5, shuttingDownMs: 5, terminatedRetentionMs: retentionMs },
  });
  const ec2 = new EC2Client({
    region: 'eu-west-1',
    endpoint: fake.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
  const plan = testPlan(name, cluster);
  const pending = new PendingCreations(pendingTtlMs);
  const observe = async () => (await observeWorld(ec2, plan.id))._unsafeUnwrap();
  const step: StageBench['step'] = async (run, options = {}) => {
    const world = options.world ?? (await observe());
    // as applyPlan does before its stages: what is visible is no longer pending
    const creations = options.pending ?? pending;
    creations.seen(plan.id, visibleRoles(world));
    // the step's progress: a pass stage by stage (the world its answers say it left is applyPlan's to use)
    return await run(stageOptions({ ec2, plan: options.plan ?? plan, world, pollMs: 100, pending: creations, boot: options.boot }))?.map((r) => r.progress);
  };
  const converge: StageBench['converge'] = async (run, options = {}) => {
    const reasons: string[] = [];
    for (let pass = 0; pass < 50; pass++, await settle()) {
      const progress: DriverProgress | undefined = (await step(run, options))?.match(
        (p) => p,
        (e) => {
          throw new Error(`stage failed: ${e.message}`);
        },
      );
      if (progress === undefined) return reasons;
      if (progress.type === 'requeueAfter') reasons.push(progress.reason);
    }
    throw new Error(`${run.name} not as planned after 50 passes: ${reasons.join('; ')}`);
  };
  return { fake, ec2, plan, pending, observe, step, converge, close: () => fake.close() };
}

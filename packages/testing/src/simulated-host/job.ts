/**
 * The Job controller (internal, non-indexed Jobs): runs up to `parallelism` pods until
 * `completions` succeeded (Complete) or more than `backoffLimit` failed (Failed); status counts.
 */
import type { Persisted } from '@kubeception/sdk';
import { JobResource, type Job } from '@kubeception/sdk/kube';
import { timestamp } from './clock.js';
import type { SimContext } from './context.js';
import type { Expectations } from './expectations.js';
import { worstOf, type Outcome } from './loop.js';
import { isActive, isReady, type StoredPod } from './objects.js';
import { createPods, deletePods, ownedPods, ownerRef, podFor } from './pod-template.js';
import { startPodController, writeStatus, type WorkloadController } from './workload-controller.js';

/** A Job as the cache holds it. */
export type StoredJob = Persisted<Job>;
const NAME = 'job';

/** Starts the Job controller. */
export function startJobs(ctx: SimContext): WorkloadController {
  return startPodController(ctx, {
    name: NAME,
    informer: ctx.informers.jobs,
    concurrency: 2,
    reconcile: (key, job, expectations) => reconcileJob(ctx, expectations, key, job),
  });
}

async function reconcileJob(ctx: SimContext, expectations: Expectations, key: string, job: StoredJob): Promise<Outcome> {
  const all = ownedPods(ctx, job.metadata.uid, true);
  const progress = jobProgress(job, all);
  const at = timestamp(ctx.clock);
  const pods = await syncJobPods(ctx, expectations, key, job, progress);
  const write = await writeStatus(ctx, ctx.kube.resource(JobResource), NAME, key, job, jobStatus(job, all, progress, at));
  return worstOf([pods, write]);
}

/** Where a Job stands, from its pods. */
export interface JobProgress {
  readonly active: readonly StoredPod[];
  readonly succeeded: number;
  readonly failed: number;
  /** A Complete or Failed condition is already True. */
  readonly done: boolean;
  /** `completions` pods succeeded. */
  readonly complete: boolean;
  /** More than `backoffLimit` pods failed. */
  readonly failedOut: boolean;
}

/** Where a Job stands, from all its pods (finished ones included). */
export function jobProgress(job: StoredJob, all: readonly StoredPod[]): JobProgress {
  const succeeded = all.filter((p) => p.status?.phase === 'Succeeded').length;
  const failed = all.filter((p) => p.status?.phase === 'Failed').length;
  return {
    active: all.filter(isActive),
    succeeded,
    failed,
    done: job.status?.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') ?? false,
    complete: succeeded >= (job.spec?.completions ?? 1),
    failedOut: failed > (job.spec?.backoffLimit ?? 6),
  };
}

/** Deletes the active pods of a finished or suspended Job, or creates pods up to `parallelism`. */
async function syncJobPods(ctx: SimContext, expectations: Expectations, key: string, job: StoredJob, progress: JobProgress): Promise<Outcome> {
  const { active, succeeded, done, complete, failedOut } = progress;
  if ((done || complete || failedOut || job.spec?.suspend) && active.length > 0) {
    expectations.deleted(key, active);
    return deletePods(ctx, NAME, key, active);
  }
  if (done || complete || failedOut) return 'done';
  const want = Math.min(job.spec?.parallelism ?? 1, (job.spec?.completions ?? 1) - succeeded) - active.length;
  const labels = {
    'batch.kubernetes.io/controller-uid': job.metadata.uid,
    'batch.kubernetes.io/job-name': job.metadata.name,
    'controller-uid': job.metadata.uid,
    'job-name': job.metadata.name,
  };
  const bodies = Array.from({ length: Math.max(0, want) }, () =>
    podFor(job.spec?.template, job.metadata.namespace, `${job.metadata.name}-`, labels, ownerRef(job, 'Job', 'batch/v1')),
  );
  const created = await createPods(ctx, NAME, key, bodies);
  expectations.created(key, created.created);
  return created.outcome;
}

/** The status of a Job: counts, its start, and once it is over the conditions saying how (`at`: now). */
export function jobStatus(job: StoredJob, all: readonly StoredPod[], progress: JobProgress, at: string) {
  const { active, succeeded, failed } = progress;
  return {
    ...(job.status?.startTime ? {} : { startTime: at }),
    active: active.length,
    ready: active.filter(isReady).length,
    succeeded,
    failed,
    terminating: all.filter((p) => p.metadata.deletionTimestamp !== undefined).length,
    ...outcomeStatus(progress, at),
  };
}

type JobCondition = { type: string; status: string; reason: string; message: string; lastProbeTime: string; lastTransitionTime: string };

function outcomeStatus({ done, complete, failedOut }: JobProgress, at: string): { completionTime?: string; conditions?: JobCondition[] } {
  const conditions = (reason: string, message: string, ...types: string[]): JobCondition[] =>
    types.map((type) => ({ type, status: 'True', reason, message, lastProbeTime: at, lastTransitionTime: at }));
  if (done) return {};
  if (complete) {
    return { completionTime: at, conditions: conditions('CompletionsReached', 'Reached expected number of succeeded pods', 'SuccessCriteriaMet', 'Complete') };
  }
  if (failedOut) return { conditions: conditions('BackoffLimitExceeded', 'Job has reached the specified backoff limit', 'FailureTarget', 'Failed') };
  return {};
}

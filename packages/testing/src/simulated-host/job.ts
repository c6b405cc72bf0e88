/**
 * The Job controller (internal, non-indexed Jobs): runs up to `parallelism` pods until
 * `completions` succeeded (Complete) or more than `backoffLimit` failed (Failed); status counts.
 */
import type { Persisted } from '@kubeception/sdk';
import { JobResource, type Job } from '@kubeception/sdk/kube';
import { jsonEqual, type Store } from '@kubeception/sdk/runtime';
import { timestamp } from './clock.js';
import { outcomeOf, type SimContext } from './context.js';
import { Expectations } from './expectations.js';
import { Loop, type Outcome } from './loop.js';
import { controllerUid, isActive, isReady, type StoredPod } from './objects.js';
import { createPods, deletePods, ownedPods, ownerRef, podFor } from './pod-template.js';

type StoredJob = Persisted<Job>;

/** Starts the Job controller. */
export function startJobs(ctx: SimContext): { loop: Loop; idle: () => boolean } {
  const { jobs, pods } = ctx.informers;
  const client = ctx.kube.resource(JobResource);
  const expectations = new Expectations();
  const byUid = new Map<string, string>();

  jobs.subscribe((e) => {
    if (e.type === 'Synced') return;
    const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
    if (e.type === 'Deleted') byUid.delete(e.object.metadata.uid);
    else {
      byUid.set(e.object.metadata.uid, key);
      loop.add(key);
    }
  });
  pods.subscribe((e) => {
    const key = e.type === 'Synced' ? undefined : byUid.get(controllerUid(e.object) ?? '');
    if (key) loop.add(key);
  });

  const finishedCondition = (job: StoredJob) => job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

  const reconcile = async (key: string): Promise<Outcome> => {
    const job = jobs.store.get(key) as StoredJob | undefined;
    if (!job || job.metadata.deletionTimestamp !== undefined) return 'done';
    if (!expectations.satisfied(key, pods.store as unknown as Store<StoredPod>)) {
      setTimeout(() => loop.add(key), 3_100).unref();
      return 'done';
    }
    const all = ownedPods(ctx, job.metadata.uid, true);
    const active = all.filter(isActive);
    const succeeded = all.filter((p) => p.status?.phase === 'Succeeded').length;
    const failed = all.filter((p) => p.status?.phase === 'Failed').length;
    const completions = job.spec?.completions ?? 1;
    const parallelism = job.spec?.parallelism ?? 1;
    const at = timestamp(ctx.clock);
    const done = finishedCondition(job) !== undefined;
    const complete = succeeded >= completions;
    const failedOut = failed > (job.spec?.backoffLimit ?? 6);
    let outcome: Outcome = 'done';
    if ((done || complete || failedOut || job.spec?.suspend) && active.length > 0) {
      expectations.deleted(key, active);
      outcome = await deletePods(ctx, 'job', key, active);
    } else if (!done && !complete && !failedOut) {
      const want = Math.min(parallelism, completions - succeeded) - active.length;
      const labels = {
        'batch.kubernetes.io/controller-uid': job.metadata.uid,
        'batch.kubernetes.io/job-name': job.metadata.name,
        'controller-uid': job.metadata.uid,
        'job-name': job.metadata.name,
      };
      const bodies = Array.from({ length: Math.max(0, want) }, () =>
        podFor(job.spec?.template, job.metadata.namespace, `${job.metadata.name}-`, labels, ownerRef(job, 'Job', 'batch/v1')),
      );
      const created = await createPods(ctx, 'job', key, bodies);
      expectations.created(key, created.created);
      outcome = created.outcome;
    }
    const finish = (type: string, reason: string, message: string) => [{ type, status: 'True', reason, message, lastProbeTime: at, lastTransitionTime: at }];
    const status = {
      ...(job.status?.startTime ? {} : { startTime: at }),
      active: active.length,
      ready: active.filter(isReady).length,
      succeeded,
      failed,
      terminating: all.filter((p) => p.metadata.deletionTimestamp !== undefined).length,
      ...(done
        ? {}
        : complete
          ? {
              completionTime: at,
              conditions: [
                ...finish('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'),
                ...finish('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods'),
              ],
            }
          : failedOut
            ? {
                conditions: [
                  ...finish('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
                  ...finish('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'),
                ],
              }
            : {}),
    };
    if (jsonEqual({ ...job.status, ...status }, job.status ?? {})) return outcome;
    const write = await client
      .patchStatus(job.metadata.name, { type: 'merge', body: { status } }, { namespace: job.metadata.namespace })
      .match(...outcomeOf(ctx, 'job', key));
    return outcome === 'retry' ? 'retry' : write;
  };

  const loop = new Loop({ name: 'job', clock: ctx.clock, reconcile, concurrency: 2, onError: ctx.onError });
  return { loop, idle: () => loop.idle() && expectations.size() === 0 };
}

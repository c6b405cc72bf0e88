import type { Job } from '@kubeception/sdk/kube';
import { describe, expect, it } from 'vitest';
import { jobProgress, jobStatus, type StoredJob } from './job.js';
import { stored, storedPod } from './stored-fixtures.js';

const AT = '2025-01-01T00:01:00Z';
type JobSpec = Omit<NonNullable<Job['spec']>, 'template'>;
const job = (spec: JobSpec = {}, status: Job['status'] = {}): StoredJob =>
  stored<Job>({ metadata: { name: 'batch' }, spec: { ...spec, template: {} }, status });
const pods = (...phases: string[]) => phases.map((phase, i) => storedPod(`p${i}`, { phase }));

describe('jobProgress', () => {
  it('counts active, succeeded and failed pods; terminating pods are not active', () => {
    const all = [...pods('Succeeded', 'Failed', 'Running', 'Pending'), storedPod('leaving', { terminating: true })];
    const progress = jobProgress(job({ completions: 3 }), all);
    expect(progress).toMatchObject({ succeeded: 1, failed: 1, done: false, complete: false, failedOut: false });
    expect(progress.active.map((p) => p.metadata.name)).toEqual(['p2', 'p3']);
  });

  it('is complete at `completions` successes, failed out beyond `backoffLimit` failures, done once a condition says so', () => {
    expect(jobProgress(job({ completions: 2 }), pods('Succeeded', 'Succeeded')).complete).toBe(true);
    expect(jobProgress(job({ backoffLimit: 1 }), pods('Failed')).failedOut).toBe(false);
    expect(jobProgress(job({ backoffLimit: 1 }), pods('Failed', 'Failed')).failedOut).toBe(true);
    expect(jobProgress(job({}, { conditions: [{ type: 'Failed', status: 'True' }] }), []).done).toBe(true);
    expect(jobProgress(job({}, { conditions: [{ type: 'Complete', status: 'False' }] }), []).done).toBe(false);
  });
});

describe('jobStatus', () => {
  it('counts, and sets the start time only once', () => {
    const all = [...pods('Running', 'Succeeded'), storedPod('leaving', { terminating: true, phase: 'Running' })];
    const fresh = job({ completions: 3 });
    expect(jobStatus(fresh, all, jobProgress(fresh, all), AT)).toEqual({ startTime: AT, active: 1, ready: 1, succeeded: 1, failed: 0, terminating: 1 });
    const started = job({ completions: 3 }, { startTime: '2025-01-01T00:00:00Z' });
    expect(jobStatus(started, all, jobProgress(started, all), AT)).not.toHaveProperty('startTime');
  });

  it('a complete Job gets SuccessCriteriaMet and Complete with its completion time', () => {
    const j = job({ completions: 1 });
    const all = pods('Succeeded');
    const status = jobStatus(j, all, jobProgress(j, all), AT);
    expect(status).toMatchObject({ completionTime: AT });
    expect(status.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['SuccessCriteriaMet', 'True', 'CompletionsReached'],
      ['Complete', 'True', 'CompletionsReached'],
    ]);
  });

  it('a Job beyond its backoff limit gets FailureTarget and Failed; one already done gets no conditions again', () => {
    const failing = job({ backoffLimit: 0 });
    const all = pods('Failed');
    expect(jobStatus(failing, all, jobProgress(failing, all), AT).conditions?.map((c) => [c.type, c.reason])).toEqual([
      ['FailureTarget', 'BackoffLimitExceeded'],
      ['Failed', 'BackoffLimitExceeded'],
    ]);
    const done = job({ backoffLimit: 0 }, { conditions: [{ type: 'Failed', status: 'True' }] });
    expect(jobStatus(done, all, jobProgress(done, all), AT)).not.toHaveProperty('conditions');
  });
});

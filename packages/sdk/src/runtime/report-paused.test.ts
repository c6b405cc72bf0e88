import { okAsync, errAsync } from 'neverthrow';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Patch } from '../kube/resource-client.js';
import type { KubeObject, Persisted } from '../resource.js';
import { pausedCondition, reportPaused } from './report-paused.js';

type Paused = KubeObject & {
  status?: {
    conditions?: { type: string; status: 'True' | 'False'; reason: string; message: string; lastTransitionTime: string; observedGeneration?: number }[];
  };
};

const log = pino({ level: 'silent' });
const object = (paused?: 'True' | 'False'): Persisted<Paused> => ({
  metadata: { name: 'a', namespace: 'ns', uid: 'u', resourceVersion: '1', generation: 3, creationTimestamp: '2026-01-01T00:00:00Z' },
  ...(paused === undefined
    ? {}
    : { status: { conditions: [{ type: 'Paused', status: paused, reason: 'Paused', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }] } }),
});

describe('pausedCondition', () => {
  it('is Paused=True once when paused, Paused=False once when resumed after a pause, and nothing otherwise', () => {
    expect(pausedCondition(object(), true)).toMatchObject({ type: 'Paused', status: 'True', reason: 'Paused' });
    expect(pausedCondition(object('False'), true)).toMatchObject({ status: 'True' });
    expect(pausedCondition(object('True'), true)).toBeUndefined();
    expect(pausedCondition(object('True'), false)).toMatchObject({ type: 'Paused', status: 'False', reason: 'AsExpected' });
    expect(pausedCondition(object('False'), false)).toBeUndefined();
    expect(pausedCondition(object(), false)).toBeUndefined();
  });
});

describe('reportPaused', () => {
  it('writes the condition through the status subresource and resolves to the object as written', async () => {
    const patches: Patch[] = [];
    const written = { ...object('True'), metadata: { ...object().metadata, resourceVersion: '2' } };
    const client = { patchStatus: (_name: string, patch: Patch) => (patches.push(patch), okAsync(written)) };
    expect(await reportPaused(client, object(), true, log)).toBe(written);
    expect(patches).toMatchObject([{ type: 'merge', body: { status: { conditions: [{ type: 'Paused', status: 'True', observedGeneration: 3 }] } } }]);
  });

  it('writes nothing when the condition already says so, and keeps the object when the write fails', async () => {
    const unused = { patchStatus: () => errAsync({ kind: 'Conflict' as const, code: 409, message: 'unexpected' }) };
    const already = object('True');
    expect(await reportPaused(unused, already, true, log)).toBe(already);
    const cached = object();
    expect(await reportPaused(unused, cached, true, log)).toBe(cached);
  });
});

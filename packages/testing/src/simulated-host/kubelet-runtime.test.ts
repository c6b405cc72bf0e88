import { describe, expect, it } from 'vitest';
import { createSimulatedClock } from './clock.js';
import { PodRuntime, RUN_SECONDS } from './kubelet-runtime.js';
import type { StoredPod } from './objects.js';
import { storedNode, storedPod, T0, type PodFacts } from './stored-fixtures.js';

const node = storedNode();

function setup(timing = { startDelayMs: 1_000, runDurationMs: 5_000 }) {
  const clock = createSimulatedClock({ start: T0 });
  const runtime = new PodRuntime(clock, timing);
  /** Sees the pod (first time: starting) and moves it forward; returns the record and the wake-up. */
  const step = (pod: StoredPod) => {
    const record = runtime.recordFor('default/p', pod, node);
    return { record, wake: runtime.advance('default/p', pod, node, record) };
  };
  return { clock, runtime, step };
}
const pod = (facts: PodFacts = {}) => storedPod('p', { node: 'node-1', ...facts });

describe('PodRuntime: a pod’s life', () => {
  it('starts the containers after the start delay, with an IP from the node’s pod CIDR', async () => {
    const { clock, step } = setup();
    const p = pod();
    expect(step(p)).toMatchObject({ record: { mode: 'starting' }, wake: 1_000 });
    await clock.advance(1_000);
    const { record, wake } = step(p);
    expect(record).toMatchObject({ mode: 'running', podIP: '10.244.0.2', hostIP: '172.18.0.2' });
    expect(wake).toBeUndefined();
  });

  it('a pod that does not restart succeeds after its run time (the annotation wins), and frees its IP', async () => {
    const { clock, step } = setup({ startDelayMs: 0, runDurationMs: 5_000 });
    const job = pod({ spec: { restartPolicy: 'Never' } });
    expect(step(job).wake).toBe(5_000);
    await clock.advance(5_000);
    expect(step(job).record).toMatchObject({ mode: 'succeeded', exitCode: 0 });
    const quick = { ...pod({ spec: { restartPolicy: 'OnFailure' } }), metadata: { ...job.metadata, uid: 'other', annotations: { [RUN_SECONDS]: '2' } } };
    expect(step(quick)).toMatchObject({ record: { podIP: '10.244.0.2' }, wake: 2_000 });
  });

  it('crash-loops with a doubling back-off once told to, and recovers', async () => {
    const { clock, runtime, step } = setup({ startDelayMs: 0, runDurationMs: 0 });
    const p = pod();
    step(p);
    runtime.direct('default/p', { kind: 'crash-loop' });
    const first = step(p);
    expect(first.record.mode).toBe('crash-loop');
    expect(first.record.containers.get('main')).toMatchObject({ restartCount: 1, lastTerminated: { exitCode: 1, reason: 'Error' } });
    expect(first.wake).toBe(10_000);
    await clock.advance(10_000);
    const second = step(p);
    expect(second.record.containers.get('main')?.restartCount).toBe(2);
    expect(second.wake).toBe(20_000);
    runtime.direct('default/p', { kind: 'recover' });
    expect(step(p).record.mode).toBe('running');
  });

  it('restarts a container whose image changed', () => {
    const { step } = setup({ startDelayMs: 0, runDurationMs: 0 });
    const p = pod();
    step(p);
    const updated = { ...p, spec: { ...p.spec, containers: [{ name: 'main', image: 'app:2' }] } } as StoredPod;
    expect(step(updated).record.containers.get('main')).toMatchObject({
      image: 'app:2',
      restartCount: 1,
      lastTerminated: { exitCode: 0, reason: 'Completed' },
    });
  });
});

describe('PodRuntime: bookkeeping', () => {
  it('keeps a directive given before the pod is first seen, and starts afresh for a new pod of the same name', () => {
    const { runtime, step } = setup({ startDelayMs: 0, runDurationMs: 0 });
    runtime.direct('default/p', { kind: 'fail', exitCode: 3, reason: 'Boom' });
    const p = pod();
    expect(step(p).record).toMatchObject({ mode: 'failed', exitCode: 3, reason: 'Boom' });
    const again = { ...p, metadata: { ...p.metadata, uid: 'new' } };
    expect(step(again).record).toMatchObject({ uid: 'new', mode: 'running' });
  });

  it('knows when the cache is behind its last status write', () => {
    const { runtime } = setup();
    expect(runtime.behind('default/p', 1)).toBe(false);
    runtime.wrote('default/p', 5);
    expect(runtime.behind('default/p', 4)).toBe(true);
    expect(runtime.behind('default/p', 5)).toBe(false);
    runtime.forget('default/p');
    expect(runtime.behind('default/p', 4)).toBe(false);
  });
});

import type { Deployment, ReplicaSet } from '@kubeception/sdk/kube';
import { describe, expect, it } from 'vitest';
import {
  latestRevision,
  newReplicaSet,
  planRollout,
  REVISION,
  type RolloutStep,
  type RolloutView,
  type StoredDeployment,
  type StoredRs,
} from './deployment-rollout.js';
import { stored, storedPod, type PodFacts } from './stored-fixtures.js';

const deployment = (replicas: number, strategy: NonNullable<Deployment['spec']>['strategy']): StoredDeployment =>
  stored<Deployment>({ metadata: { name: 'web' }, spec: { replicas, strategy, selector: {}, template: { metadata: { labels: { app: 'web' } } } } });
const RECREATE = { type: 'Recreate' };
const SURGE_ONE = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };

/** ReplicaSets with their replicas and pods, in order of creation. */
function world(...sets: { name: string; replicas: number; pods?: PodFacts[]; revision?: number }[]) {
  const rs = sets.map((s) =>
    stored<ReplicaSet>({ metadata: { name: s.name, annotations: { [REVISION]: String(s.revision ?? 1) } }, spec: { replicas: s.replicas, selector: {} } }),
  );
  const pods = new Map(rs.map((r, i) => [r, (sets[i]?.pods ?? []).map((facts, j) => storedPod(`${r.metadata.name}-${j}`, facts))]));
  const view: RolloutView = {
    replicasOf: (r) => r.spec?.replicas ?? 0,
    podsOf: (r, all = false) => (pods.get(r) ?? []).filter((p) => all || (p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')),
  };
  return { rs, view };
}
const ready = (n: number): PodFacts[] => Array.from({ length: n }, () => ({}));
const unready = (n: number): PodFacts[] => Array.from({ length: n }, () => ({ ready: false }));
const scaled = (step: RolloutStep | undefined) => (step?.kind === 'scale' ? step.changes.map((c) => [c.rs.metadata.name, c.replicas]) : step);

describe('planRollout: Recreate', () => {
  it('scales every old ReplicaSet to zero, waits for their pods to go, then creates and sizes the new one', () => {
    const d = deployment(3, RECREATE);
    const running = world({ name: 'v1', replicas: 3, pods: ready(3) }, { name: 'v0', replicas: 1, pods: ready(1) });
    expect(scaled(planRollout(d, undefined, running.rs, running.view))).toEqual([
      ['v1', 0],
      ['v0', 0],
    ]);
    const stopping = world({ name: 'v1', replicas: 0, pods: ready(1) });
    expect(planRollout(d, undefined, stopping.rs, stopping.view)).toEqual({ kind: 'wait' });
    const gone = world({ name: 'v1', replicas: 0, pods: [{ phase: 'Succeeded' }] });
    expect(planRollout(d, undefined, gone.rs, gone.view)).toEqual({ kind: 'create', replicas: 3 });
    const next = world({ name: 'v1', replicas: 0 }, { name: 'v2', replicas: 1 });
    const [v1, v2] = next.rs as [StoredRs, StoredRs];
    expect(scaled(planRollout(d, v2, [v1], next.view))).toEqual([['v2', 3]]);
  });
});

describe('planRollout: RollingUpdate (maxSurge 1, maxUnavailable 0)', () => {
  const d = deployment(3, SURGE_ONE);

  it('a first rollout creates the new ReplicaSet at full size; one at its size needs nothing', () => {
    const { view } = world();
    expect(planRollout(d, undefined, [], view)).toEqual({ kind: 'create', replicas: 3 });
    const done = world({ name: 'v1', replicas: 3, pods: ready(3) });
    expect(planRollout(d, done.rs[0], [], done.view)).toBeUndefined();
  });

  it('creates the new ReplicaSet within the surge', () => {
    const old = world({ name: 'v1', replicas: 3, pods: ready(3) });
    expect(planRollout(d, undefined, old.rs, old.view)).toEqual({ kind: 'create', replicas: 1 });
  });

  it('scales the old ReplicaSet down only as new pods become available', () => {
    const starting = world({ name: 'v1', replicas: 3, pods: ready(3) }, { name: 'v2', replicas: 1, pods: unready(1) });
    const [v1, v2] = starting.rs as [StoredRs, StoredRs];
    expect(planRollout(d, v2, [v1], starting.view)).toBeUndefined();
    const up = world({ name: 'v1', replicas: 3, pods: ready(3) }, { name: 'v2', replicas: 1, pods: ready(1) });
    const [u1, u2] = up.rs as [StoredRs, StoredRs];
    expect(scaled(planRollout(d, u2, [u1], up.view))).toEqual([['v1', 2]]);
  });

  it('grows the new ReplicaSet into the room the old one left, and shrinks it when above the spec', () => {
    const room = world({ name: 'v1', replicas: 2, pods: ready(2) }, { name: 'v2', replicas: 1, pods: ready(1) });
    const [r1, r2] = room.rs as [StoredRs, StoredRs];
    expect(scaled(planRollout(d, r2, [r1], room.view))).toEqual([['v2', 2]]);
    const above = world({ name: 'v1', replicas: 1, pods: ready(1) }, { name: 'v2', replicas: 5, pods: ready(5) });
    const [a1, a2] = above.rs as [StoredRs, StoredRs];
    expect(scaled(planRollout(d, a2, [a1], above.view))).toEqual([['v2', 3]]);
  });

  it('scales unhealthy old ReplicaSets down first, oldest first', () => {
    const mixed = world(
      { name: 'v0', replicas: 1, pods: unready(1) },
      { name: 'v1', replicas: 2, pods: ready(2) },
      { name: 'v2', replicas: 3, pods: ready(3) },
    );
    const [v0, v1, v2] = mixed.rs as [StoredRs, StoredRs, StoredRs];
    expect(scaled(planRollout(d, v2, [v1, v0], mixed.view))).toEqual([
      ['v0', 0],
      ['v1', 0],
    ]);
  });
});

describe('newReplicaSet', () => {
  it('is named and selected by the template hash, owned by the Deployment, with the revision', () => {
    const d = deployment(3, SURGE_ONE);
    const rs = newReplicaSet(d, 'abc', 1, latestRevision([]) + 1);
    expect(rs.metadata).toMatchObject({ name: 'web-abc', labels: { app: 'web', 'pod-template-hash': 'abc' }, annotations: { [REVISION]: '1' } });
    expect(rs.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true });
    expect(rs.spec).toMatchObject({ replicas: 1, selector: { matchLabels: { 'pod-template-hash': 'abc' } } });
  });
});

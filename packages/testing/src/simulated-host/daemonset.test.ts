import type { DaemonSet } from '@kubeception/sdk/kube';
import { describe, expect, it } from 'vitest';
import { GENERATION, planDaemonPods, podsByTargetNode, type StoredDs } from './daemonset.js';
import type { StoredPod } from './objects.js';
import { stored, storedPod, type PodFacts } from './stored-fixtures.js';

const daemonSet = (generation: number, strategy?: 'OnDelete' | 'RollingUpdate'): StoredDs =>
  stored<DaemonSet>({ metadata: { name: 'agent', generation }, spec: { ...(strategy ? { updateStrategy: { type: strategy } } : {}) } as DaemonSet['spec'] });

/** A daemon pod bound to `node`, of `generation` 1 unless told. */
const daemonPod = (name: string, node: string, facts: PodFacts & { generation?: number } = {}): StoredPod =>
  storedPod(name, { node, labels: { [GENERATION]: String(facts.generation ?? 1) }, ...facts });

/** A daemon pod not scheduled yet, pinned to `node` by node affinity. */
const pinnedPod = (name: string, node: string): StoredPod =>
  storedPod(name, {
    phase: 'Pending',
    ready: false,
    labels: { [GENERATION]: '1' },
    spec: {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] },
        },
      },
    },
  });

const byNode = (...pods: StoredPod[]) => podsByTargetNode(pods);
const names = (pods: readonly StoredPod[]) => pods.map((p) => p.metadata.name);
const exists =
  (...nodes: string[]) =>
  (name: string) =>
    nodes.includes(name);

describe('podsByTargetNode', () => {
  it('files pods by their node, or by the node their affinity pins them to, and leaves out pods meant for none', () => {
    const grouped = byNode(daemonPod('a', 'node-1'), pinnedPod('b', 'node-2'), daemonPod('c', 'node-1'), storedPod('loose'));
    expect([...grouped].map(([node, pods]) => [node, names(pods)])).toEqual([
      ['node-1', ['a', 'c']],
      ['node-2', ['b']],
    ]);
  });
});

describe('planDaemonPods', () => {
  it('creates a pod on each eligible node without one, in the order of the nodes', () => {
    const plan = planDaemonPods(daemonSet(1), ['node-1', 'node-2', 'node-3'], byNode(daemonPod('a', 'node-2')), exists('node-1', 'node-2', 'node-3'));
    expect(plan).toEqual({ createOn: ['node-1', 'node-3'], remove: [] });
  });

  it('keeps the first pod of a node and deletes the others', () => {
    const plan = planDaemonPods(daemonSet(1), ['node-1'], byNode(daemonPod('a', 'node-1'), daemonPod('b', 'node-1')), exists('node-1'));
    expect(names(plan.remove)).toEqual(['b']);
  });

  it('deletes pods of nodes no longer eligible, but leaves pods bound to a removed node to pod GC', () => {
    const pods = byNode(daemonPod('tainted', 'node-1'), daemonPod('orphan', 'gone'), pinnedPod('never-bound', 'gone-too'));
    const plan = planDaemonPods(daemonSet(1), [], pods, exists('node-1'));
    expect(names(plan.remove)).toEqual(['tainted', 'never-bound']);
  });

  it('replaces one pod of an old generation at a time, and only while every eligible node has an available pod', () => {
    const current = byNode(daemonPod('a', 'node-1'), daemonPod('b', 'node-2'));
    expect(names(planDaemonPods(daemonSet(2), ['node-1', 'node-2'], current, exists('node-1', 'node-2')).remove)).toEqual(['a']);
    const oneUnready = byNode(daemonPod('a', 'node-1'), daemonPod('b', 'node-2', { ready: false }));
    expect(planDaemonPods(daemonSet(2), ['node-1', 'node-2'], oneUnready, exists('node-1', 'node-2')).remove).toEqual([]);
    const oneMissing = byNode(daemonPod('a', 'node-1'));
    expect(planDaemonPods(daemonSet(2), ['node-1', 'node-2'], oneMissing, exists('node-1', 'node-2')).remove).toEqual([]);
  });

  it('replaces nothing with the OnDelete strategy, and nothing of the current generation', () => {
    const pods = byNode(daemonPod('a', 'node-1'), daemonPod('b', 'node-2', { generation: 2 }));
    expect(planDaemonPods(daemonSet(2, 'OnDelete'), ['node-1', 'node-2'], pods, exists('node-1', 'node-2')).remove).toEqual([]);
    expect(names(planDaemonPods(daemonSet(2), ['node-1', 'node-2'], pods, exists('node-1', 'node-2')).remove)).toEqual(['a']);
  });
});

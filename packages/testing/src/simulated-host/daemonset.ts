/**
 * The DaemonSet controller (internal): one pod per eligible node (node selector, required node
 * affinity, taints the pods do not tolerate), pinned with node affinity on `metadata.name` and
 * scheduled by the scheduler like the real controller does; pods of an old template generation
 * are replaced one at a time; status counts.
 */
import type { Persisted } from '@kubeception/sdk';
import { DaemonSetResource, type DaemonSet, type Pod } from '@kubeception/sdk/kube';
import type { SimContext } from './context.js';
import type { Expectations } from './expectations.js';
import { worstOf, type Outcome } from './loop.js';
import { isAvailable, isReady, type StoredNode, type StoredPod } from './objects.js';
import { createPods, deletePods, ownedPods, ownerRef, podFor } from './pod-template.js';
import { nodeAffinityMatches, untoleratedTaint } from './scheduler-filters.js';
import { anyEventOf, startPodController, writeStatus, type WorkloadController } from './workload-controller.js';

/** A DaemonSet as the cache holds it. */
export type StoredDs = Persisted<DaemonSet>;
const NAME = 'daemonset';
/** The label with the DaemonSet generation a pod was made from. */
export const GENERATION = 'pod-template-generation';

/** The tolerations the real controller adds to daemon pods. */
const DAEMON_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

/** Starts the DaemonSet controller. */
export function startDaemonSets(ctx: SimContext): WorkloadController {
  return startPodController(ctx, {
    name: NAME,
    informer: ctx.informers.daemonsets,
    concurrency: 2,
    triggers: [anyEventOf(ctx.informers.nodes)],
    reconcile: (key, ds, expectations) => reconcileDaemonSet(ctx, expectations, key, ds),
  });
}

async function reconcileDaemonSet(ctx: SimContext, expectations: Expectations, key: string, ds: StoredDs): Promise<Outcome> {
  const nodes = ctx.informers.nodes.store;
  const eligible = eligibleNodes(ds, nodes.list()).map((n) => n.metadata.name);
  const byNode = podsByTargetNode(ownedPods(ctx, ds.metadata.uid));
  const plan = planDaemonPods(ds, eligible, byNode, (node) => nodes.get(node) !== undefined);
  const created = await createPods(
    ctx,
    NAME,
    key,
    plan.createOn.map((node) => daemonPod(ds, node)),
  );
  expectations.created(key, created.created);
  expectations.deleted(key, plan.remove);
  const deleted = await deletePods(ctx, NAME, key, plan.remove);
  const status = daemonSetStatus(ds, new Set(eligible), byNode);
  const write = await writeStatus(ctx, ctx.kube.resource(DaemonSetResource), NAME, key, ds, status);
  return worstOf([created.outcome, deleted, write]);
}

/** The pod of a DaemonSet for `node`: the template, pinned to the node by affinity, with the daemon tolerations. */
function daemonPod(ds: StoredDs, node: string) {
  const template = ds.spec?.template;
  const affinity = {
    ...template?.spec?.affinity,
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] }] },
    },
  };
  const tolerations = [...(template?.spec?.tolerations ?? []), ...DAEMON_TOLERATIONS];
  return podFor(
    template,
    ds.metadata.namespace,
    `${ds.metadata.name}-`,
    { [GENERATION]: String(ds.metadata.generation) },
    ownerRef(ds, 'DaemonSet', 'apps/v1'),
    { affinity, tolerations },
  );
}

/** The nodes a DaemonSet's pods belong on: its template's node affinity matches and they tolerate the taints. */
function eligibleNodes(ds: StoredDs, nodes: readonly StoredNode[]): StoredNode[] {
  const probe = daemonPod(ds, '');
  // eligibility is judged on the template's own affinity, without the pin to one node's name
  const unpinned: Pod = { ...probe, spec: { ...probe.spec, affinity: ds.spec?.template?.spec?.affinity } };
  return nodes.filter((n) => nodeAffinityMatches(unpinned, n) && untoleratedTaint(probe, n) === undefined);
}

/** The node a daemon pod is meant for: its nodeName, or the name its node affinity pins. */
function targetNode(pod: StoredPod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  return terms.flatMap((t) => t.matchFields ?? []).find((f) => f.key === 'metadata.name')?.values?.[0];
}

/** A DaemonSet's pods by the node they are meant for (pods meant for none are left out). */
export function podsByTargetNode(pods: readonly StoredPod[]): Map<string, StoredPod[]> {
  const byNode = new Map<string, StoredPod[]>();
  for (const pod of pods) {
    const node = targetNode(pod);
    if (node !== undefined) byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }
  return byNode;
}

/**
 * What a DaemonSet controller does next: create a pod on each eligible node without one; delete
 * extra pods on a node (the first stays), pods on nodes no longer eligible (not those bound to a
 * removed node: pod GC takes them) and, when every node's pod is available and the strategy is
 * not OnDelete, one pod of an old generation.
 */
export function planDaemonPods(
  ds: StoredDs,
  eligible: readonly string[],
  byNode: ReadonlyMap<string, readonly StoredPod[]>,
  nodeExists: (name: string) => boolean,
): { createOn: string[]; remove: StoredPod[] } {
  const eligibleNames = new Set(eligible);
  const createOn = eligible.filter((n) => !byNode.has(n));
  const remove: StoredPod[] = [];
  for (const [node, list] of byNode) {
    if (!eligibleNames.has(node) && (nodeExists(node) || !list[0]?.spec?.nodeName)) remove.push(...list);
    else remove.push(...list.slice(1));
  }
  const current = String(ds.metadata.generation);
  const firsts = [...byNode.values()].map((l) => l[0] as StoredPod);
  const outdated = firsts.filter((p) => p.metadata.labels?.[GENERATION] !== current && !remove.includes(p));
  const unavailable = firsts.filter((p) => !isAvailable(p)).length + (eligible.length - byNode.size);
  if (outdated.length > 0 && unavailable === 0 && ds.spec?.updateStrategy?.type !== 'OnDelete') remove.push(outdated[0] as StoredPod);
  return { createOn, remove };
}

function daemonSetStatus(ds: StoredDs, eligible: ReadonlySet<string>, byNode: ReadonlyMap<string, readonly StoredPod[]>) {
  const generation = String(ds.metadata.generation);
  const scheduled = [...byNode.entries()].filter(([node, list]) => list.some((p) => p.spec?.nodeName === node));
  const onEligible = scheduled.filter(([node]) => eligible.has(node)).map(([, list]) => list[0] as StoredPod);
  const available = onEligible.filter(isAvailable).length;
  return {
    desiredNumberScheduled: eligible.size,
    currentNumberScheduled: onEligible.length,
    numberMisscheduled: scheduled.length - onEligible.length,
    numberReady: onEligible.filter(isReady).length,
    numberAvailable: available,
    numberUnavailable: eligible.size - available,
    updatedNumberScheduled: onEligible.filter((p) => p.metadata.labels?.[GENERATION] === generation).length,
    observedGeneration: ds.metadata.generation,
  };
}

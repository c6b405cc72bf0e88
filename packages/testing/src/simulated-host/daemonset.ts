/**
 * The DaemonSet controller (internal): one pod per eligible node (node selector, required node
 * affinity, taints the pods do not tolerate), pinned with node affinity on `metadata.name` and
 * scheduled by the scheduler like the real controller does; pods of an old template generation
 * are replaced one at a time; status counts.
 */
import type { Persisted } from '@kubeception/sdk';
import { DaemonSetResource, type DaemonSet, type Pod } from '@kubeception/sdk/kube';
import { jsonEqual, type Store } from '@kubeception/sdk/runtime';
import { outcomeOf, type SimContext } from './context.js';
import { Expectations } from './expectations.js';
import { Loop, type Outcome } from './loop.js';
import { controllerUid, isAvailable, isReady, type StoredNode, type StoredPod } from './objects.js';
import { createPods, deletePods, ownedPods, ownerRef, podFor } from './pod-template.js';
import { nodeAffinityMatches, untoleratedTaint } from './scheduler-filters.js';

type StoredDs = Persisted<DaemonSet>;
const GENERATION = 'pod-template-generation';

/** The tolerations the real controller adds to daemon pods. */
const DAEMON_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

/** The node a daemon pod is meant for: its nodeName, or the name its node affinity pins. */
function targetNode(pod: StoredPod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  return terms.flatMap((t) => t.matchFields ?? []).find((f) => f.key === 'metadata.name')?.values?.[0];
}

/** Starts the DaemonSet controller. */
export function startDaemonSets(ctx: SimContext): { loop: Loop; idle: () => boolean } {
  const { daemonsets, pods, nodes } = ctx.informers;
  const client = ctx.kube.resource(DaemonSetResource);
  const expectations = new Expectations();
  const byUid = new Map<string, string>();

  daemonsets.subscribe((e) => {
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
  nodes.subscribe((e) => {
    if (e.type !== 'Synced') for (const key of byUid.values()) loop.add(key);
  });

  const podSpecFor = (ds: StoredDs, node: string) => {
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
  };

  const reconcile = async (key: string): Promise<Outcome> => {
    const ds = daemonsets.store.get(key) as StoredDs | undefined;
    if (!ds || ds.metadata.deletionTimestamp !== undefined) return 'done';
    if (!expectations.satisfied(key, pods.store as unknown as Store<StoredPod>)) {
      setTimeout(() => loop.add(key), 3_100).unref();
      return 'done';
    }
    const probe = podSpecFor(ds, '');
    // eligibility is judged on the template's own affinity, without the pin to one node's name
    const unpinned: Pod = { ...probe, spec: { ...probe.spec, affinity: ds.spec?.template?.spec?.affinity } };
    const eligible = (nodes.store.list() as StoredNode[]).filter((n) => nodeAffinityMatches(unpinned, n) && untoleratedTaint(probe, n) === undefined);
    const eligibleNames = new Set(eligible.map((n) => n.metadata.name));
    const byNode = new Map<string, StoredPod[]>();
    for (const pod of ownedPods(ctx, ds.metadata.uid)) {
      const node = targetNode(pod);
      if (node !== undefined) byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    }
    const create = eligible.filter((n) => !byNode.has(n.metadata.name)).map((n) => podSpecFor(ds, n.metadata.name));
    const remove: StoredPod[] = [];
    for (const [node, list] of byNode) {
      if (!eligibleNames.has(node) && (nodes.store.get(node) !== undefined || !list[0]?.spec?.nodeName)) remove.push(...list);
      else remove.push(...list.slice(1));
    }
    const current = String(ds.metadata.generation);
    const outdated = [...byNode.values()].map((l) => l[0] as StoredPod).filter((p) => p.metadata.labels?.[GENERATION] !== current && !remove.includes(p));
    const unavailable = [...byNode.values()].filter((l) => !isAvailable(l[0] as StoredPod)).length + (eligible.length - byNode.size);
    if (outdated.length > 0 && unavailable === 0 && ds.spec?.updateStrategy?.type !== 'OnDelete') remove.push(outdated[0] as StoredPod);
    const created = await createPods(ctx, 'daemonset', key, create);
    expectations.created(key, created.created);
    expectations.deleted(key, remove);
    const deleted = await deletePods(ctx, 'daemonset', key, remove);
    const status = statusOf(ds, eligibleNames, byNode, current);
    const write = jsonEqual({ ...ds.status, ...status }, ds.status ?? {})
      ? 'done'
      : await client
          .patchStatus(ds.metadata.name, { type: 'merge', body: { status } }, { namespace: ds.metadata.namespace })
          .match(...outcomeOf(ctx, 'daemonset', key));
    return [created.outcome, deleted, write].includes('retry') ? 'retry' : 'done';
  };

  const loop = new Loop({ name: 'daemonset', clock: ctx.clock, reconcile, concurrency: 2, onError: ctx.onError });
  return { loop, idle: () => loop.idle() && expectations.size() === 0 };
}

function statusOf(ds: StoredDs, eligible: ReadonlySet<string>, byNode: ReadonlyMap<string, StoredPod[]>, generation: string) {
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

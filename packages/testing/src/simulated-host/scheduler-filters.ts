/**
 * The scheduler's filters, as pure functions (internal): cordoned nodes, taints, node selector
 * and required node affinity, resources, required pod (anti-)affinity. Reasons and the failure
 * message use kube-scheduler's wording.
 */
import type { Pod } from '@kubeception/sdk/kube';
import {
  controllerUid,
  mapMatches,
  requirementHolds,
  resourcesOf,
  selectorMatches,
  tolerationFor,
  type LabelSelector,
  type Resources,
  type StoredNode,
  type StoredPod,
  type Taint,
} from './objects.js';

/** A node as the scheduler sees it: the requests of the pods placed on it (bound or assumed) and how many each controller owns. */
export interface NodeView {
  readonly node: StoredNode;
  readonly used: Resources;
  /** Pods placed on the node whose controller has this uid. */
  siblings(owner: string): number;
}

/** A placed pod and the node it is on. */
export interface Placed {
  readonly pod: StoredPod;
  readonly node: string;
}

/**
 * The placed pods the inter-pod rules can concern, indexed by namespace (affinity terms name
 * their namespaces or default to the pod's own; namespace selectors are not modelled), so a
 * scheduling attempt looks at the pods of the namespaces involved rather than every pod.
 */
export interface PlacedPods {
  /** Placed pods in the namespace. */
  inNamespace(namespace: string): Iterable<Placed>;
  /** Placed pods with an anti-affinity term that covers the namespace. */
  withAntiAffinityOver(namespace: string): Iterable<Placed>;
}

/** Why a node does not fit; `resolvable` when preemption could help in principle. */
export interface Rejection {
  readonly reasons: readonly string[];
  readonly resolvable: boolean;
}

interface PodAffinityTerm {
  readonly labelSelector?: LabelSelector;
  readonly namespaces?: readonly string[];
  readonly topologyKey: string;
}

/** Required terms of the pod's affinity or anti-affinity. */
export function termsOf(pod: Pod, kind: 'podAffinity' | 'podAntiAffinity'): readonly PodAffinityTerm[] {
  return (pod.spec?.affinity?.[kind]?.requiredDuringSchedulingIgnoredDuringExecution ?? []) as readonly PodAffinityTerm[];
}

function termMatches(term: PodAffinityTerm, owner: Pod, other: Pod): boolean {
  return termNamespaces(term, owner).includes(other.metadata?.namespace ?? '') && selectorMatches(term.labelSelector ?? {}, other.metadata?.labels);
}

/** Topology domains (`key=value`) that the pod's inter-pod rules rule in or out, computed once per attempt. */
export interface InterPod {
  /** Domains holding a pod the incoming pod keeps away from. */
  readonly antiBlocked: ReadonlySet<string>;
  /** Domains holding a pod whose anti-affinity keeps the incoming pod away. */
  readonly existingBlocked: ReadonlySet<string>;
  /** Per affinity term: its topology key and the domains holding a matching pod (undefined: no pod matches anywhere but the pod matches itself). */
  readonly affinity: readonly { readonly key: string; readonly domains?: ReadonlySet<string> }[];
}

/** Namespaces a term covers: the ones it names, else its owner's. */
export function termNamespaces(term: PodAffinityTerm, owner: Pod): readonly string[] {
  return term.namespaces?.length ? term.namespaces : [owner.metadata?.namespace ?? ''];
}

/** Works out the domains for `pod` over the placed pods its rules (and theirs) can concern, on nodes with known labels. */
export function interPodFor(pod: Pod, placed: PlacedPods, nodeLabels: ReadonlyMap<string, Readonly<Record<string, string>>>): InterPod {
  const anti = termsOf(pod, 'podAntiAffinity');
  const aff = termsOf(pod, 'podAffinity');
  const antiBlocked = new Set<string>();
  const existingBlocked = new Set<string>();
  const affDomains = aff.map(() => new Set<string>());
  const namespaces = new Set([...anti, ...aff].flatMap((term) => termNamespaces(term, pod)));
  for (const namespace of namespaces) {
    for (const { pod: other, node } of placed.inNamespace(namespace)) {
      const labels = nodeLabels.get(node);
      if (labels === undefined) continue;
      for (const term of anti)
        if (labels[term.topologyKey] !== undefined && termMatches(term, pod, other)) antiBlocked.add(`${term.topologyKey}=${labels[term.topologyKey]}`);
      aff.forEach((term, i) => {
        if (labels[term.topologyKey] !== undefined && termMatches(term, pod, other)) affDomains[i]?.add(labels[term.topologyKey] as string);
      });
    }
  }
  for (const { pod: other, node } of placed.withAntiAffinityOver(pod.metadata?.namespace ?? '')) {
    const labels = nodeLabels.get(node);
    if (labels === undefined) continue;
    for (const term of termsOf(other, 'podAntiAffinity')) {
      if (labels[term.topologyKey] !== undefined && termMatches(term, other, pod)) existingBlocked.add(`${term.topologyKey}=${labels[term.topologyKey]}`);
    }
  }
  const affinity = aff.map((term, i) => {
    const domains = affDomains[i] as Set<string>;
    const selfMatch = termMatches(term, pod, pod);
    return domains.size === 0 && selfMatch ? { key: term.topologyKey } : { key: term.topologyKey, domains };
  });
  return { antiBlocked, existingBlocked, affinity };
}

const blockedBy = (labels: Readonly<Record<string, string>>, blocked: ReadonlySet<string>): boolean => {
  for (const domain of blocked) {
    const eq = domain.indexOf('=');
    if (labels[domain.slice(0, eq)] === domain.slice(eq + 1)) return true;
  }
  return false;
};

interface NodeSelectorTerm {
  readonly matchExpressions?: readonly { key: string; operator: string; values?: string[] }[];
  readonly matchFields?: readonly { key: string; operator: string; values?: string[] }[];
}

/** `nodeSelector` and required node affinity (terms ORed, requirements ANDed; `matchFields` on `metadata.name`). */
export function nodeAffinityMatches(pod: Pod, node: StoredNode): boolean {
  const labels = node.metadata.labels ?? {};
  if (!mapMatches(pod.spec?.nodeSelector, labels)) return false;
  const terms = (pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) as readonly NodeSelectorTerm[];
  if (terms.length === 0) return true;
  return terms.some(
    (t) =>
      (t.matchExpressions ?? []).every((e) => requirementHolds(e.operator, labels[e.key], e.values ?? [])) &&
      (t.matchFields ?? []).every((e) => e.key === 'metadata.name' && requirementHolds(e.operator, node.metadata.name, e.values ?? [])),
  );
}

/** The first NoSchedule/NoExecute taint the pod does not tolerate. */
export function untoleratedTaint(pod: Pod, node: StoredNode): Taint | undefined {
  const taints: readonly Taint[] = node.spec?.taints ?? [];
  return taints.find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && tolerationFor(pod.spec?.tolerations, t) === undefined);
}

/** Runs the filters in kube-scheduler's order; `undefined` when the node fits. */
export function rejectNode(pod: Pod, request: Resources, view: NodeView, inter: InterPod): Rejection | undefined {
  const { node } = view;
  if (node.spec?.unschedulable && !tolerationFor(pod.spec?.tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) {
    return { reasons: ['node(s) were unschedulable'], resolvable: false };
  }
  const taint = untoleratedTaint(pod, node);
  if (taint) return { reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`], resolvable: false };
  if (!nodeAffinityMatches(pod, node)) return { reasons: ["node(s) didn't match Pod's node affinity/selector"], resolvable: false };
  const free = resourcesOf(node.status?.allocatable);
  const insufficient: string[] = [];
  if (view.used.pods + 1 > free.pods) insufficient.push('Too many pods');
  if (request.cpu > 0 && view.used.cpu + request.cpu > free.cpu + 1e-9) insufficient.push('Insufficient cpu');
  if (request.memory > 0 && view.used.memory + request.memory > free.memory) insufficient.push('Insufficient memory');
  if (insufficient.length > 0) return { reasons: insufficient, resolvable: true };
  const labels = node.metadata.labels ?? {};
  if (inter.affinity.some((a) => a.domains !== undefined && !(labels[a.key] !== undefined && a.domains.has(labels[a.key] as string)))) {
    return { reasons: ["node(s) didn't match pod affinity rules"], resolvable: false };
  }
  if (blockedBy(labels, inter.antiBlocked)) return { reasons: ["node(s) didn't match pod anti-affinity rules"], resolvable: true };
  if (blockedBy(labels, inter.existingBlocked)) return { reasons: ["node(s) didn't satisfy existing pods anti-affinity rules"], resolvable: true };
  return undefined;
}

/** Lower is better: fewer pods of the same controller, then the least allocated node, then the name. */
export function scoreNode(pod: Pod, request: Resources, view: NodeView): [number, number, string] {
  const owner = controllerUid(pod);
  const siblings = owner === undefined ? 0 : view.siblings(owner);
  const free = resourcesOf(view.node.status?.allocatable);
  const share = (used: number, cap: number) => (cap > 0 ? used / cap : 1);
  const load = share(view.used.cpu + request.cpu, free.cpu) + share(view.used.memory + request.memory, free.memory) + share(view.used.pods + 1, free.pods);
  return [siblings, load, view.node.metadata.name];
}

/** kube-scheduler's FitError message, including its preemption part (no pod priorities are modelled, so nothing is ever preempted). */
export function fitErrorMessage(total: number, rejections: readonly Rejection[]): string {
  if (total === 0) return 'no nodes available to schedule pods';
  const histogram = (entries: readonly string[]) => {
    const counts = new Map<string, number>();
    for (const e of entries) counts.set(e, (counts.get(e) ?? 0) + 1);
    return [...counts]
      .map(([reason, n]) => `${n} ${reason}`)
      .sort()
      .join(', ');
  };
  const reasons = histogram(rejections.flatMap((r) => r.reasons));
  const preemption = histogram(
    rejections.map((r) => (r.resolvable ? 'No preemption victims found for incoming pod' : 'Preemption is not helpful for scheduling')),
  );
  return `0/${total} nodes are available: ${reasons}. preemption: 0/${total} nodes are available: ${preemption}.`;
}

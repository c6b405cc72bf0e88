/** The scheduler's view of placed pods (internal): per node the requests and controller counts, per namespace the pods, for the rules that look at other pods. */
import { controllerUid, podKey, requestsOf, type Resources, type StoredNode, type StoredPod } from './objects.js';
import { termNamespaces, termsOf, type NodeView, type Placed, type PlacedPods } from './scheduler-filters.js';

/** Whether the pod has required pod affinity or anti-affinity. */
export const hasInterPodRules = (pod: StoredPod): boolean => pod.spec?.affinity?.podAffinity !== undefined || pod.spec?.affinity?.podAntiAffinity !== undefined;

/** Placements: per node the requests and controller counts, per namespace the pods, for the rules that look at other pods. */
export class Placements implements PlacedPods {
  private readonly byNode = new Map<string, { used: Resources; owners: Map<string, number> }>();
  private readonly placed = new Map<string, Placed>();
  private readonly byNamespace = new Map<string, Map<string, Placed>>();
  private readonly antiOver = new Map<string, Map<string, Placed>>();
  withRules = 0;

  /** The node as the filters and scores see it: with what is placed on it. */
  viewOf(node: StoredNode): NodeView {
    const entry = this.byNode.get(node.metadata.name);
    return { node, used: entry?.used ?? { cpu: 0, memory: 0, pods: 0 }, siblings: (owner: string) => entry?.owners.get(owner) ?? 0 };
  }

  /** Places the pod on `node` (moving it if it was placed elsewhere). */
  place(pod: StoredPod, node: string): void {
    const key = podKey(pod);
    this.remove(key);
    let entry = this.byNode.get(node);
    if (entry === undefined) this.byNode.set(node, (entry = { used: { cpu: 0, memory: 0, pods: 0 }, owners: new Map() }));
    const placed = { pod, node };
    this.placed.set(key, placed);
    this.account(entry, pod, 1);
    for (const namespace of this.indexes(pod)) {
      let index = namespace.map.get(namespace.name);
      if (index === undefined) namespace.map.set(namespace.name, (index = new Map()));
      index.set(key, placed);
    }
    if (hasInterPodRules(pod)) this.withRules++;
  }

  /** Forgets the placement of the pod with this key. */
  remove(key: string): void {
    const placed = this.placed.get(key);
    const entry = placed === undefined ? undefined : this.byNode.get(placed.node);
    if (!placed || !entry) return;
    this.placed.delete(key);
    this.account(entry, placed.pod, -1);
    for (const namespace of this.indexes(placed.pod)) {
      const index = namespace.map.get(namespace.name);
      index?.delete(key);
      if (index?.size === 0) namespace.map.delete(namespace.name);
    }
    if (hasInterPodRules(placed.pod)) this.withRules--;
  }

  inNamespace(namespace: string): Iterable<Placed> {
    return this.byNamespace.get(namespace)?.values() ?? [];
  }

  withAntiAffinityOver(namespace: string): Iterable<Placed> {
    return this.antiOver.get(namespace)?.values() ?? [];
  }

  /** The indexes a pod is in: its namespace, and each namespace its anti-affinity terms cover. */
  private indexes(pod: StoredPod): { map: Map<string, Map<string, Placed>>; name: string }[] {
    const covered = new Set(termsOf(pod, 'podAntiAffinity').flatMap((term) => termNamespaces(term, pod)));
    return [{ map: this.byNamespace, name: pod.metadata.namespace ?? '' }, ...[...covered].map((name) => ({ map: this.antiOver, name }))];
  }

  private account(entry: { used: Resources; owners: Map<string, number> }, pod: StoredPod, sign: 1 | -1): void {
    const r = requestsOf(pod);
    entry.used.cpu += sign * r.cpu;
    entry.used.memory += sign * r.memory;
    entry.used.pods += sign;
    const owner = controllerUid(pod);
    if (owner === undefined) return;
    const count = (entry.owners.get(owner) ?? 0) + sign;
    if (count === 0) entry.owners.delete(owner);
    else entry.owners.set(owner, count);
  }
}

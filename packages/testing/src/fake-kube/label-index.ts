/**
 * An inverted index of the labels of one resource in one namespace: `key=value` → names and
 * `key` → names, so that a list with an equality, `in` or exists requirement visits only the
 * objects that can match (internal).
 */
import { isObject, type KubeObject } from './types.js';

/**
 * A label requirement the index can answer: the label `key` has one of `values`, or, when
 * `values` is undefined, the label `key` exists.
 */
export interface LabelRequirement {
  readonly key: string;
  readonly values?: readonly string[];
}

/** An object's labels as a plain record (no labels, or labels that are not an object: empty). */
export function labelsOf(object: KubeObject | undefined): Readonly<Record<string, unknown>> {
  const labels: unknown = object?.metadata.labels;
  return isObject(labels) ? labels : {};
}

/** Whether the object carries the label `key` (own property; `constructor` is not a label). */
export function hasLabel(object: KubeObject, key: string): boolean {
  return Object.hasOwn(labelsOf(object), key);
}

/** The label `key` if it is a string (only strings can equal a selector's value). */
export function labelValue(object: KubeObject, key: string): string | undefined {
  const labels = labelsOf(object);
  const value = Object.hasOwn(labels, key) ? labels[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

const pair = (key: string, value: string) => `${key}\u0000${value}`;

function addTo(map: Map<string, Set<string>>, k: string, name: string): void {
  let set = map.get(k);
  if (!set) map.set(k, (set = new Set()));
  set.add(name);
}

function deleteFrom(map: Map<string, Set<string>>, k: string, name: string): void {
  const set = map.get(k);
  if (!set) return;
  set.delete(name);
  if (set.size === 0) map.delete(k);
}

/** The label index of one (resource, namespace). Names only: objects stay in the store. */
export class LabelIndex {
  private readonly byKey = new Map<string, Set<string>>();
  private readonly byPair = new Map<string, Set<string>>();

  /** Whether no object with labels is indexed. */
  get empty(): boolean {
    return this.byKey.size === 0;
  }

  /** Moves `name` from the labels of `before` to those of `after` (either may be undefined). */
  update(name: string, before: KubeObject | undefined, after: KubeObject | undefined): void {
    const old = labelsOf(before);
    const next = labelsOf(after);
    if (old === next) return;
    for (const [k, v] of Object.entries(old)) {
      const kept = Object.hasOwn(next, k);
      if (!kept) deleteFrom(this.byKey, k, name);
      if (typeof v === 'string' && (!kept || next[k] !== v)) deleteFrom(this.byPair, pair(k, v), name);
    }
    for (const [k, v] of Object.entries(next)) {
      const had = Object.hasOwn(old, k);
      if (!had) addTo(this.byKey, k, name);
      if (typeof v === 'string' && (!had || old[k] !== v)) addTo(this.byPair, pair(k, v), name);
    }
  }

  /**
   * The names that can satisfy every requirement: those of the requirement with the fewest
   * candidates (the caller still applies the whole selector). Sorted like the store's lists.
   */
  candidates(requirements: readonly LabelRequirement[]): string[] {
    let best: Set<string>[] | undefined;
    let bestSize = Infinity;
    for (const req of requirements) {
      const sets = this.setsOf(req);
      const size = sets.reduce((n, s) => n + s.size, 0);
      if (size < bestSize) [best, bestSize] = [sets, size];
      if (size === 0) break;
    }
    const names: string[] = [];
    for (const set of best ?? []) for (const name of set) names.push(name);
    return names.sort();
  }

  /** The sets of one requirement; a label has one value, so the sets of `in` are disjoint. */
  private setsOf(req: LabelRequirement): Set<string>[] {
    if (req.values === undefined) return this.byKey.has(req.key) ? [this.byKey.get(req.key) as Set<string>] : [];
    const out: Set<string>[] = [];
    for (const v of new Set(req.values)) {
      const set = this.byPair.get(pair(req.key, v));
      if (set) out.push(set);
    }
    return out;
  }
}

/**
 * Controller expectations (internal), as kube-controller-manager keeps them: after creating or
 * deleting pods, a controller waits until its cache shows those changes before it counts pods
 * again, so a stale cache never makes it create or delete twice. Entries expire after
 * `ttlMs` of wall time in case an event is never seen (the pod was created and deleted at once).
 */
import type { Store } from '@kubeception/sdk/runtime';
import type { Pod } from '@kubeception/sdk/kube';
import type { StoredPod } from './objects.js';

interface Entry {
  readonly gone: boolean;
  readonly at: number;
}

/** The pod creations and deletions each owner (`namespace/name`) waits to see in the cache. */
export class Expectations {
  private readonly pending = new Map<string, Map<string, Entry>>();

  constructor(private readonly ttlMs = 3_000) {}

  /** `owner` expects these pods to appear in the cache. */
  created(owner: string, pods: readonly StoredPod[]): void {
    this.add(owner, pods, false);
  }

  /** `owner` expects these pods to disappear or show `deletionTimestamp` in the cache. */
  deleted(owner: string, pods: readonly StoredPod[]): void {
    this.add(owner, pods, true);
  }

  /** Whether everything `owner` expected is in the cache (satisfied entries are dropped). */
  satisfied(owner: string, pods: Pick<Store<Pod>, 'get'>): boolean {
    const entries = this.pending.get(owner);
    if (entries === undefined) return true;
    const now = performance.now();
    for (const [key, entry] of entries) {
      const cached = pods.get(key);
      const seen = entry.gone ? cached === undefined || cached.metadata.deletionTimestamp !== undefined : cached !== undefined;
      if (seen || now - entry.at > this.ttlMs) entries.delete(key);
    }
    if (entries.size === 0) this.pending.delete(owner);
    return entries.size === 0;
  }

  /** Forgets `owner`. */
  clear(owner: string): void {
    this.pending.delete(owner);
  }

  /** Owners still waiting. */
  size(): number {
    return this.pending.size;
  }

  private add(owner: string, pods: readonly StoredPod[], gone: boolean): void {
    if (pods.length === 0) return;
    let entries = this.pending.get(owner);
    if (entries === undefined) this.pending.set(owner, (entries = new Map()));
    const at = performance.now();
    for (const p of pods) entries.set(`${p.metadata.namespace}/${p.metadata.name}`, { gone, at });
  }
}

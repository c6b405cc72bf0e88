/**
 * What a cluster's last pass left for the next one to recall instead of describing it again
 * (internal; see docs/decisions/025):
 *
 * - `moving`: the pass ended in the instance stages (instances being started, replaced, retired)
 *   with the network and security groups as planned. The next pass describes only the instances
 *   and recalls the rest, as Cluster API's AWS provider polls a machine's instance without
 *   describing the cluster's network again; once no instance is moving, everything is described
 *   again (`observeInstances`). For at most {@link MemoryAges.movingMs} after the network was last
 *   described.
 * - `settled`: the pass found everything as planned (`done`) on a full description. A pass within
 *   {@link MemoryAges.settledMs} after it (the one its own kubeconfig Secret write queues, a burst
 *   of events) recalls the whole world and makes no call.
 *
 * Memory of this process only, and of the Cluster's uid, generation and region: a restart, a
 * failed pass, a deletion or a changed spec means everything is described.
 */
import type { AwsNetwork, AwsWorld } from './observe.js';

/** How long after it was described a world may be recalled. */
export interface MemoryAges {
  /** The network while instances move. @default 60000 */
  readonly movingMs: number;
  /** The whole world once as planned. @default 2000 */
  readonly settledMs: number;
}

/** What a pass leaves: its network while instances move, or its whole world once as planned. */
export type Recalled = { readonly kind: 'moving'; readonly network: AwsNetwork } | { readonly kind: 'settled'; readonly world: AwsWorld };

/** A cluster's remembered world. */
interface Remembered {
  /** The Cluster's uid, generation and region it holds for. */
  readonly version: string;
  readonly kind: Recalled['kind'];
  readonly world: AwsWorld;
  /** When it was last described (a world built on a recalled one keeps the recalled one's time). */
  readonly since: number;
  /** Not recalled since the last pass remembered it (a pass that fails leaves it spent). */
  readonly fresh: boolean;
}

/** The identity a remembered world holds for: a Cluster of another uid, generation or region describes everything. */
export function worldVersion(cluster: { readonly metadata: { readonly uid: string; readonly generation: number } }, region: string): string {
  return `${cluster.metadata.uid}/${cluster.metadata.generation}/${region}`;
}

/** Remembered worlds by cluster ID. */
export class WorldMemory {
  private readonly kept = new Map<string, Remembered>();
  private readonly ages: MemoryAges;

  constructor(ages: Partial<MemoryAges> = {}) {
    this.ages = { movingMs: 60_000, settledMs: 2_000, ...ages };
  }

  /** Keeps what the pass left (`kind`: see the module's doc), or forgets the cluster's world (`undefined`). */
  remember(cluster: string, version: string, world: AwsWorld, kind: Recalled['kind'] | undefined): void {
    const before = this.kept.get(cluster);
    if (kind === undefined) {
      this.kept.delete(cluster);
      return;
    }
    const now = Date.now();
    const since = world.recalled && before?.version === version ? before.since : now;
    // what can no longer be recalled goes (a Cluster deleted by another process while its instances moved)
    for (const [id, old] of this.kept) if (now - old.since > this.ages.movingMs) this.kept.delete(id);
    this.kept.set(cluster, { version, kind, world, since, fresh: true });
  }

  /** What the last pass of `version` of `cluster` left, once (the pass after must remember again), while recent enough. */
  recall(cluster: string, version: string): Recalled | undefined {
    const kept = this.kept.get(cluster);
    if (!kept?.fresh || kept.version !== version || Date.now() - kept.since > this.ages[kept.kind === 'moving' ? 'movingMs' : 'settledMs']) return undefined;
    this.kept.set(cluster, { ...kept, fresh: false });
    if (kept.kind === 'settled') return { kind: 'settled', world: kept.world };
    const { instances: _instances, recalled: _recalled, ...network } = kept.world;
    return { kind: 'moving', network };
  }

  /** Forgets the world of `cluster` (it is being deleted). */
  forget(cluster: string): void {
    this.kept.delete(cluster);
  }
}

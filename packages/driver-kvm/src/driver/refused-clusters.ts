/**
 * The Clusters refused because their host namespace is taken (`NamespaceTaken`), by the namespace
 * they wait for (internal). A refusal is terminal: nothing retries it. The namespace that refuses
 * a Cluster is often not the driver's (no labels lead from it to a Cluster), so the driver's
 * Namespace watch asks this index which Cluster a change of it concerns, and the Cluster is
 * looked at again as soon as the squatter deletes (or hands over) the namespace.
 *
 * It lives in memory: after a restart every Cluster is reconciled once anyway, and a refused one
 * is recorded again then.
 */

/** A Cluster, as a watch names it. */
export interface ClusterRef {
  readonly name: string;
  readonly namespace: string;
}

/** The refused Clusters by the host namespace (their cluster ID) that refuses them. */
export interface RefusedClusters {
  /** Records that `cluster` is refused because of host namespace `id`. */
  refused(id: string, cluster: ClusterRef): void;
  /** Forgets a refusal: the Cluster of `id` went on, or is being deleted. */
  cleared(id: string): void;
  /**
   * The Clusters a change of host namespace `id` concerns. A namespace that is gone takes its
   * entry with it: the Cluster is queued, and records the refusal again if it still has one.
   */
  concerned(id: string, deleted: boolean): ClusterRef[];
  /** Number of refusals held. */
  readonly size: number;
}

/** An empty index. */
export function createRefusedClusters(): RefusedClusters {
  const byId = new Map<string, ClusterRef>();
  return {
    refused: (id, cluster) => void byId.set(id, { name: cluster.name, namespace: cluster.namespace }),
    cleared: (id) => void byId.delete(id),
    concerned: (id, deleted) => {
      const cluster = byId.get(id);
      if (cluster === undefined) return [];
      if (deleted) byId.delete(id);
      return [cluster];
    },
    get size() {
      return byId.size;
    },
  };
}

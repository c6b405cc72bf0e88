/** One PodDisruptionBudget per pool: host drains evict at most one VM of a pool at a time. */
import { Label, NodeRole } from '@kubeception/sdk';
import type { KvmCluster } from './cluster.js';
import type { HostApiVersions } from './host-api-versions.js';
import { clusterLabels, objectMeta } from './names.js';
import type { PodDisruptionBudget } from './objects.js';

/** VMs of one pool that may be evicted at once (masters and every worker pool). */
export const MAX_UNAVAILABLE_PER_POOL = 1;

/** `<cluster>-master` and `<cluster>-<pool>`, like the node name prefixes. */
export const disruptionBudgetName = (cluster: string, pool: string) => `${cluster}-${pool}`;

type ApiVersion = HostApiVersions['podDisruptionBudget'];

function budget(
  cluster: KvmCluster,
  apiVersion: ApiVersion,
  pool: string,
  selector: Record<string, string>,
  labels: Record<string, string>,
): PodDisruptionBudget {
  const name = cluster.metadata.name;
  return {
    apiVersion,
    kind: 'PodDisruptionBudget',
    metadata: objectMeta(cluster, disruptionBudgetName(name, pool), { ...clusterLabels(cluster), ...labels }),
    spec: { maxUnavailable: MAX_UNAVAILABLE_PER_POOL, selector: { matchLabels: { [Label.Cluster]: name, ...selector } } },
  };
}

/** The masters' budget, then one per worker pool in spec order, at `apiVersion` (the host's). */
export function renderDisruptionBudgets(cluster: KvmCluster, apiVersion: ApiVersion): PodDisruptionBudget[] {
  const masters = { [Label.Role]: NodeRole.Master };
  return [
    budget(cluster, apiVersion, NodeRole.Master, masters, masters),
    ...cluster.spec.workers.map((pool) => {
      const labels = { [Label.Role]: NodeRole.Worker, [Label.Pool]: pool.name };
      return budget(cluster, apiVersion, pool.name, labels, labels);
    }),
  ];
}

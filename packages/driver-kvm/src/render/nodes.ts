/** The guest nodes of a cluster, derived from its spec alone. */
import { NodeRole } from '@kubeception/sdk';
import type { KvmCluster } from './cluster.js';

/** One VM of the guest cluster. */
export interface VmNode {
  /** `<cluster>-master-<i>` or `<cluster>-<pool>-<i>`: also the Deployment's name and the guest hostname. */
  readonly name: string;
  /** Master or worker. */
  readonly role: NodeRole;
  /** Worker pool; unset for masters. */
  readonly pool?: string;
  /** Position in its pool (masters: among the masters), from 0. */
  readonly index: number;
  /** Virtual CPUs of the VM. */
  readonly cpus: number;
  /** Kubernetes quantity, e.g. `4Gi`. */
  readonly memory: string;
  /** Kubernetes quantity, e.g. `20Gi`. */
  readonly disk: string;
  /** Labels for the guest Node (from the pool spec). */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Every node of the cluster, masters first, then each pool in spec order, each by index.
 * Scaling a pool down removes its highest indexes; names never shift.
 */
export function nodeList(cluster: KvmCluster): VmNode[] {
  const name = cluster.metadata.name;
  const { masters, workers } = cluster.spec;
  const size = (m: { cpus: number; memory: string; disk: string }) => ({ cpus: m.cpus, memory: m.memory, disk: m.disk });
  return [
    ...Array.from({ length: masters.replicas }, (_, index): VmNode => ({ name: `${name}-master-${index}`, role: NodeRole.Master, index, ...size(masters) })),
    ...workers.flatMap((pool) =>
      Array.from({ length: pool.replicas }, (_, index): VmNode => ({
        name: `${name}-${pool.name}-${index}`,
        role: NodeRole.Worker,
        pool: pool.name,
        index,
        ...size(pool),
        ...(pool.labels === undefined ? {} : { labels: pool.labels }),
      })),
    ),
  ];
}

/** The spec path of a node's worker pool, for error messages: `spec.workers[<index>]`. */
export function poolPath(cluster: KvmCluster, pool: string): string {
  return `spec.workers[${cluster.spec.workers.findIndex((p) => p.name === pool)}]`;
}

/** The spec path of a node's size (`spec.masters`, or its pool's `spec.workers[<index>]`), for error messages. */
export function machinePath(cluster: KvmCluster, node: Pick<VmNode, 'role' | 'pool'>): string {
  return node.role === NodeRole.Master || node.pool === undefined ? 'spec.masters' : poolPath(cluster, node.pool);
}

/** The master nodes of a cluster. */
export function masterNodes(cluster: KvmCluster): VmNode[] {
  return nodeList(cluster).filter((n) => n.role === NodeRole.Master);
}

/**
 * A random workload of AWS Clusters for tests that disturb the operators meanwhile: Clusters
 * made from the sample (`examples/samples/valid/cluster-aws.yaml`, three masters over three
 * zones, a worker pool of three and an empty one) under new names, scaled (a pool's replicas)
 * and deleted, in an order drawn from a seed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClusterResource, type ClusterInput } from '@kubeception/sdk';
import type { KubeClient, KubeError } from '@kubeception/sdk/kube';
import type { ResultAsync } from 'neverthrow';
import { parse } from 'yaml';
import { REPO_ROOT } from './process-group.js';
import type { SeededRandom } from './seeded-random.js';

const SAMPLE = 'examples/samples/valid/cluster-aws.yaml';

/** The sample AWS Cluster named `name` (its domains follow the name) in `namespace`. */
export function sampleAwsCluster(name: string, namespace = 'default'): ClusterInput {
  const sample = parse(readFileSync(join(REPO_ROOT, SAMPLE), 'utf8').replaceAll('prod-eu', name)) as ClusterInput;
  return { ...sample, metadata: { ...sample.metadata, namespace } };
}

/** One step of the workload. */
export type WorkloadAction =
  | { readonly kind: 'create'; readonly cluster: string }
  | { readonly kind: 'scale'; readonly cluster: string; readonly pool: number; readonly replicas: number }
  | { readonly kind: 'delete'; readonly cluster: string };

/** A workload: its actions in order, and which Clusters exist at its end and which were deleted. */
export interface Workload {
  readonly actions: readonly WorkloadAction[];
  readonly alive: readonly string[];
  readonly gone: readonly string[];
}

/** The shape of the workload: creates, then scales and deletes of Clusters alive at that point, and more creates. */
const SHAPE = ['create', 'create', 'create', 'scale', 'delete', 'create', 'scale', 'scale', 'delete', 'create'] as const;

/** The pools of a workload's new Clusters and the replicas a scale picks from. */
export interface WorkloadPools {
  /** Replicas of each pool of a new Cluster. */
  readonly pools: readonly number[];
  /** The least and most replicas of a scale. */
  readonly replicas: readonly [min: number, max: number];
}

/** The sample AWS Cluster's pools: three workers and none; a scale picks 0 to 4. */
const AWS_POOLS: WorkloadPools = { pools: [3, 0], replicas: [0, 4] };

/** A workload drawn from `random`: Clusters `<prefix>-a`, `<prefix>-b`, … (replicas of the sample's pools: 0 to 4 unless `shape` says otherwise). */
export function drawWorkload(random: SeededRandom, prefix: string, shape: WorkloadPools = AWS_POOLS): Workload {
  const alive: string[] = [];
  const gone: string[] = [];
  const replicas = new Map<string, number[]>();
  const [min, max] = shape.replicas;
  let made = 0;
  const actions = SHAPE.map((kind): WorkloadAction => {
    if (kind === 'create') {
      const cluster = `${prefix}-${String.fromCharCode(97 + made++)}`;
      alive.push(cluster);
      replicas.set(cluster, [...shape.pools]);
      return { kind, cluster };
    }
    const cluster = random.pick(alive);
    if (kind === 'delete') {
      alive.splice(alive.indexOf(cluster), 1);
      gone.push(cluster);
      return { kind, cluster };
    }
    const pools = replicas.get(cluster) ?? [];
    const pool = random.int(0, pools.length - 1);
    const now = pools[pool] ?? min;
    const next = min + ((now - min + random.int(1, max - min)) % (max - min + 1)); // always a change
    pools[pool] = next;
    return { kind, cluster, pool, replicas: next };
  });
  return { actions, alive, gone };
}

/** What `action` does, in a line. */
export function describeAction(action: WorkloadAction): string {
  return action.kind === 'scale' ? `scale ${action.cluster} pool ${action.pool} to ${action.replicas}` : `${action.kind} ${action.cluster}`;
}

/** How a workload's Cluster `name` is made in `namespace`. */
export type MakeCluster = (name: string, namespace: string) => ClusterInput;

/** The request of `action`. */
function request(kube: KubeClient, action: WorkloadAction, namespace: string, make: MakeCluster): ResultAsync<unknown, KubeError> {
  const clusters = kube.resource(ClusterResource);
  if (action.kind === 'create') return clusters.create(make(action.cluster, namespace));
  if (action.kind === 'delete') return clusters.delete(action.cluster, { namespace });
  return clusters.patch(
    action.cluster,
    { type: 'json', ops: [{ op: 'replace', path: `/spec/workers/${action.pool}/replicas`, value: action.replicas }] },
    { namespace },
  );
}

/** Does `action` through the API server (a failure throws: the test's own requests must pass); new Clusters are `make`'s (the AWS sample's). */
export async function runAction(kube: KubeClient, action: WorkloadAction, namespace = 'default', make: MakeCluster = sampleAwsCluster): Promise<void> {
  await request(kube, action, namespace, make).match(
    () => undefined,
    (error) => {
      throw new Error(`${describeAction(action)}: ${error.message}`);
    },
  );
}

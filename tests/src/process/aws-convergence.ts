/**
 * Whether AWS Clusters have converged, judged from outside the operators as a user would: the
 * Cluster objects, the EC2 account through the EC2 API, the host's PKI objects and Secrets, and
 * Vault's mounts. A Cluster that should exist is Ready at its generation with exactly the
 * resources its plan names (none missing, none twice, none extra); a deleted one left nothing
 * behind; no object outlives its owner. The answer is a list of problems, empty once converged.
 * The checks of the Clusters that must exist keep those of the deleted ones honest: a reader that
 * saw nothing (a wrong region, a mount list under another key) fails them first.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { awsSpecSchema, ownerTag, planCluster } from '@kubeception/driver-aws';
import { clusterId, type Cluster, type Persisted } from '@kubeception/sdk';
import type { KubeClient } from '@kubeception/sdk/kube';
import { clusterLeftovers, clusterProblems, clusterSnapshot, type ClusterSnapshot } from './cluster-convergence.js';
import { awaitNoProblems, keyProblems, sorted } from './convergence.js';
import { ec2Inventory, itemKey, type Ec2Item } from './ec2-inventory.js';

/** How the test reaches what it checks. */
export interface Outside {
  /** A client of the host API server. */
  readonly kube: KubeClient;
  /** An EC2 client of the Clusters' region. */
  readonly ec2: EC2Client;
  /** The Vault mounts, e.g. `pki-<cluster-id>/` (node-vault's `mounts()` with a token that may read them). */
  readonly vaultMounts: () => Promise<readonly string[]>;
}

/** The Clusters the test expects, in one namespace. */
export interface Expected {
  readonly namespace: string;
  /** Clusters that must exist and be Ready. */
  readonly alive: readonly string[];
  /** Clusters deleted: gone with everything they had. */
  readonly gone: readonly string[];
}

/** What the host holds of the Clusters, and the EC2 account, read once. */
interface Snapshot extends ClusterSnapshot {
  readonly ec2: readonly Ec2Item[];
}

/** Reads everything once. */
async function snapshot(outside: Outside, namespace: string): Promise<Snapshot> {
  const [clusters, ec2] = await Promise.all([clusterSnapshot(outside.kube, namespace, outside.vaultMounts), ec2Inventory(outside.ec2)]);
  return { ...clusters, ec2 };
}

/** The EC2 keys ({@link itemKey}) the driver's plan of `cluster` names: network, security groups, one instance per node. */
export function desiredEc2Keys(cluster: Persisted<Cluster>): string[] {
  const spec = awsSpecSchema.parse((cluster.spec.provider as Record<string, unknown>).aws);
  return planCluster(cluster, spec).match(
    (plan) => [
      'vpc/vpc',
      'internet-gateway/igw',
      'route-table/rt-public',
      ...plan.subnets.map((s) => `subnet/${s.role}`),
      ...plan.securityGroups.map((g) => `security-group/${g.role}`),
      ...plan.nodes.map((n) => `instance/${n.name}`),
    ],
    (error) => [`(no plan: ${error.message})`],
  );
}

/** The problems of a Cluster that must exist. */
function aliveProblems(name: string, s: Snapshot): string[] {
  const cluster = s.clusters.get(name);
  if (!cluster) return [`${name}: missing`];
  const id = clusterId(cluster.metadata);
  const ec2Keys = s.ec2.filter((item) => item.tags[ownerTag(id)] === 'owned').map(itemKey);
  const desired = desiredEc2Keys(cluster);
  const nodes = desired.filter((k) => k.startsWith('instance/')).map((k) => k.slice(9));
  return [...clusterProblems(cluster, nodes, s), ...keyProblems(`${name} EC2`, ec2Keys, desired)];
}

/** The problems of a deleted Cluster: anything left. */
function goneProblems(name: string, namespace: string, s: Snapshot): string[] {
  const id = clusterId({ namespace, name });
  return [
    ...clusterLeftovers(name, namespace, s),
    ...s.ec2.filter((item) => item.tags[ownerTag(id)] === 'owned').map((item) => `${name} EC2: left ${itemKey(item)} ${item.id} ${item.state ?? ''}`),
  ];
}

/** Everything that keeps the Clusters from being as `expected`; empty once converged. */
export async function convergenceProblems(outside: Outside, expected: Expected): Promise<string[]> {
  const s = await snapshot(outside, expected.namespace);
  const unexpected = sorted(s.clusters.keys()).filter((name) => !expected.alive.includes(name) && !expected.gone.includes(name));
  return [
    ...expected.alive.flatMap((name) => aliveProblems(name, s)),
    ...expected.gone.flatMap((name) => goneProblems(name, expected.namespace, s)),
    ...unexpected.map((name) => `${name}: a Cluster the test did not make`),
    ...s.orphans,
  ];
}

/** Polls {@link convergenceProblems} until there are none or `timeoutMs` has passed; the last problems (empty: converged). */
export function awaitConvergence(outside: Outside, expected: Expected, timeoutMs: number): Promise<string[]> {
  return awaitNoProblems(() => convergenceProblems(outside, expected), timeoutMs);
}

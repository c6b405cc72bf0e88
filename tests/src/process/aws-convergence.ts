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
import { CertificateAuthorityResource, CertificateResource, ClusterResource, clusterId, type Cluster, type KubeObject, type Persisted } from '@kubeception/sdk';
import { clusterPki } from '@kubeception/sdk/cluster';
import { SecretResource, type KubeClient } from '@kubeception/sdk/kube';
import { ec2Inventory, itemKey, type Ec2Item } from './ec2-inventory.js';

/** Label of everything the Cluster controller and the PKI controllers make for a Cluster. */
const CLUSTER_LABEL = 'kubeception.io/cluster';

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

/** What the host holds of the Clusters, read once. */
interface Snapshot {
  readonly clusters: Map<string, Persisted<Cluster>>;
  readonly labelled: readonly Persisted<KubeObject>[];
  /** Objects whose owner is gone (the garbage collector's to delete). */
  readonly orphans: readonly string[];
  readonly ec2: readonly Ec2Item[];
  readonly mounts: readonly string[];
}

/** Reads everything once. */
async function snapshot(outside: Outside, namespace: string): Promise<Snapshot> {
  const list = <T extends KubeObject>(descriptor: Parameters<KubeClient['resource']>[0]) =>
    outside.kube
      .resource(descriptor)
      .list({ namespace })
      .map((l) => l.items as unknown as Persisted<T>[])
      .match(
        (items) => items,
        (error) => Promise.reject(new Error(`listing ${descriptor.plural}: ${error.message}`)),
      );
  const [clusters, authorities, certificates, secrets, ec2, mounts] = await Promise.all([
    list<Cluster>(ClusterResource),
    list(CertificateAuthorityResource),
    list(CertificateResource),
    list(SecretResource),
    ec2Inventory(outside.ec2),
    outside.vaultMounts(),
  ]);
  const objects: Persisted<KubeObject>[] = [...clusters, ...authorities, ...certificates, ...secrets];
  const uids = new Set(objects.map((o) => o.metadata.uid));
  return {
    clusters: new Map(clusters.map((c) => [c.metadata.name, c])),
    labelled: objects.filter((o) => o.metadata.labels?.[CLUSTER_LABEL] !== undefined),
    orphans: objects.flatMap((o) =>
      (o.metadata.ownerReferences ?? []).filter((r) => !uids.has(r.uid)).map((r) => `${o.kind}/${o.metadata.name} owned by ${r.kind}/${r.name}, gone`),
    ),
    ec2,
    mounts,
  };
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

/** `key` counts as a list of problems: twice or more, missing, or not wanted. */
function keyProblems(what: string, actual: readonly string[], desired: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const key of actual) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [
    ...[...counts].filter(([, n]) => n > 1).map(([key, n]) => `${what}: ${n} × ${key}`),
    ...desired.filter((key) => !counts.has(key)).map((key) => `${what}: missing ${key}`),
    ...[...counts.keys()].filter((key) => !desired.includes(key)).map((key) => `${what}: not desired ${key}`),
  ];
}

const sorted = (items: Iterable<string>) => [...items].sort();

/** The problems of a Cluster that must exist. */
function aliveProblems(name: string, s: Snapshot): string[] {
  const cluster = s.clusters.get(name);
  if (!cluster) return [`${name}: missing`];
  const ready = cluster.status?.conditions?.find((c) => c.type === 'Ready');
  const id = clusterId(cluster.metadata);
  const ec2Keys = s.ec2.filter((item) => item.tags[ownerTag(id)] === 'owned').map(itemKey);
  const pki = clusterPki(cluster);
  const pkiNames = [`CertificateAuthority/${pki.authority.metadata.name}`, ...pki.certificates.map((c) => `Certificate/${c.metadata.name}`)];
  const labelled = s.labelled.filter((o) => o.metadata.labels?.[CLUSTER_LABEL] === name);
  const pkiObjects = labelled.filter((o) => o.kind === 'CertificateAuthority' || o.kind === 'Certificate').map((o) => `${o.kind}/${o.metadata.name}`);
  const desired = desiredEc2Keys(cluster);
  const nodes = sorted((cluster.status?.nodes ?? []).map((n) => n.name));
  return [
    ...(ready?.status === 'True' && ready.observedGeneration === cluster.metadata.generation
      ? []
      : [`${name}: not Ready at generation ${cluster.metadata.generation} (${cluster.status?.phase}, Ready ${ready?.status}: ${ready?.message ?? ''})`]),
    ...(JSON.stringify(nodes) === JSON.stringify(sorted(desired.filter((k) => k.startsWith('instance/')).map((k) => k.slice(9))))
      ? []
      : [`${name}: status.nodes ${nodes.join(',')}`]),
    ...keyProblems(`${name} EC2`, ec2Keys, desired),
    ...keyProblems(`${name} PKI`, pkiObjects, pkiNames),
    ...(s.mounts.includes(`pki-${id}/`) ? [] : [`${name}: no Vault mount pki-${id}/`]),
  ];
}

/** The problems of a deleted Cluster: anything left. */
function goneProblems(name: string, namespace: string, s: Snapshot): string[] {
  const id = clusterId({ namespace, name });
  return [
    ...(s.clusters.has(name) ? [`${name}: still there (${s.clusters.get(name)?.status?.phase})`] : []),
    ...s.ec2.filter((item) => item.tags[ownerTag(id)] === 'owned').map((item) => `${name} EC2: left ${itemKey(item)} ${item.id} ${item.state ?? ''}`),
    ...s.labelled.filter((o) => o.metadata.labels?.[CLUSTER_LABEL] === name).map((o) => `${name}: left ${o.kind}/${o.metadata.name}`),
    ...(s.mounts.includes(`pki-${id}/`) ? [`${name}: left Vault mount pki-${id}/`] : []),
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
export async function awaitConvergence(outside: Outside, expected: Expected, timeoutMs: number): Promise<string[]> {
  let problems = await convergenceProblems(outside, expected);
  for (const deadline = Date.now() + timeoutMs; problems.length > 0 && Date.now() < deadline; problems = await convergenceProblems(outside, expected)) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return problems;
}

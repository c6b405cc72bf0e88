/**
 * `createAwsDriver`: the SDK's `ClusterDriver` on EC2. Everything it creates is tagged
 * `kubeception.io/cluster/<cluster-id>=owned` (the SDK's `clusterId` of the Cluster's namespace
 * and name), so observe finds it from the Cluster alone, and two Clusters of one name in two
 * namespaces never see each other's resources; and `kubeception.io/managed-by=<managedBy>`, the
 * one fixed tag an IAM policy can require of everything the driver creates, changes or deletes.
 *
 * Its refusals are made by `preflight`, before the Cluster gets any PKI: a spec whose user-written
 * values cannot be written into user data or tags (`Unrenderable`), and a spec naming another
 * region than the one its nodes run in (`RegionChanged`, for Clusters written before the CRD made
 * the region immutable; see region.ts for what the driver can and cannot see of an old region). It
 * has no ownership refusal to make: nothing in the account is found by a name another Cluster
 * could hold, only by the Cluster's own ownership tag, which users cannot set
 * (`kubeception.io/cluster/…` tags are refused by the schema).
 *
 * Deleting needs no parsed spec: a Cluster whose `spec.provider.aws` was changed to something
 * invalid is still cleaned up, its resources found by the ownership tag in the region they are in.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import { clusterId, type Cluster, type ClusterCoordinates, type Persisted, type SecretValue } from '@kubeception/sdk';
import type { ClusterDriver, DriverError, Observed } from '@kubeception/sdk/cluster';
import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { applyPlan, type BootNode, type BootTokens } from './apply.js';
import { cleanupWorld } from './cleanup.js';
import { observeInstances, observeWorld, type AwsWorld } from './observe.js';
import { PendingCreations } from './pending.js';
import { DEFAULT_MANAGED_BY, planCluster } from './plan.js';
import type { Unrenderable } from './cloud-config.js';
import { provider, type AwsSpec } from './provider-spec.js';
import { regionChanged, searchRegion } from './region.js';
import { reportWorld } from './report.js';
import { WorldMemory, worldVersion } from './world-memory.js';

/** Options of {@link createAwsDriver}. */
export interface AwsDriverOptions {
  /** An EC2 client for a region (explicit credentials and region in tests). */
  readonly ec2: (region: string) => EC2Client;
  /** Base interval between passes while something is being created or deleted. @default 1000 */
  readonly pollMs?: number;
  /**
   * Mints the boot token of a node: a single-use, short-TTL, response-wrapped Vault token that
   * can issue only the node's own roles of its cluster's PKI, never `admin` (e.g.
   * `pki.issueToken({ cluster, roles: nodeRoles(node.role), ttl: '1h', wrapTTL: '10m' })` with
   * `@kubeception/pki-vault`). It goes into the node's user data with `vaultAddr`; see README
   * "Node boot". @default none
   */
  readonly bootToken?: (cluster: ClusterCoordinates, node: BootNode) => ResultAsync<SecretValue, DriverError>;
  /** Vault address nodes use to unwrap their boot token. */
  readonly vaultAddr?: string;
  /**
   * Value of the `kubeception.io/managed-by` tag put on everything the driver creates: what the
   * operator's IAM policy requires (`aws:RequestTag`) to create and (`aws:ResourceTag`) to change
   * or delete anything. Give each install sharing an account its own value and policy, and they
   * cannot touch each other's resources. At most 256 characters. @default 'kubeception'
   */
  readonly managedBy?: string;
}

/** The refusal of a Cluster whose plan cannot be rendered. */
const unrenderable = (error: Unrenderable): DriverError => ({
  kind: 'InvalidSpec',
  reason: 'Unrenderable',
  terminal: true,
  message: error.message,
  cause: error,
});

/** The boot tokens of a cluster's nodes, minted for the Cluster's coordinates (namespace and name). */
function bootTokens(
  options: AwsDriverOptions,
  cluster: { readonly metadata: { readonly namespace?: string | undefined; readonly name: string } },
): BootTokens | undefined {
  const mint = options.bootToken;
  if (mint === undefined) return undefined;
  const coordinates = { namespace: cluster.metadata.namespace ?? '', name: cluster.metadata.name };
  return { mint: (node) => mint(coordinates, node), vaultAddr: options.vaultAddr ?? '' };
}

/**
 * The `aws` driver for the SDK's `createClusterController`: each pass observes the cluster's EC2 resources by
 * their ownership tag, then creates what the plan lacks (VPC, internet gateway, subnets, route table, security
 * groups, instances), stage after stage on what the calls answer until it must wait, or, on deletion, removes it
 * in reverse order. While only instances change, a pass describes only the instances; a pass right after one
 * that found everything as planned describes nothing (see docs/decisions/025).
 *
 * @example
 * ```ts
 * import { EC2Client } from '@aws-sdk/client-ec2';
 * import { createAwsDriver } from '@kubeception/driver-aws';
 * import { clusterPki } from '@kubeception/sdk/cluster';
 * import { createClusterController } from '@kubeception/sdk/cluster';
 *
 * const driver = createAwsDriver({ ec2: (region) => new EC2Client({ region }) });
 * const controller = createClusterController({ driver, pki: clusterPki });
 * ```
 */
export function createAwsDriver(options: AwsDriverOptions): ClusterDriver<AwsSpec, AwsWorld> {
  const pending = new PendingCreations();
  const memory = new WorldMemory();
  const managedBy = options.managedBy ?? DEFAULT_MANAGED_BY;
  if (managedBy.length === 0 || managedBy.length > 256) throw new Error(`managedBy must be 1 to 256 characters (an EC2 tag value), got ${managedBy.length}`);
  /** The Cluster's plan, with this driver's `managedBy` tag. */
  const planOf = (cluster: Parameters<typeof planCluster>[0], spec: AwsSpec) => planCluster(cluster, spec, { managedBy });
  const report = (cluster: Persisted<Cluster>, spec: AwsSpec, world: AwsWorld) => reportWorld(cluster, planOf(cluster, spec), world);
  return {
    name: 'aws',
    provider,
    // the plan is pure: a Cluster it cannot be made for is refused before anything (its PKI included) is created;
    // so is one whose nodes run in another region than its spec names (written before the CRD fixed the region)
    preflight: (cluster, spec) =>
      regionChanged(cluster, spec.region)
        .andThen(() => planOf(cluster, spec).mapErr(unrenderable))
        .match(
          () => okAsync(undefined),
          (e) => errAsync(e),
        ),
    observe: (cluster, spec) =>
      searchRegion(cluster, spec)
        .asyncAndThen((region) => observeOrRecall(options.ec2(region), memory, cluster, spec === undefined ? undefined : region))
        // with no parsed spec (a deletion), what is found by the ownership tag is all there is to report
        .map((world): Observed<AwsWorld> => (spec === undefined ? { provider: world, conditions: [] } : report(cluster, spec, world))),
    apply: (cluster, spec, observed) =>
      planOf(cluster, spec).match(
        (plan) =>
          applyPlan({ ec2: options.ec2(spec.region), plan, world: observed.provider, pollMs: options.pollMs, pending, boot: bootTokens(options, cluster) }).map(
            ({ progress, world, left }) => (memory.remember(clusterId(cluster.metadata), worldVersion(cluster, spec.region), world, left), progress),
          ),
        (e) => errAsync<never, DriverError>(unrenderable(e)),
      ),
    // with or without a parsed spec: everything is found by the ownership tag, in the region it is in
    cleanup: (cluster, spec, observed) =>
      searchRegion(cluster, spec).asyncAndThen((region) => {
        memory.forget(clusterId(cluster.metadata));
        return cleanupWorld(options.ec2(region), clusterId(cluster.metadata), observed.provider, options.pollMs);
      }),
  };
}

/**
 * The Cluster's world: recalled from its last pass where that is enough (see `WorldMemory`),
 * else described. A Cluster being deleted, or whose spec does not parse (`region` undefined), is
 * described whole.
 */
function observeOrRecall(ec2: EC2Client, memory: WorldMemory, cluster: Persisted<Cluster>, region: string | undefined): ResultAsync<AwsWorld, DriverError> {
  const id = clusterId(cluster.metadata);
  if (region === undefined || cluster.metadata.deletionTimestamp !== undefined) memory.forget(id);
  const recalled = region === undefined ? undefined : memory.recall(id, worldVersion(cluster, region));
  if (recalled?.kind === 'settled') return okAsync({ ...recalled.world, recalled: true });
  return recalled ? observeInstances(ec2, id, recalled.network) : observeWorld(ec2, id);
}

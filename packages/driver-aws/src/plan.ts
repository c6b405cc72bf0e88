/**
 * What a Cluster needs on EC2, computed purely from the Cluster: the VPC, one public and one
 * private /24 subnet per availability zone, the security groups and their rules, and one
 * instance per node. Every resource carries the ownership tag, so all of it is findable from
 * the Cluster alone, and the `kubeception.io/managed-by` tag an IAM policy can require.
 *
 * Everything named in the account is named from the Cluster's ID (the SDK's `clusterId`:
 * `<name>-<hash of namespace/name>`), never from its name alone, which is unique only in its
 * namespace: the ownership tag, `Name` tags, security group names and ClientTokens. Two Clusters
 * `demo` in two namespaces never see, reuse or delete each other's resources.
 */
import { createHash } from 'node:crypto';
import { clusterId, Label, parseCidr, type Cluster, type Persisted } from '@kubeception/sdk';
import { err, ok, Result } from 'neverthrow';
import { clientToken } from './client-token.js';
import { checkText, nodeCloudConfig, userDataText, type CloudConfig, type Unrenderable } from './cloud-config.js';
import type { AwsSpec } from './provider-spec.js';
import { availabilityZones } from './regions.js';

/** Tag marking everything a cluster owns: `kubeception.io/cluster/<cluster-id>=owned`. */
export const ownerTag = (clusterId: string) => `kubeception.io/cluster/${clusterId}`;
/**
 * Tag on everything the driver creates, with the same value for every cluster: the key an IAM
 * policy can name in a condition (`aws:ResourceTag/kubeception.io/managed-by`), which the
 * per-cluster ownership tag, whose key varies, cannot be (see docs/decisions/007).
 */
export const MANAGED_BY_TAG = 'kubeception.io/managed-by';
/** Default value of {@link MANAGED_BY_TAG}: what the aws-operator's IAM policy requires. */
export const DEFAULT_MANAGED_BY = 'kubeception';
/** Tag naming a resource's role in the cluster (`vpc`, `subnet-public-eu-west-1a`, `sg-master`, …). */
export const ROLE_TAG = 'kubeception.io/resource';
/** Tag naming the node an instance is (the SDK's `Label.Node`). */
export const NODE_TAG = Label.Node;
/** Tag on a VPC or subnet whose attributes are set (DNS hostnames, public addresses). */
export const DONE_TAG = 'kubeception.io/configured';
/** Tag with the hash of an instance's launch configuration: a change means a replacement. */
export const CONFIG_TAG = 'kubeception.io/launch-config';

/** Default VPC network when `vpcCIDR` is unset: each cluster has its own VPC, so they may repeat. */
export const DEFAULT_VPC_CIDR = '10.0.0.0/16';

/** A subnet of the cluster's VPC: one public and one private per availability zone. */
export interface PlannedSubnet {
  /** Its role tag: `subnet-public-<zone>` or `subnet-private-<zone>`. */
  readonly role: string;
  /** Availability zone. */
  readonly zone: string;
  /** The `/24` it covers, inside the VPC's network. */
  readonly cidr: string;
  /** Whether it routes to the internet gateway. */
  readonly public: boolean;
}

/** One instance: a master or a worker of a pool. */
export interface PlannedNode {
  /** Node name: `<cluster>-master-<i>` or `<cluster>-<pool>-<i>`. */
  readonly name: string;
  /** Whether it runs the control plane or workloads. */
  readonly role: 'master' | 'worker';
  /** The worker pool it belongs to (workers only). */
  readonly pool?: string;
  /** Availability zone (nodes are spread round-robin over the zones). */
  readonly zone: string;
  /** Role tag of the subnet it is launched in. */
  readonly subnetRole: string;
  /** EC2 instance type. */
  readonly instanceType: string;
  /** AMI it boots. */
  readonly ami: string;
  /** Hash of everything the instance is launched with (version, type, image, volume, key, user data). */
  readonly config: string;
  /** Deterministic per node, launch configuration and the Cluster's generation: a retry never launches twice. */
  readonly clientToken: string;
  /** `Name` tag of its instance: `<cluster-id>-master-<i>` or `<cluster-id>-<pool>-<i>`. */
  readonly instanceName: string;
  /** The cloud-config ({@link userData} as an object), to which the boot file is added at launch. */
  readonly cloudConfig: CloudConfig;
  /** cloud-config; public data only. */
  readonly userData: string;
  /** Size of the root volume, GiB. */
  readonly rootVolumeGiB: number;
  /** EC2 key pair for SSH, when `sshKeyName` is set. */
  readonly keyName?: string;
}

/** An ingress rule: from a CIDR, or from the members of one of the cluster's security groups. */
export interface PlannedRule {
  /** `tcp` or `udp`. */
  readonly protocol: string;
  /** First port of the range. */
  readonly fromPort: number;
  /** Last port of the range (inclusive). */
  readonly toPort: number;
  /** Source network, when the rule admits a CIDR. */
  readonly cidr?: string;
  /** Source security group, when the rule admits the members of one of the cluster's groups. */
  readonly group?: SecurityGroupRole;
}

/**
 * Role of one of the cluster's security groups.
 * @inline
 */
export type SecurityGroupRole = 'sg-master' | 'sg-worker' | 'sg-ingress';

/** Everything one Cluster needs on EC2 (see {@link planCluster}). */
export interface Plan {
  /** Cluster name. */
  readonly cluster: string;
  /** The Cluster's ID (`clusterId` of its namespace and name): what names and tags its resources. */
  readonly id: string;
  /** Network of the cluster's VPC. */
  readonly vpcCidr: string;
  /** Availability zones used, in order. */
  readonly zones: readonly string[];
  /** Subnets, one public and one private per zone. */
  readonly subnets: readonly PlannedSubnet[];
  /** Security groups (masters, workers, ingress) with their ingress rules. */
  readonly securityGroups: readonly { readonly role: SecurityGroupRole; readonly name: string; readonly rules: readonly PlannedRule[] }[];
  /** Instances: masters first, then the workers of each pool. */
  readonly nodes: readonly PlannedNode[];
  /** Tags on every resource (the user's extra tags, {@link MANAGED_BY_TAG}, ownership; Name added per resource). */
  readonly tags: Readonly<Record<string, string>>;
}

/** Options of {@link planCluster}. */
export interface PlanOptions {
  /** Value of the {@link MANAGED_BY_TAG} tag on everything created. @default {@link DEFAULT_MANAGED_BY} */
  readonly managedBy?: string;
}

/** The `/24` at `index` inside `vpc` (a /16 to /21). */
export function subnetCidr(vpc: string, index: number): string {
  const net = parseCidr(vpc);
  if (typeof net === 'string') throw new Error(`invalid VPC CIDR ${vpc}: ${net}`); // validated before planning: a programmer error
  const first = net.first + index * 256;
  return `${[24, 16, 8, 0].map((s) => Math.floor(first / 2 ** s) % 256).join('.')}/24`;
}

/**
 * The plan of a validated Cluster with an AWS provider spec; {@link Unrenderable} when a
 * user-written value cannot be written into user data (see `cloud-config.ts`).
 */
export function planCluster(cluster: Pick<Persisted<Cluster>, 'metadata' | 'spec'>, aws: AwsSpec, options: PlanOptions = {}): Result<Plan, Unrenderable> {
  const name = cluster.metadata.name;
  const id = clusterId(cluster.metadata);
  const zones = aws.availabilityZones.names ?? availabilityZones(aws.region).slice(0, aws.availabilityZones.count ?? 1);
  const vpcCidr = aws.vpcCIDR ?? DEFAULT_VPC_CIDR;
  const subnets = plannedSubnets(zones, vpcCidr);
  const securityGroups = plannedSecurityGroups({ id, apiPort: cluster.spec.kubernetes.api.securePort, vpcCidr, ssh: Boolean(aws.sshKeyName) });
  const nodes = checkNames(cluster, aws).andThen(() => plannedNodes({ cluster, aws, id, zones }));
  const tags = { ...aws.tags, [MANAGED_BY_TAG]: options.managedBy ?? DEFAULT_MANAGED_BY, [ownerTag(id)]: 'owned' };
  return nodes.map((planned) => ({ cluster: name, id, vpcCidr, zones, subnets, securityGroups, nodes: planned, tags }));
}

/** One public and one private `/24` per zone: the public ones first in the VPC's network. */
function plannedSubnets(zones: readonly string[], vpcCidr: string): PlannedSubnet[] {
  return zones.flatMap((zone, i): PlannedSubnet[] => [
    { role: `subnet-public-${zone}`, zone, cidr: subnetCidr(vpcCidr, i), public: true },
    { role: `subnet-private-${zone}`, zone, cidr: subnetCidr(vpcCidr, zones.length + i), public: false },
  ]);
}

/** A TCP rule over a port range, from a CIDR or a group. */
const tcp = (fromPort: number, toPort: number, source: { cidr?: string; group?: SecurityGroupRole }): PlannedRule => ({
  protocol: 'tcp',
  fromPort,
  toPort,
  ...source,
});

/** What the security groups are planned from. */
interface SecurityGroupInputs {
  /** The Cluster's ID: the groups' names. */
  readonly id: string;
  /** The API server's port, open to everyone on the masters. */
  readonly apiPort: number;
  /** The VPC's network: NodePorts are open to it on the workers. */
  readonly vpcCidr: string;
  /** Whether SSH is open to everyone (an SSH key is set). */
  readonly ssh: boolean;
}

/** The masters', workers' and ingress groups with their ingress rules. */
function plannedSecurityGroups(inputs: SecurityGroupInputs): Plan['securityGroups'] {
  const { id, apiPort, vpcCidr } = inputs;
  const betweenNodes = (['sg-master', 'sg-worker'] as const).flatMap((group): PlannedRule[] => [
    { protocol: 'udp', fromPort: 4789, toPort: 4789, group }, // VXLAN (flannel, calico)
    tcp(179, 179, { group }), // calico BGP
  ]);
  const ssh = inputs.ssh ? [tcp(22, 22, { cidr: '0.0.0.0/0' })] : [];
  return [
    {
      role: 'sg-master' as const,
      name: `${id}-master`,
      rules: [
        tcp(apiPort, apiPort, { cidr: '0.0.0.0/0' }),
        tcp(2379, 2380, { group: 'sg-master' }),
        tcp(10250, 10250, { group: 'sg-master' }),
        ...betweenNodes,
        ...ssh,
      ],
    },
    {
      role: 'sg-worker' as const,
      name: `${id}-worker`,
      rules: [tcp(10250, 10250, { group: 'sg-master' }), tcp(30000, 32767, { cidr: vpcCidr }), ...betweenNodes, ...ssh],
    },
    { role: 'sg-ingress' as const, name: `${id}-ingress`, rules: [80, 443].map((port) => tcp(port, port, { cidr: '0.0.0.0/0' })) },
  ];
}

/** Every user-written name and tag that ends up in a host name, a group name or a tag: a DNS label, or text user data can hold. */
function checkNames(cluster: Pick<Persisted<Cluster>, 'metadata' | 'spec'>, aws: AwsSpec): Result<string[], Unrenderable> {
  return Result.combine([
    dnsLabel(cluster.metadata.name, 'metadata.name'),
    dnsLabel(cluster.metadata.namespace, 'metadata.namespace'),
    ...cluster.spec.workers.map((pool, i) => dnsLabel(pool.name, `spec.workers[${i}].name`)),
    ...Object.entries(aws.tags).map(([key, value]) =>
      checkText(`${key}${value}`, `spec.provider.aws.tags[${JSON.stringify(key)}]`).andThen(() => notReserved(key)),
    ),
  ]);
}

/** What every node is planned from. */
interface NodeInputs {
  readonly cluster: Pick<Persisted<Cluster>, 'metadata' | 'spec'>;
  readonly aws: AwsSpec;
  /** The Cluster's ID. */
  readonly id: string;
  /** The zones nodes are spread over, round-robin. */
  readonly zones: readonly string[];
}

/** One node's place: its name suffix (`master-0`, `<pool>-1`), role, index in its group, and pool. */
interface NodeSlot {
  readonly suffix: string;
  readonly role: 'master' | 'worker';
  readonly index: number;
  readonly pool?: string;
}

/** The masters, then the workers of each pool. */
function plannedNodes(inputs: NodeInputs): Result<PlannedNode[], Unrenderable> {
  const { spec } = inputs.cluster;
  const slots: NodeSlot[] = [
    ...Array.from({ length: spec.masters.replicas }, (_, i): NodeSlot => ({ suffix: `master-${i}`, role: 'master', index: i })),
    ...spec.workers.flatMap((pool) =>
      Array.from({ length: pool.replicas }, (_, i): NodeSlot => ({ suffix: `${pool.name}-${i}`, role: 'worker', index: i, pool: pool.name })),
    ),
  ];
  return Result.combine(slots.map((slot) => plannedNode(inputs, slot)));
}

/** One instance: its cloud-config, the hash of its launch configuration and its ClientToken. */
function plannedNode(inputs: NodeInputs, slot: NodeSlot): Result<PlannedNode, Unrenderable> {
  const { cluster, aws, id, zones } = inputs;
  const { suffix, role, index, pool } = slot;
  const name = cluster.metadata.name;
  const nodeName = `${name}-${suffix}`;
  const zone = zones[index % zones.length] ?? zones[0] ?? `${aws.region}a`;
  const instance = role === 'master' ? aws.instances.master : aws.instances.worker;
  return nodeCloudConfig({ hostname: nodeName, cluster: name, clusterId: id, role, kubernetesVersion: cluster.spec.kubernetes.version }).map((cloudConfig) => {
    const data = userDataText(cloudConfig);
    const config = createHash('sha256')
      .update(JSON.stringify([instance.instanceType, instance.ami, aws.rootVolumeSize, aws.sshKeyName ?? '', data]))
      .digest('hex')
      .slice(0, 16);
    return {
      name: nodeName,
      role,
      ...(pool ? { pool } : {}),
      zone,
      subnetRole: `subnet-public-${zone}`,
      instanceType: instance.instanceType,
      ami: instance.ami,
      config,
      // the ID and the uid: a Cluster deleted and created again under its name launches anew; the
      // generation: a node wanted again after it was retired (scaled down, then up) launches anew,
      // for EC2 answers a token with its instance for at least 24 h after that instance terminated
      clientToken: clientToken(id, cluster.metadata.uid, nodeName, config, String(cluster.metadata.generation)),
      instanceName: `${id}-${suffix}`,
      cloudConfig,
      userData: data,
      rootVolumeGiB: aws.rootVolumeSize,
      ...(aws.sshKeyName ? { keyName: aws.sshKeyName } : {}),
    };
  });
}

/** A user tag may not set {@link MANAGED_BY_TAG}: the driver sets it (the schema reserves the other keys). */
function notReserved(key: string): Result<string, Unrenderable> {
  const field = `spec.provider.aws.tags[${JSON.stringify(key)}]`;
  return key === MANAGED_BY_TAG ? err({ kind: 'Unrenderable', field, message: `${field}: is set by Kubeception and cannot be overridden` }) : ok(key);
}

/** `value` when it is a DNS-1123 label (it names a host, a security group, a tag). */
function dnsLabel(value: string, field: string): Result<string, Unrenderable> {
  return /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value)
    ? ok(value)
    : err({ kind: 'Unrenderable', field, message: `${field}: ${JSON.stringify(value)} is not a DNS-1123 label` });
}

/**
 * What a Cluster needs on EC2, computed purely from the Cluster: the VPC, one public and one
 * private /24 subnet per availability zone, the security groups and their rules, and one
 * instance per node. Every resource carries the ownership tag, so all of it is findable from
 * the Cluster alone.
 */
import { createHash } from 'node:crypto';
import { Label, parseCidr, type Cluster, type Persisted } from '@kubeception/sdk';
import type { AwsSpec } from './provider-spec.js';
import { availabilityZones } from './regions.js';

/** Tag marking everything a cluster owns: `kubeception.io/cluster/<name>=owned`. */
export const ownerTag = (cluster: string) => `kubeception.io/cluster/${cluster}`;
/** Tag naming a resource's role in the cluster (`vpc`, `subnet-public-eu-west-1a`, `sg-master`, …). */
export const ROLE_TAG = 'kubeception.io/resource';
/** Tag naming the node an instance is (the SDK's `Label.Node`). */
export const NODE_TAG = Label.Node;
/** Tag with the hash of an instance's launch configuration: a change means a replacement. */
export const CONFIG_TAG = 'kubeception.io/launch-config';

/** Default VPC network when `vpcCIDR` is unset: each cluster has its own VPC, so they may repeat. */
export const DEFAULT_VPC_CIDR = '10.0.0.0/16';

export interface PlannedSubnet {
  readonly role: string;
  readonly zone: string;
  readonly cidr: string;
  readonly public: boolean;
}

export interface PlannedNode {
  readonly name: string;
  readonly role: 'master' | 'worker';
  readonly pool?: string;
  readonly zone: string;
  readonly subnetRole: string;
  readonly instanceType: string;
  readonly ami: string;
  /** Hash of everything the instance is launched with (version, type, image, volume, key, user data). */
  readonly config: string;
  /** Deterministic per node and launch configuration: a retry never launches twice. */
  readonly clientToken: string;
  /** cloud-config; public data only. */
  readonly userData: string;
  readonly rootVolumeGiB: number;
  readonly keyName?: string;
}

/** An ingress rule: from a CIDR, or from the members of one of the cluster's security groups. */
export interface PlannedRule {
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidr?: string;
  readonly group?: SecurityGroupRole;
}

export type SecurityGroupRole = 'sg-master' | 'sg-worker' | 'sg-ingress';

export interface Plan {
  readonly cluster: string;
  readonly vpcCidr: string;
  readonly zones: readonly string[];
  readonly subnets: readonly PlannedSubnet[];
  readonly securityGroups: readonly { readonly role: SecurityGroupRole; readonly name: string; readonly rules: readonly PlannedRule[] }[];
  readonly nodes: readonly PlannedNode[];
  /** Tags on every resource (ownership, Name added per resource, the user's extra tags). */
  readonly tags: Readonly<Record<string, string>>;
}

/** The `/24` at `index` inside `vpc` (a /16 to /21). */
export function subnetCidr(vpc: string, index: number): string {
  const net = parseCidr(vpc);
  if (typeof net === 'string') throw new Error(`invalid VPC CIDR ${vpc}: ${net}`); // validated before planning: a programmer error
  const first = net.first + index * 256;
  return `${[24, 16, 8, 0].map((s) => Math.floor(first / 2 ** s) % 256).join('.')}/24`;
}

/** The plan of a validated Cluster with an AWS provider spec. */
export function planCluster(cluster: Pick<Persisted<Cluster>, 'metadata' | 'spec'>, aws: AwsSpec): Plan {
  const name = cluster.metadata.name;
  const zones = aws.availabilityZones.names ?? availabilityZones(aws.region).slice(0, aws.availabilityZones.count ?? 1);
  const vpcCidr = aws.vpcCIDR ?? DEFAULT_VPC_CIDR;
  const subnets = zones.flatMap((zone, i): PlannedSubnet[] => [
    { role: `subnet-public-${zone}`, zone, cidr: subnetCidr(vpcCidr, i), public: true },
    { role: `subnet-private-${zone}`, zone, cidr: subnetCidr(vpcCidr, zones.length + i), public: false },
  ]);
  const api = cluster.spec.kubernetes.api.securePort;
  const tcp = (fromPort: number, toPort: number, source: { cidr?: string; group?: SecurityGroupRole }): PlannedRule => ({ protocol: 'tcp', fromPort, toPort, ...source });
  const betweenNodes = (['sg-master', 'sg-worker'] as const).flatMap((group): PlannedRule[] => [
    { protocol: 'udp', fromPort: 4789, toPort: 4789, group }, // VXLAN (flannel, calico)
    tcp(179, 179, { group }), // calico BGP
  ]);
  const ssh = aws.sshKeyName ? [tcp(22, 22, { cidr: '0.0.0.0/0' })] : [];
  const securityGroups = [
    {
      role: 'sg-master' as const,
      name: `${name}-master`,
      rules: [tcp(api, api, { cidr: '0.0.0.0/0' }), tcp(2379, 2380, { group: 'sg-master' }), tcp(10250, 10250, { group: 'sg-master' }), ...betweenNodes, ...ssh],
    },
    {
      role: 'sg-worker' as const,
      name: `${name}-worker`,
      rules: [tcp(10250, 10250, { group: 'sg-master' }), tcp(30000, 32767, { cidr: vpcCidr }), ...betweenNodes, ...ssh],
    },
    { role: 'sg-ingress' as const, name: `${name}-ingress`, rules: [80, 443].map((port) => tcp(port, port, { cidr: '0.0.0.0/0' })) },
  ];
  const node = (nodeName: string, role: 'master' | 'worker', index: number, pool?: string): PlannedNode => {
    const zone = zones[index % zones.length] ?? zones[0] ?? `${aws.region}a`;
    const instance = role === 'master' ? aws.instances.master : aws.instances.worker;
    const data = userData(name, nodeName, role, cluster.spec.kubernetes.version);
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
      clientToken: `kc-${createHash('sha256').update(`${cluster.metadata.uid}/${nodeName}/${config}`).digest('hex').slice(0, 40)}`,
      userData: data,
      rootVolumeGiB: aws.rootVolumeSize,
      ...(aws.sshKeyName ? { keyName: aws.sshKeyName } : {}),
    };
  };
  const nodes = [
    ...Array.from({ length: cluster.spec.masters.replicas }, (_, i) => node(`${name}-master-${i}`, 'master', i)),
    ...cluster.spec.workers.flatMap((pool) => Array.from({ length: pool.replicas }, (_, i) => node(`${name}-${pool.name}-${i}`, 'worker', i, pool.name))),
  ];
  return { cluster: name, vpcCidr, zones, subnets, securityGroups, nodes, tags: { ...aws.tags, [ownerTag(name)]: 'owned' } };
}

/** The instance's cloud-config: host name and role only. Certificates never travel here. */
function userData(cluster: string, node: string, role: string, version: string): string {
  return ['#cloud-config', `hostname: ${node}`, 'write_files:', '  - path: /etc/kubeception/node.env', '    content: |', `      CLUSTER=${cluster}`, `      ROLE=${role}`, `      KUBERNETES_VERSION=${version}`, ''].join('\n');
}

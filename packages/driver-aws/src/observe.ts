/** Reading a cluster's EC2 resources by their ownership tag: all of them, or the instances alone while only they change (reads only). */
import {
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  type Filter,
  type Instance,
  type InternetGateway,
  type RouteTable,
  type SecurityGroup,
  type DescribeVpcsCommandOutput,
} from '@aws-sdk/client-ec2';
import type { DriverError } from '@kubeception/sdk/cluster';
import { ResultAsync, okAsync } from 'neverthrow';
import { toDriverError } from './ec2-errors.js';
import { CONFIG_TAG, DONE_TAG, NODE_TAG, ROLE_TAG, ownerTag } from './plan.js';

/** A cluster's EC2 resources as they are. */
export interface AwsWorld {
  /** The cluster's VPC, when it exists. */
  readonly vpc?: { readonly id: string; readonly cidr: string; readonly tags: Record<string, string> };
  /** The internet gateway and the VPC it is attached to, when it exists. */
  readonly gateway?: { readonly id: string; readonly attachedTo?: string };
  /** Subnets by role tag (`subnet-public-<zone>`, `subnet-private-<zone>`). */
  readonly subnets: Readonly<Record<string, { readonly id: string; readonly cidr: string; readonly tags: Record<string, string> }>>;
  /** The public route table: whether it has the default route to the gateway, and its associated subnets. */
  readonly routeTable?: { readonly id: string; readonly defaultRoute: boolean; readonly subnets: readonly string[] };
  /**
   * Security groups by role (`sg-master`, `sg-worker`, `sg-ingress`), with their ingress rules as comparable
   * strings and the rules that reference other groups.
   */
  readonly securityGroups: Readonly<Record<string, { readonly id: string; readonly rules: readonly string[]; readonly references: readonly GroupReference[] }>>;
  /** Instances by node: usually one; two while a node is being replaced. */
  readonly instances: Readonly<Record<string, readonly ObservedInstance[]>>;
  /**
   * Owned VPCs and internet gateways beyond the one in use that nothing was built on (an
   * unconfigured VPC, a detached gateway): duplicates of a create repeated while EC2 did not show
   * the first yet (they take no ClientToken). Apply deletes them. @default none
   */
  readonly duplicates?: readonly OwnedDuplicate[];
  /**
   * Set when part or all of it is what this process's own calls and Describes left in an earlier
   * pass rather than described again (see docs/decisions/025): everything but the instances while
   * only instances change (being started, replaced or retired), the whole world in a pass right
   * after one that found everything as planned. No evidence of what Describe shows now.
   * @default unset: all of it described
   */
  readonly recalled?: true;
}

/** A cluster's world but its instances: its network and security groups. */
export type AwsNetwork = Omit<AwsWorld, 'instances' | 'recalled'>;

/**
 * An owned VPC or internet gateway that is not the one in use.
 * @inline
 */
export interface OwnedDuplicate {
  readonly type: 'vpc' | 'internet-gateway';
  readonly id: string;
}

/** The key under which owned instances without a node tag are observed. */
export const UNNAMED = '(no node tag)';

/**
 * An instance as observed.
 * @inline
 */
export interface ObservedInstance {
  readonly id: string;
  readonly state: string;
  /** The launch-configuration hash it was started with. */
  readonly config: string;
  /** When it was launched (ISO 8601), the oldest of a node's duplicates is the one kept. */
  readonly launched?: string;
  readonly zone?: string;
  readonly privateIp?: string;
  readonly publicIp?: string;
}

/**
 * An ingress rule whose source is another security group (it blocks deleting that group).
 * @inline
 */
export interface GroupReference {
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly groupId: string;
}

type Tag = { Key?: string; Value?: string };
const tagMap = (tags: Tag[] | undefined) => Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
/** A security group rule as a comparable string; `source` is a CIDR or `sg:<group id>`. */
export const ruleKey = (protocol: string, from: number, to: number, source: string) => `${protocol}:${protocol === '-1' ? 'all' : `${from}-${to}`}:${source}`;

/** The filter of what the cluster `clusterId` owns: its ownership tag. */
export const ownedBy = (clusterId: string): Filter[] => [{ Name: `tag:${ownerTag(clusterId)}`, Values: ['owned'] }];
/** An EC2 read as a `ResultAsync`. */
const call = <T>(promise: () => Promise<T>) => ResultAsync.fromThrowable(promise, toDriverError)();
/** Instance states of an instance still moving: being started, or going. */
const MOVING = new Set(['pending', 'shutting-down', 'stopping']);

/**
 * A cluster's EC2 resources: those tagged `kubeception.io/cluster/<cluster-id>=owned` (reads
 * only). The VPC is asked for first: everything else of a cluster is made in its VPC, or after
 * it was configured (the gateway), so with no VPC there is nothing else to describe — but a
 * gateway a crash left detached after its VPC went, which the deletion's sweep finds.
 */
export function observeWorld(ec2: EC2Client, clusterId: string): ResultAsync<AwsWorld, DriverError> {
  const owned = ownedBy(clusterId);
  return call(() => ec2.send(new DescribeVpcsCommand({ Filters: owned }))).andThen((vpcs) =>
    (vpcs.Vpcs ?? []).length === 0
      ? okAsync<AwsWorld, DriverError>({ subnets: {}, securityGroups: {}, instances: {} })
      : ResultAsync.combine([describeNetwork(ec2, owned, okAsync(vpcs)), call(() => describeInstances(ec2, owned))] as const).map(
          ([network, instances]): AwsWorld => ({ ...network, instances }),
        ),
  );
}

/**
 * A cluster's instances, with `recalled` for the rest while one of them is still moving (pending,
 * shutting down); once none is, everything described again, as {@link observeWorld} does (reads only).
 */
export function observeInstances(ec2: EC2Client, clusterId: string, recalled: AwsNetwork): ResultAsync<AwsWorld, DriverError> {
  const owned = ownedBy(clusterId);
  return call(() => describeInstances(ec2, owned)).andThen((instances) =>
    Object.values(instances).some((list) => list.some((i) => MOVING.has(i.state)))
      ? okAsync<AwsWorld, DriverError>({ ...recalled, instances, recalled: true })
      : describeNetwork(
          ec2,
          owned,
          call(() => ec2.send(new DescribeVpcsCommand({ Filters: owned }))),
        ).map((network): AwsWorld => ({ ...network, instances })),
  );
}

/** Everything but the instances, described (at once), with the VPCs as `vpcs` lists them. */
function describeNetwork(ec2: EC2Client, owned: Filter[], vpcs: ResultAsync<DescribeVpcsCommandOutput, DriverError>): ResultAsync<AwsNetwork, DriverError> {
  return ResultAsync.combine([
    vpcs,
    call(() => ec2.send(new DescribeInternetGatewaysCommand({ Filters: owned }))),
    call(() => ec2.send(new DescribeSubnetsCommand({ Filters: owned }))),
    call(() => ec2.send(new DescribeRouteTablesCommand({ Filters: owned }))),
    call(() => ec2.send(new DescribeSecurityGroupsCommand({ Filters: owned }))),
  ] as const).map(([vpcs, gateways, subnets, tables, groups]): AwsNetwork => {
    const [vpc, ...otherVpcs] = inUseFirst(
      vpcs.Vpcs ?? [],
      (v) => v.VpcId,
      (v) => tagMap(v.Tags)[DONE_TAG] === 'true',
    );
    const [gateway, ...otherGateways] = inUseFirst(
      gateways.InternetGateways ?? [],
      (g) => g.InternetGatewayId,
      (g) => vpc?.VpcId !== undefined && attachment(g) === vpc.VpcId,
    );
    const table = tables.RouteTables?.[0];
    // only what nothing was built on: an unconfigured VPC, a detached gateway (anything else is left for the deletion's sweep)
    const duplicates: OwnedDuplicate[] = [
      ...otherVpcs.filter((v) => tagMap(v.Tags)[DONE_TAG] !== 'true').map((v): OwnedDuplicate => ({ type: 'vpc', id: v.VpcId ?? '' })),
      ...otherGateways.filter((g) => !attachment(g)).map((g): OwnedDuplicate => ({ type: 'internet-gateway', id: g.InternetGatewayId ?? '' })),
    ];
    return {
      ...(duplicates.length > 0 ? { duplicates } : {}),
      ...(vpc?.VpcId ? { vpc: { id: vpc.VpcId, cidr: vpc.CidrBlock ?? '', tags: tagMap(vpc.Tags) } } : {}),
      ...(gateway?.InternetGatewayId ? { gateway: { id: gateway.InternetGatewayId, ...attachedTo(gateway) } } : {}),
      subnets: Object.fromEntries(
        (subnets.Subnets ?? []).map((s) => [tagMap(s.Tags)[ROLE_TAG] ?? s.SubnetId, { id: s.SubnetId ?? '', cidr: s.CidrBlock ?? '', tags: tagMap(s.Tags) }]),
      ),
      ...(table?.RouteTableId ? { routeTable: observedRouteTable(table.RouteTableId, table) } : {}),
      securityGroups: Object.fromEntries((groups.SecurityGroups ?? []).map((g) => [tagMap(g.Tags)[ROLE_TAG] ?? g.GroupId, observedSecurityGroup(g)])),
    };
  });
}

/**
 * Resources of which the cluster has one, the one in use first: the one `used` says is (configured,
 * attached), else the lowest id, so every pass picks the same one whatever order Describe lists them in.
 */
function inUseFirst<T>(found: readonly T[], id: (r: T) => string | undefined, used: (r: T) => boolean): T[] {
  const key = (r: T) => `${used(r) ? 0 : 1}/${id(r) ?? ''}`;
  return [...found].sort((a, b) => key(a).localeCompare(key(b)));
}

/** The VPC an internet gateway is attached to, if any. */
const attachment = (g: InternetGateway) => g.Attachments?.[0]?.VpcId;
/** `attachedTo` of an observed gateway. */
const attachedTo = (g: InternetGateway) => (attachment(g) ? { attachedTo: attachment(g) } : {});

/** The owned instances that are not terminated, by node (every page of DescribeInstances). */
async function describeInstances(ec2: EC2Client, owned: Filter[]): Promise<Record<string, ObservedInstance[]>> {
  const found: Record<string, ObservedInstance[]> = {};
  let token: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [...owned, { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped', 'shutting-down'] }],
        NextToken: token,
      }),
    );
    for (const i of (page.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
      const tags = tagMap(i.Tags);
      const node = tags[NODE_TAG] ?? UNNAMED; // owned but not a node of ours: kept so deletion removes it
      (found[node] ??= []).push(observedInstance(i, tags));
    }
    token = page.NextToken;
  } while (token);
  return found;
}

/** An instance as observed, with its tags. */
function observedInstance(i: Instance, tags: Record<string, string>): ObservedInstance {
  return {
    id: i.InstanceId ?? '',
    state: i.State?.Name ?? 'unknown',
    config: tags[CONFIG_TAG] ?? '',
    ...(i.LaunchTime ? { launched: i.LaunchTime.toISOString() } : {}),
    ...(i.Placement?.AvailabilityZone ? { zone: i.Placement.AvailabilityZone } : {}),
    ...(i.PrivateIpAddress ? { privateIp: i.PrivateIpAddress } : {}),
    ...(i.PublicIpAddress ? { publicIp: i.PublicIpAddress } : {}),
  };
}

/** The route table `id`: whether it has a default route to a gateway, and its associated subnets. */
export function observedRouteTable(id: string, table: RouteTable): NonNullable<AwsWorld['routeTable']> {
  return {
    id,
    defaultRoute: (table.Routes ?? []).some((r) => r.DestinationCidrBlock === '0.0.0.0/0' && r.GatewayId),
    subnets: (table.Associations ?? []).flatMap((a) => (a.SubnetId ? [a.SubnetId] : [])),
  };
}

/** A security group: its ingress rules as comparable strings, and those whose source is another group. */
function observedSecurityGroup(g: SecurityGroup): AwsWorld['securityGroups'][string] {
  return {
    id: g.GroupId ?? '',
    rules: (g.IpPermissions ?? []).flatMap((p) => [
      ...(p.IpRanges ?? []).map((r) => ruleKey(p.IpProtocol ?? '-1', p.FromPort ?? 0, p.ToPort ?? 65535, r.CidrIp ?? '')),
      ...(p.UserIdGroupPairs ?? []).map((pair) => ruleKey(p.IpProtocol ?? '-1', p.FromPort ?? 0, p.ToPort ?? 65535, `sg:${pair.GroupId ?? ''}`)),
    ]),
    references: (g.IpPermissions ?? []).flatMap((p) =>
      (p.UserIdGroupPairs ?? []).map((pair) => ({
        protocol: p.IpProtocol ?? '-1',
        fromPort: p.FromPort ?? 0,
        toPort: p.ToPort ?? 65535,
        groupId: pair.GroupId ?? '',
      })),
    ),
  };
}

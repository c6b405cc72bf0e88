/**
 * One step toward the plan. Each pass finds the first stage that is not as planned, does it
 * (every create is tagged on creation, instances use their deterministic ClientToken) and asks
 * to be called again; so a crash anywhere leaves nothing untracked and creates nothing twice.
 */
import {
  AssociateRouteTableCommand,
  AttachInternetGatewayCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  ModifySubnetAttributeCommand,
  ModifyVpcAttributeCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type _InstanceType,
  type EC2Client,
  type ResourceType,
  type Tag,
} from '@aws-sdk/client-ec2';
import type { SecretValue } from '@kubeception/sdk';
import type { DriverError, DriverProgress } from '@kubeception/sdk/cluster';
import { ResultAsync, errAsync, okAsync, type Result } from 'neverthrow';
import { bootFile, userDataText } from './cloud-config.js';
import { sendEc2, type Ec2Command } from './ec2-command.js';
import { ec2Code } from './ec2-errors.js';
import { ruleKey, type AwsWorld } from './observe.js';
import { PendingCreations } from './pending.js';
import { CONFIG_TAG, NODE_TAG, ROLE_TAG, type Plan, type PlannedNode, type PlannedRule } from './plan.js';

const DONE_TAG = 'kubeception.io/configured';

/** The node a boot token is minted for: its roles in the cluster's PKI follow from `role`. */
export interface BootNode {
  /** The guest node's name (`<cluster>-master-0`, `<cluster>-<pool>-<i>`). */
  readonly name: string;
  /** Its role: the token may issue only this role's certificates. */
  readonly role: 'master' | 'worker';
}

/** How nodes get their boot token (see README "Node boot"). */
export interface BootTokens {
  readonly mint: (node: BootNode) => ResultAsync<SecretValue, DriverError>;
  readonly vaultAddr: string;
}

export function applyPlan(
  ec2: EC2Client,
  plan: Plan,
  world: AwsWorld,
  pollMs = 1000,
  pending = new PendingCreations(),
  boot?: BootTokens,
): ResultAsync<DriverProgress, DriverError> {
  /** Ask again after a fraction (`short`) or a multiple of the poll interval. */
  const again = (reason: string, factor = 1): DriverProgress => ({ type: 'requeueAfter', ms: Math.max(1, Math.round(pollMs * factor)), reason });
  const send = (command: Ec2Command) => sendEc2(ec2, command);
  const tagged = (type: ResourceType, role: string, name = `${plan.id}-${role}`) => [
    { ResourceType: type, Tags: [...Object.entries(plan.tags).map(([Key, Value]): Tag => ({ Key, Value })), { Key: ROLE_TAG, Value: role }, { Key: 'Name', Value: name }] },
  ];
  /** Creates `role` unless a creation of it is still becoming visible. */
  const create = (role: string, what: string, command: Ec2Command): ResultAsync<DriverProgress, DriverError> => {
    if (pending.pending(plan.id, role)) return okAsync(again(`waiting for the new ${what} to become visible`, 0.5));
    return send(command).map(() => (pending.record(plan.id, role), again(`creating ${what}`)));
  };
  const visible = [
    ...(world.vpc ? ['vpc'] : []),
    ...(world.gateway ? ['igw'] : []),
    ...(world.routeTable ? ['rt-public'] : []),
    ...Object.keys(world.subnets),
    ...Object.keys(world.securityGroups),
  ];
  pending.seen(plan.id, visible);
  const markDone = (id: string) => send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: DONE_TAG, Value: 'true' }] }));

  const { vpc, gateway, routeTable } = world;
  if (!vpc) return create('vpc', 'VPC', new CreateVpcCommand({ CidrBlock: plan.vpcCidr, TagSpecifications: tagged('vpc', 'vpc') }));
  if (vpc.tags[DONE_TAG] !== 'true') {
    return send(new ModifyVpcAttributeCommand({ VpcId: vpc.id, EnableDnsHostnames: { Value: true } }))
      .andThen(() => markDone(vpc.id))
      .map(() => again('configuring the VPC', 0.01));
  }
  if (!gateway) return create('igw', 'internet gateway', new CreateInternetGatewayCommand({ TagSpecifications: tagged('internet-gateway', 'igw') }));
  if (gateway.attachedTo !== vpc.id) return send(new AttachInternetGatewayCommand({ InternetGatewayId: gateway.id, VpcId: vpc.id })).map(() => again('attaching the internet gateway', 0.01));

  const missingSubnets = plan.subnets.filter((s) => !world.subnets[s.role]);
  if (missingSubnets.length > 0) {
    const creates = missingSubnets.map((s) => create(s.role, `subnet ${s.role}`, new CreateSubnetCommand({ VpcId: vpc.id, CidrBlock: s.cidr, AvailabilityZone: s.zone, TagSpecifications: tagged('subnet', s.role) })));
    return ResultAsync.combine(creates).map((steps) => steps[0] ?? again('creating subnets'));
  }
  const unconfigured = plan.subnets.filter((s) => s.public && world.subnets[s.role]?.tags[DONE_TAG] !== 'true');
  if (unconfigured.length > 0) {
    const ids = unconfigured.map((s) => world.subnets[s.role]?.id ?? '');
    return ResultAsync.combine(ids.map((id) => send(new ModifySubnetAttributeCommand({ SubnetId: id, MapPublicIpOnLaunch: { Value: true } })).andThen(() => markDone(id)))).map(() =>
      again('configuring public subnets', 0.01),
    );
  }

  if (!routeTable) return create('rt-public', 'route table', new CreateRouteTableCommand({ VpcId: vpc.id, TagSpecifications: tagged('route-table', 'rt-public') }));
  if (!routeTable.defaultRoute) return send(new CreateRouteCommand({ RouteTableId: routeTable.id, DestinationCidrBlock: '0.0.0.0/0', GatewayId: gateway.id })).map(() => again('adding the default route', 0.01));
  const unassociated = plan.subnets.filter((s) => s.public).map((s) => world.subnets[s.role]?.id ?? '').filter((id) => !routeTable.subnets.includes(id));
  if (unassociated.length > 0) {
    return ResultAsync.combine(unassociated.map((id) => send(new AssociateRouteTableCommand({ RouteTableId: routeTable.id, SubnetId: id })))).map(() => again('associating public subnets', 0.01));
  }

  const missingGroups = plan.securityGroups.filter((g) => !world.securityGroups[g.role]);
  if (missingGroups.length > 0) {
    return ResultAsync.combine(
      missingGroups.map((g) => create(g.role, `security group ${g.name}`, new CreateSecurityGroupCommand({ GroupName: g.name, Description: `Kubeception ${g.name}`, VpcId: vpc.id, TagSpecifications: tagged('security-group', g.role, g.name) }))),
    ).map((steps) => steps[0] ?? again('creating security groups'));
  }
  const sourceOf = (r: PlannedRule) => (r.group ? `sg:${world.securityGroups[r.group]?.id ?? ''}` : (r.cidr ?? ''));
  const missingRules = plan.securityGroups.flatMap((g) => {
    const have = world.securityGroups[g.role];
    return g.rules.filter((r) => !have?.rules.includes(ruleKey(r.protocol, r.fromPort, r.toPort, sourceOf(r)))).map((r) => ({ id: have?.id ?? '', rule: r }));
  });
  if (missingRules.length > 0) {
    const authorize = missingRules.map(({ id, rule }) =>
      send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: id,
          IpPermissions: [
            {
              IpProtocol: rule.protocol,
              FromPort: rule.fromPort,
              ToPort: rule.toPort,
              ...(rule.group ? { UserIdGroupPairs: [{ GroupId: world.securityGroups[rule.group]?.id }] } : { IpRanges: [{ CidrIp: rule.cidr }] }),
            },
          ],
        }),
      ).orElse((e) =>
        ec2Code(e.cause) === 'InvalidPermission.Duplicate' ? okAsync(undefined) : errAsync(e),
      ),
    );
    return ResultAsync.combine(authorize).map(() => again('opening security group rules', 0.01));
  }

  /** User data: the planned cloud-config, plus the node's single-use wrapped boot token. */
  const userDataOf = (n: PlannedNode): ResultAsync<string, DriverError> =>
    boot ? boot.mint({ name: n.name, role: n.role }).andThen((token) => withBootFile(n, boot.vaultAddr, token.reveal())) : okAsync(n.userData);
  const run = (n: PlannedNode) =>
    userDataOf(n).andThen((userData) => launch(n, userData)).orElse((e) =>
      // the same ClientToken with other user data (a new boot token after a lost answer): the
      // launch already happened and is not visible yet; the unused boot token expires
      ec2Code(e.cause) === 'IdempotentParameterMismatch' ? okAsync(undefined) : errAsync(e),
    );
  const launch = (n: PlannedNode, userData: string) =>
    send(
      new RunInstancesCommand({
        ImageId: n.ami,
        // validated as an instance type; the SDK's union lists only the types it knew when built
        InstanceType: n.instanceType as _InstanceType,
        MinCount: 1,
        MaxCount: 1,
        ClientToken: n.clientToken,
        SubnetId: world.subnets[n.subnetRole]?.id,
        SecurityGroupIds: [world.securityGroups[n.role === 'master' ? 'sg-master' : 'sg-worker']?.id ?? ''],
        UserData: Buffer.from(userData).toString('base64'),
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: n.rootVolumeGiB, VolumeType: 'gp3', DeleteOnTermination: true } }],
        ...(n.keyName ? { KeyName: n.keyName } : {}),
        TagSpecifications: [{ ResourceType: 'instance', Tags: [...(tagged('instance', n.role, n.instanceName)[0]?.Tags ?? []), { Key: NODE_TAG, Value: n.name }, { Key: CONFIG_TAG, Value: n.config }, { Key: 'kubeception.io/role', Value: n.role }] }],
      }),
    );
  const live = (node: string) => (world.instances[node] ?? []).filter((i) => i.state !== 'shutting-down');
  const leaving = Object.entries(world.instances).filter(([, list]) => list.some((i) => i.state === 'shutting-down'));
  const fresh = (n: PlannedNode) => live(n.name).find((i) => i.config === n.config);

  // 1. new nodes (none of their instances exist): launch them together
  const absent = plan.nodes.filter((n) => live(n.name).length === 0);
  if (absent.length > 0) return ResultAsync.combine(absent.map(run)).map(() => again(`starting ${absent.length} instances`, 2));
  const starting = plan.nodes.filter((n) => live(n.name).some((i) => i.state !== 'running'));
  if (starting.length > 0 || leaving.length > 0) return okAsync(again(`waiting for ${starting.length + leaving.length} instances to settle`, 2));

  // 2. outdated nodes (a changed version, type, image, …): one at a time, masters first; new instance before the old goes
  const outdated = plan.nodes.find((n) => live(n.name).some((i) => i.config !== n.config));
  if (outdated) {
    const replacement = fresh(outdated);
    if (!replacement) return run(outdated).map(() => again(`replacing ${outdated.name}`, 2));
    const old = live(outdated.name).filter((i) => i.config !== outdated.config);
    return send(new TerminateInstancesCommand({ InstanceIds: old.map((i) => i.id) })).map(() => again(`retiring the old ${outdated.name}`, 2));
  }

  // 3. nodes no longer wanted: one at a time, highest index first
  const wanted = new Set(plan.nodes.map((n) => n.name));
  const [extra] = Object.keys(world.instances)
    .filter((node) => !wanted.has(node) && live(node).length > 0)
    .sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
  if (extra) return send(new TerminateInstancesCommand({ InstanceIds: live(extra).map((i) => i.id) })).map(() => again(`removing ${extra}`, 2));
  return okAsync({ type: 'done' });
}

/** A node's user data with its boot file (Vault's address and the single-use wrapped token), written by `yaml`. */
function withBootFile(node: PlannedNode, vaultAddr: string, wrappedToken: string): Result<string, DriverError> {
  return bootFile(vaultAddr, wrappedToken)
    .map((file) => userDataText({ ...node.cloudConfig, write_files: [...node.cloudConfig.write_files, file] }))
    .mapErr((e): DriverError => ({ kind: 'Failed', reason: 'Unrenderable', message: e.message, cause: e }));
}

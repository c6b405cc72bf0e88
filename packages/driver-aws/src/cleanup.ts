/**
 * One step toward nothing: instances, then security groups, subnets, the route table, the
 * internet gateway and the VPC. Independent deletions in a stage all run; `DependencyViolation`
 * (something still attached) and NotFound (already gone, or not visible yet) mean "try again".
 */
import {
  DeleteInternetGatewayCommand,
  DeleteRouteTableCommand,
  DeleteSecurityGroupCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeTagsCommand,
  DetachInternetGatewayCommand,
  RevokeSecurityGroupIngressCommand,
  TerminateInstancesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { DriverError, DriverProgress } from '@kubeception/sdk/cluster';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { sendEc2, type Ec2Command } from './ec2-command.js';
import { toDriverError } from './ec2-errors.js';
import type { AwsWorld } from './observe.js';
import { ownerTag } from './plan.js';

/** One deletion step for the cluster `clusterId` in the region `ec2` talks to, from what observe found there (`world`). */
export function cleanupWorld(ec2: EC2Client, clusterId: string, world: AwsWorld, pollMs = 1000): ResultAsync<DriverProgress, DriverError> {
  const again = (reason: string, factor = 1): DriverProgress => ({ type: 'requeueAfter', ms: Math.max(1, Math.round(pollMs * factor)), reason });
  /**
   * Runs deletions; a retryable failure of one does not stop the others, and is reported in the
   * progress reason (the `Deleting` condition); a terminal one (access denied, an account that does
   * not serve the region) fails the step with its message.
   */
  const all = (commands: Ec2Command[], reason: string): ResultAsync<DriverProgress, DriverError> =>
    ResultAsync.combine(
      commands.map((c) =>
        sendEc2(ec2, c)
          .map((): DriverError | undefined => undefined)
          .orElse((e) => (e.terminal ? errAsync(e) : okAsync(e))),
      ),
    ).map((results) => {
      const failed = results.filter((e) => e !== undefined);
      return again(failed.length === 0 ? reason : `${reason} (${failed.length} of ${results.length} to retry: ${failed[0]?.message ?? ''})`);
    });

  const live = Object.values(world.instances)
    .flat()
    .filter((i) => i.state !== 'terminated');
  const running = live.filter((i) => i.state !== 'shutting-down');
  if (running.length > 0) return all([new TerminateInstancesCommand({ InstanceIds: running.map((i) => i.id) })], `terminating ${running.length} instances`);
  if (live.length > 0) return okAsync(again(`waiting for ${live.length} instances to terminate`, 2));
  const groups = Object.values(world.securityGroups);
  const referencing = groups.filter((g) => g.references.length > 0);
  if (referencing.length > 0) {
    // groups referencing each other can never be deleted: drop those rules first
    const revokes = referencing.map(
      (g) =>
        new RevokeSecurityGroupIngressCommand({
          GroupId: g.id,
          IpPermissions: g.references.map((r) => ({
            IpProtocol: r.protocol,
            FromPort: r.fromPort,
            ToPort: r.toPort,
            UserIdGroupPairs: [{ GroupId: r.groupId }],
          })),
        }),
    );
    return all(revokes, `revoking rules between ${referencing.length} security groups`);
  }
  if (groups.length > 0)
    return all(
      groups.map((g) => new DeleteSecurityGroupCommand({ GroupId: g.id })),
      `deleting ${groups.length} security groups`,
    );
  const subnets = Object.values(world.subnets);
  if (subnets.length > 0)
    return all(
      subnets.map((s) => new DeleteSubnetCommand({ SubnetId: s.id })),
      `deleting ${subnets.length} subnets`,
    );
  if (world.routeTable) return all([new DeleteRouteTableCommand({ RouteTableId: world.routeTable.id })], 'deleting the route table');
  if (world.gateway) {
    const gateway = world.gateway;
    const detach = gateway.attachedTo ? [new DetachInternetGatewayCommand({ InternetGatewayId: gateway.id, VpcId: gateway.attachedTo })] : [];
    return all(detach, 'detaching the internet gateway').andThen((progress) =>
      gateway.attachedTo ? okAsync(progress) : all([new DeleteInternetGatewayCommand({ InternetGatewayId: gateway.id })], 'deleting the internet gateway'),
    );
  }
  if (world.vpc) return all([new DeleteVpcCommand({ VpcId: world.vpc.id })], 'deleting the VPC');
  return sweep(ec2, clusterId, all, again);
}

/**
 * The final sweep: anything still tagged as owned by the cluster (whatever its type, e.g. a
 * duplicate that escaped observation) is deleted; resources of types the driver cannot delete
 * are reported, never silently left.
 */
function sweep(
  ec2: EC2Client,
  clusterId: string,
  all: (commands: Ec2Command[], reason: string) => ResultAsync<DriverProgress, DriverError>,
  again: (reason: string, factor?: number) => DriverProgress,
): ResultAsync<DriverProgress, DriverError> {
  const described = ResultAsync.fromThrowable(
    () => ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: [ownerTag(clusterId)] }] })),
    toDriverError,
  )();
  return described.andThen((out) => {
    // instances are the first stage's (terminated ones keep their tags for an hour)
    const left = (out.Tags ?? []).flatMap((t) =>
      t.ResourceId && t.ResourceType && t.ResourceType !== 'instance' ? [{ id: t.ResourceId, type: t.ResourceType }] : [],
    );
    if (left.length === 0) return okAsync<DriverProgress, DriverError>({ type: 'done' });
    const deletes: Record<string, (id: string) => Ec2Command> = {
      'security-group': (id) => new DeleteSecurityGroupCommand({ GroupId: id }),
      subnet: (id) => new DeleteSubnetCommand({ SubnetId: id }),
      'route-table': (id) => new DeleteRouteTableCommand({ RouteTableId: id }),
      'internet-gateway': (id) => new DeleteInternetGatewayCommand({ InternetGatewayId: id }),
      vpc: (id) => new DeleteVpcCommand({ VpcId: id }),
    };
    const unknown = left.filter((r) => !deletes[r.type]);
    if (unknown.length > 0) return okAsync(again(`cannot delete ${unknown.map((r) => `${r.type} ${r.id}`).join(', ')}: delete them by hand`, 30));
    return all(
      left.flatMap((r) => deletes[r.type]?.(r.id) ?? []),
      `sweeping ${left.length} leftover resources`,
    );
  });
}

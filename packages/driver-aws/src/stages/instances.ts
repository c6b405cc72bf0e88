/**
 * The instance stages of `applyPlan` (internal). Instances: new nodes launched together, then
 * (once every instance has settled) outdated nodes replaced one at a time, masters first, the new
 * instance before the old goes. Retirements: nodes no longer wanted terminated one at a time,
 * highest index first. A launch uses the node's deterministic ClientToken, so a retry never
 * launches twice.
 */
import { RunInstancesCommand, TerminateInstancesCommand, type _InstanceType } from '@aws-sdk/client-ec2';
import type { DriverError } from '@kubeception/sdk/cluster';
import { ResultAsync, errAsync, okAsync, type Result } from 'neverthrow';
import { bootFile, userDataText } from '../cloud-config.js';
import { ec2Code } from '../ec2-errors.js';
import type { AwsWorld, ObservedInstance } from '../observe.js';
import { CONFIG_TAG, NODE_TAG, type PlannedNode } from '../plan.js';
import type { StageOptions, StageStep } from './stage.js';

/** The instances: new nodes launched, then settled, then outdated ones replaced. */
export function instancesStage(stage: StageOptions): StageStep {
  const { plan, world } = stage;
  const absent = plan.nodes.filter((n) => liveInstances(world, n.name).length === 0);
  if (absent.length > 0) return ResultAsync.combine(absent.map((n) => launchNode(stage, n))).map(() => stage.stop(`starting ${absent.length} instances`, 2));
  const starting = plan.nodes.filter((n) => liveInstances(world, n.name).some((i) => i.state !== 'running'));
  const leaving = Object.values(world.instances).filter((list) => list.some((i) => i.state === 'shutting-down'));
  if (starting.length > 0 || leaving.length > 0) return okAsync(stage.stop(`waiting for ${starting.length + leaving.length} instances to settle`, 2));
  // outdated nodes (a changed version, type, image, …): one at a time, masters first; new instance before the old goes
  const outdated = plan.nodes.find((n) => liveInstances(world, n.name).some((i) => i.config !== n.config));
  if (!outdated) return undefined;
  if (!liveInstances(world, outdated.name).some((i) => i.config === outdated.config))
    return launchNode(stage, outdated).map(() => stage.stop(`replacing ${outdated.name}`, 2));
  const old = liveInstances(world, outdated.name).filter((i) => i.config !== outdated.config);
  return stage.send(new TerminateInstancesCommand({ InstanceIds: old.map((i) => i.id) })).map(() => stage.stop(`retiring the old ${outdated.name}`, 2));
}

/** The nodes no longer wanted: one at a time, highest index first. */
export function retirementsStage(stage: StageOptions): StageStep {
  const { plan, world } = stage;
  const wanted = new Set(plan.nodes.map((n) => n.name));
  const [extra] = Object.keys(world.instances)
    .filter((node) => !wanted.has(node) && liveInstances(world, node).length > 0)
    .sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
  if (extra === undefined) return undefined;
  return stage.send(new TerminateInstancesCommand({ InstanceIds: liveInstances(world, extra).map((i) => i.id) })).map(() => stage.stop(`removing ${extra}`, 2));
}

/** A node's instances that are not shutting down. */
export function liveInstances(world: AwsWorld, node: string): ObservedInstance[] {
  return (world.instances[node] ?? []).filter((i) => i.state !== 'shutting-down');
}

/** Launches `node`: a launch with its ClientToken that already happened (with another boot token) is not visible yet, and counts as done. */
function launchNode(stage: StageOptions, node: PlannedNode): ResultAsync<unknown, DriverError> {
  return userDataOf(stage, node)
    .andThen((userData) => runInstance(stage, node, userData))
    .orElse((e) =>
      // the same ClientToken with other user data (a new boot token after a lost answer): the
      // launch already happened and is not visible yet; the unused boot token expires
      ec2Code(e.cause) === 'IdempotentParameterMismatch' ? okAsync(undefined) : errAsync(e),
    );
}

/** User data: the planned cloud-config, plus the node's single-use wrapped boot token. */
function userDataOf(stage: StageOptions, node: PlannedNode): ResultAsync<string, DriverError> {
  const boot = stage.boot;
  return boot ? boot.mint({ name: node.name, role: node.role }).andThen((token) => withBootFile(node, boot.vaultAddr, token.reveal())) : okAsync(node.userData);
}

/** RunInstances of `node` in its subnet and its role's security group, tagged as the node with its launch configuration. */
function runInstance(stage: StageOptions, node: PlannedNode, userData: string): ResultAsync<unknown, DriverError> {
  const { world } = stage;
  const tags = [
    ...(stage.tagged('instance', node.role, node.instanceName)[0]?.Tags ?? []),
    { Key: NODE_TAG, Value: node.name },
    { Key: CONFIG_TAG, Value: node.config },
    { Key: 'kubeception.io/role', Value: node.role },
  ];
  return stage.send(
    new RunInstancesCommand({
      ImageId: node.ami,
      // validated as an instance type; the SDK's union lists only the types it knew when built
      InstanceType: node.instanceType as _InstanceType,
      MinCount: 1,
      MaxCount: 1,
      ClientToken: node.clientToken,
      SubnetId: world.subnets[node.subnetRole]?.id,
      SecurityGroupIds: [world.securityGroups[node.role === 'master' ? 'sg-master' : 'sg-worker']?.id ?? ''],
      UserData: Buffer.from(userData).toString('base64'),
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: node.rootVolumeGiB, VolumeType: 'gp3', DeleteOnTermination: true } }],
      ...(node.keyName ? { KeyName: node.keyName } : {}),
      TagSpecifications: [{ ResourceType: 'instance', Tags: tags }],
    }),
  );
}

/** A node's user data with its boot file (Vault's address and the single-use wrapped token), written by `yaml`. */
function withBootFile(node: PlannedNode, vaultAddr: string, wrappedToken: string): Result<string, DriverError> {
  return bootFile(vaultAddr, wrappedToken)
    .map((file) => userDataText({ ...node.cloudConfig, write_files: [...node.cloudConfig.write_files, file] }))
    .mapErr((e): DriverError => ({ kind: 'Failed', reason: 'Unrenderable', message: e.message, cause: e }));
}

/**
 * The instance stages of `applyPlan` (internal). Instances: new nodes launched together, then
 * (once every instance has settled) outdated nodes replaced one at a time, masters first, the new
 * instance before the old goes, and a node's extra instances (a launch repeated after a restart
 * while EC2 did not show the first yet) terminated, its oldest kept. Retirements: nodes no longer
 * wanted terminated one at a time, highest index first.
 *
 * A launch uses the node's deterministic ClientToken (`plan.ts`), so a retry never launches twice,
 * and is pending (`PendingCreations`, role `instance/<node>/<config>`) until Describe shows it. EC2 answers a
 * token with its instance for at least 24 hours after that instance terminated, so a token whose
 * instance is gone (terminated by hand, or by EC2) is spent: the launch is made with a token
 * derived from it and the dead instance's id, which every process derives alike while EC2 lists
 * the dead instance (about an hour), and with the lapses of the node's launch after that.
 */
import {
  DescribeInstancesCommand,
  RunInstancesCommand,
  type DescribeInstancesCommandOutput,
  TerminateInstancesCommand,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import type { DriverError } from '@kubeception/sdk/cluster';
import { ResultAsync, errAsync, okAsync, type Result } from 'neverthrow';
import { clientToken } from '../client-token.js';
import { bootFile, userDataText } from '../cloud-config.js';
import { ec2Code } from '../ec2-errors.js';
import type { AwsWorld, ObservedInstance } from '../observe.js';
import { CONFIG_TAG, NODE_TAG, type PlannedNode } from '../plan.js';
import { instanceRole, type StageOptions, type StageStep } from './stage.js';

/** How many spent tokens of a node one launch follows (each a dead instance of the node in this generation). */
const MAX_SPENT = 8;

/** The instances: new nodes launched, then settled, then outdated ones replaced, then extra ones terminated. */
export function instancesStage(stage: StageOptions): StageStep {
  const { plan, world } = stage;
  const absent = plan.nodes.filter((n) => liveInstances(world, n.name).length === 0);
  const launches = absent.filter((n) => !stage.pending(instanceRole(n.name, n.config)));
  if (launches.length > 0)
    return ResultAsync.combine(launches.map((n) => launchNode(stage, n))).map(() => stage.stop(`starting ${launches.length} instances`, 2));
  if (absent.length > 0) return okAsync(stage.stop(`waiting for ${absent.length} new instances to become visible`, 0.5));
  const starting = plan.nodes.filter((n) => liveInstances(world, n.name).some((i) => i.state !== 'running'));
  const leaving = Object.values(world.instances).filter((list) => list.some((i) => i.state === 'shutting-down'));
  if (starting.length > 0 || leaving.length > 0) return okAsync(stage.stop(`waiting for ${starting.length + leaving.length} instances to settle`, 2));
  // outdated nodes (a changed version, type, image, …): one at a time, masters first; new instance before the old goes
  const outdated = plan.nodes.find((n) => liveInstances(world, n.name).some((i) => i.config !== n.config));
  if (outdated) {
    if (!liveInstances(world, outdated.name).some((i) => i.config === outdated.config))
      return stage.pending(instanceRole(outdated.name, outdated.config))
        ? okAsync(stage.stop(`waiting for the new instance of ${outdated.name} to become visible`, 0.5))
        : launchNode(stage, outdated).map(() => stage.stop(`replacing ${outdated.name}`, 2));
    const old = liveInstances(world, outdated.name).filter((i) => i.config !== outdated.config);
    return stage.send(new TerminateInstancesCommand({ InstanceIds: old.map((i) => i.id) })).map(() => stage.stop(`retiring the old ${outdated.name}`, 2));
  }
  const doubled = plan.nodes.find((n) => liveInstances(world, n.name).length > 1);
  if (!doubled) return undefined;
  const [, ...extra] = [...liveInstances(world, doubled.name)].sort(oldestFirst);
  return stage
    .send(new TerminateInstancesCommand({ InstanceIds: extra.map((i) => i.id) }))
    .map(() => stage.stop(`removing the extra instances of ${doubled.name}`, 2));
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

/** By launch time, then id. */
function oldestFirst(a: ObservedInstance, b: ObservedInstance): number {
  return (a.launched ?? '').localeCompare(b.launched ?? '') || a.id.localeCompare(b.id);
}

/** Launches `node` with its token, or with the one after it when its token is spent; pending until Describe shows it. */
function launchNode(stage: StageOptions, node: PlannedNode): ResultAsync<unknown, DriverError> {
  const lapses = stage.lapses(instanceRole(node.name, node.config));
  const token = lapses === 0 ? node.clientToken : clientToken(node.clientToken, 'lapsed', String(lapses));
  return launchWith(stage, node, token, 0).map((launched) => (stage.record(instanceRole(node.name, node.config)), launched));
}

/**
 * RunInstances of `node` with `token`. EC2 refusing the token (other user data: a new boot token;
 * or its instance terminated) means a launch with it happened: its instance is asked for by the
 * token, and if it is dead, the launch is made again with the next token.
 */
function launchWith(stage: StageOptions, node: PlannedNode, token: string, spent: number): ResultAsync<unknown, DriverError> {
  return userDataOf(stage, node)
    .andThen((userData) => runInstance(stage, node, userData, token))
    .orElse((e) => {
      const code = ec2Code(e.cause);
      if (code !== 'IdempotentParameterMismatch' && code !== 'IdempotentInstanceTerminated') return errAsync(e);
      return deadInstanceOf(stage, token).andThen((dead) => {
        if (dead === undefined) return okAsync(undefined); // alive, or not visible yet: the launch happened
        if (spent >= MAX_SPENT)
          return errAsync<unknown, DriverError>({
            kind: 'Failed',
            reason: 'InstancesTerminated',
            message: `${node.name}: ${spent} instances launched for it were terminated`,
            cause: e,
          });
        return launchWith(stage, node, clientToken(token, dead), spent + 1);
      });
    });
}

/** The id of the instance launched with `token` when it is terminated or going, `undefined` when it is alive or not visible. */
function deadInstanceOf(stage: StageOptions, token: string): ResultAsync<string | undefined, DriverError> {
  return stage.send(new DescribeInstancesCommand({ Filters: [...stage.owned, { Name: 'client-token', Values: [token] }] })).map((answer) => {
    const found = ((answer as DescribeInstancesCommandOutput).Reservations ?? []).flatMap((r) => r.Instances ?? []);
    const dead = found.length > 0 && found.every((i) => i.State?.Name === 'terminated' || i.State?.Name === 'shutting-down');
    return dead ? found.map((i) => i.InstanceId ?? '').sort()[0] : undefined;
  });
}

/** User data: the planned cloud-config, plus the node's single-use wrapped boot token. */
function userDataOf(stage: StageOptions, node: PlannedNode): ResultAsync<string, DriverError> {
  const boot = stage.boot;
  return boot ? boot.mint({ name: node.name, role: node.role }).andThen((token) => withBootFile(node, boot.vaultAddr, token.reveal())) : okAsync(node.userData);
}

/** RunInstances of `node` in its subnet and its role's security group, tagged as the node with its launch configuration. */
function runInstance(stage: StageOptions, node: PlannedNode, userData: string, token: string): ResultAsync<unknown, DriverError> {
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
      ClientToken: token,
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

/**
 * RunInstances (internal), with ClientToken idempotency as EC2 does it: the same token with the
 * same parameters answers the first reservation again (nothing new is launched); the same token
 * with other parameters is `IdempotentParameterMismatch`; a token whose instances were
 * terminated is `IdempotentInstanceTerminated` (the token's checks and fingerprint: `client-tokens.ts`).
 */
import { randomInt } from 'node:crypto';
import { type Cidr, cidrFrom, cidrsOverlap } from '@kubeception/sdk';
import { imageId } from './catalog.js';
import { clientToken, fingerprint, MISMATCH } from './client-tokens.js';
import { type Action, type ActionContext, lookup, tagsOnCreate } from './context.js';
import { Ec2Error, invalidValue, malformed, missing, notFound } from './errors.js';
import { stateAt } from './instance-lifecycle.js';
import { renderInstance } from './instance-render.js';
import { type Instance, newId, type SecurityGroup, type Subnet } from './model.js';
import { type Params, parseNetwork } from './params.js';
import { newResource } from './resource-actions.js';
import { liveInstancesIn } from './subnet-actions.js';
import type { XmlObject } from './xml.js';

const TERMINATED = 'The client token you have provided is associated with a terminated instance. Please use a different client token.';
const NO_DEFAULT_VPC = 'No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.';

function reservation(ctx: ActionContext, reservationId: string, instances: readonly Instance[]): XmlObject {
  return { reservationId, ownerId: ctx.settings.accountId, groupSet: [], instancesSet: instances.map((i) => renderInstance(ctx, i)) };
}

function image(ctx: ActionContext): { id: string; architecture: string } {
  const id = ctx.params.required('ImageId');
  if (!id.startsWith('ami-')) throw malformed('image', id, 'ami');
  const found = ctx.settings.images.find((img) => imageId(img, ctx.region.name) === id);
  if (!found) throw notFound('image', [id]);
  return { id, architecture: found.architecture ?? 'x86_64' };
}

function counts(ctx: ActionContext): { min: number; max: number } {
  const min = ctx.params.int('MinCount');
  const max = ctx.params.int('MaxCount');
  if (min === undefined) throw missing('MinCount');
  if (max === undefined) throw missing('MaxCount');
  if (min < 1) throw invalidValue(`Value (${min}) for parameter minCount is invalid. Expected a positive integer.`);
  if (max < min) throw invalidValue(`Value (${max}) for parameter maxCount is invalid. Expected a value greater than or equal to minCount.`);
  return { min, max };
}

function groups(ctx: ActionContext, subnet: Subnet, nic: Params): SecurityGroup[] {
  const ids = [...ctx.params.list('SecurityGroupId'), ...nic.list('SecurityGroupId')];
  const names = ctx.params.list('SecurityGroup');
  const found = ids.map((id) => lookup(ctx, 'security-group', id));
  for (const name of names) {
    const g = ctx.region.list('security-group').find((x) => x.vpcId === subnet.vpcId && x.name === name);
    if (!g) throw notFound('security-group', [name]);
    found.push(g);
  }
  if (found.length === 0) return ctx.region.list('security-group').filter((g) => g.vpcId === subnet.vpcId && g.name === 'default');
  const foreign = found.find((g) => g.vpcId !== subnet.vpcId);
  if (foreign) throw new Ec2Error('InvalidParameter', `Security group ${foreign.id} and subnet ${subnet.id} belong to different networks.`);
  return [...new Map(found.map((g) => [g.id, g])).values()];
}

function userData(ctx: ActionContext): string | undefined {
  const data = ctx.params.get('UserData');
  if (data === undefined) return undefined;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) throw invalidValue('Invalid BASE64 encoding of user data.');
  if (Buffer.from(data, 'base64').length > 16_384) throw invalidValue('User data is limited to 16384 bytes');
  return data;
}

/** The addresses of a subnet AWS hands out, lowest first: all but the first four and the last. */
function* hostAddresses(block: Cidr): Generator<string> {
  for (let n = block.first + 4; n < block.first + block.size - 1; n++) yield cidrFrom(n, 32).text.replace(/\/32$/, '');
}

function addresses(ctx: ActionContext, subnet: Subnet, min: number, max: number): string[] {
  const used = new Set(liveInstancesIn(ctx, subnet.id).map((i) => i.privateIp));
  const requested = ctx.params.get('PrivateIpAddress');
  if (requested !== undefined) {
    const single = parseNetwork(`${requested}/32`);
    if (!single || !cidrsOverlap(subnet.cidr, single)) throw invalidValue(`Address ${requested} does not fall within the subnet's address range`);
    if (used.has(requested)) throw new Ec2Error('InvalidIPAddress.InUse', `Address ${requested} is in use.`);
    if (max > 1) throw new Ec2Error('InvalidParameterCombination', 'Cannot specify a private IP address when launching more than one instance');
    return [requested];
  }
  const out: string[] = [];
  for (const address of hostAddresses(subnet.cidr)) {
    if (out.length === max) break;
    if (!used.has(address)) out.push(address);
  }
  if (out.length < min)
    throw new Ec2Error(
      'InsufficientFreeAddressesInSubnet',
      `There are not enough free addresses in subnet '${subnet.id}' to satisfy the requested number of instances.`,
    );
  return out;
}

function launch(ctx: ActionContext, token: string | undefined): XmlObject {
  const img = image(ctx);
  const instanceType = ctx.params.get('InstanceType') ?? 'm1.small';
  if (!ctx.settings.instanceTypes.has(instanceType)) throw invalidValue(`Invalid value '${instanceType}' for InstanceType.`);
  const { min, max } = counts(ctx);
  const nic = ctx.params.member('NetworkInterface', 1);
  const subnetId = ctx.params.get('SubnetId') ?? nic.get('SubnetId');
  if (subnetId === undefined) throw new Ec2Error('VPCIdNotSpecified', NO_DEFAULT_VPC);
  const subnet = lookup(ctx, 'subnet', subnetId);
  const zone = ctx.params.get('Placement.AvailabilityZone');
  if (zone !== undefined && zone !== subnet.zone)
    throw invalidValue(`Value (${zone}) for parameter availabilityZone is invalid. Subnet ${subnet.id} is in availability zone ${subnet.zone}`);
  const sgs = groups(ctx, subnet, nic);
  const data = userData(ctx);
  const tags = tagsOnCreate(ctx.params, 'instance', ['instance', 'volume', 'network-interface', 'spot-instances-request']);
  const publicIp = nic.get('AssociatePublicIpAddress') !== undefined ? nic.bool('AssociatePublicIpAddress', false) : subnet.mapPublicIpOnLaunch;
  const ips = addresses(ctx, subnet, min, max);
  const reservationId = newId('r');
  const instances = ips.map((privateIp, launchIndex) =>
    ctx.region.add<Instance>({
      ...newResource(ctx, 'instance', new Map(tags)),
      reservationId,
      imageId: img.id,
      architecture: img.architecture,
      instanceType,
      subnetId: subnet.id,
      vpcId: subnet.vpcId,
      zone: subnet.zone,
      privateIp,
      publicIp: publicIp ? `3.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}` : undefined,
      groupIds: sgs.map((g) => g.id),
      keyName: ctx.params.get('KeyName'),
      userData: data,
      clientToken: token,
      launchIndex,
      networkInterfaceId: newId('eni'),
      terminateRequestedAt: undefined,
    }),
  );
  if (token !== undefined) ctx.region.clientTokens.set(token, { fingerprint: fingerprint(ctx.params), reservationId, instanceIds: instances.map((i) => i.id) });
  return reservation(ctx, reservationId, instances);
}

/** RunInstances. */
export const runInstances: Action = (ctx) => {
  const token = clientToken(ctx);
  const previous = token === undefined ? undefined : ctx.region.clientTokens.get(token);
  if (!previous) return launch(ctx, token);
  if (previous.fingerprint !== fingerprint(ctx.params)) throw new Ec2Error('IdempotentParameterMismatch', MISMATCH);
  const instances = previous.instanceIds.map((id) => ctx.region.find('instance', id));
  if (instances.some((i) => !i || stateAt(i, ctx.now, ctx.settings.delays) === 'terminated')) throw new Ec2Error('IdempotentInstanceTerminated', TERMINATED);
  return reservation(ctx, previous.reservationId, instances as Instance[]);
};

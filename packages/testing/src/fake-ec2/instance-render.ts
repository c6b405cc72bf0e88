/** How instances look in RunInstances, DescribeInstances and the state view (internal). */
import type { ActionContext } from './context.js';
import { tagSet } from './context.js';
import { stateAt, stateXml } from './instance-lifecycle.js';
import type { Instance } from './model.js';
import type { XmlObject } from './xml.js';

/** EC2's private DNS name for an address (`ip-10-0-1-5.ec2.internal` in us-east-1). */
export function privateDnsName(region: string, ip: string): string {
  const host = `ip-${ip.replaceAll('.', '-')}`;
  return region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

function gmt(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' GMT');
}

/** One `instancesSet` item. */
export function renderInstance(ctx: ActionContext, i: Instance): XmlObject {
  const state = stateAt(i, ctx.now, ctx.settings.delays);
  const gone = state === 'terminated';
  const stopping = state === 'shutting-down' || gone;
  const groups = i.groupIds.map((groupId) => ({ groupId, groupName: ctx.region.find('security-group', groupId)?.name ?? '' }));
  return {
    instanceId: i.id,
    imageId: i.imageId,
    instanceState: stateXml(state),
    privateDnsName: gone ? '' : privateDnsName(ctx.region.name, i.privateIp),
    dnsName: gone || i.publicIp === undefined ? '' : `ec2-${i.publicIp.replaceAll('.', '-')}.compute-1.amazonaws.com`,
    reason: stopping && i.terminateRequestedAt !== undefined ? `User initiated (${gmt(i.terminateRequestedAt)})` : '',
    keyName: i.keyName,
    amiLaunchIndex: i.launchIndex,
    productCodes: [],
    instanceType: i.instanceType,
    launchTime: new Date(i.createdAt).toISOString(),
    placement: { availabilityZone: i.zone, groupName: '', tenancy: 'default' },
    monitoring: { state: 'disabled' },
    subnetId: i.subnetId,
    vpcId: i.vpcId,
    privateIpAddress: gone ? undefined : i.privateIp,
    ipAddress: gone ? undefined : i.publicIp,
    sourceDestCheck: true,
    groupSet: groups,
    stateReason: stopping
      ? { code: 'Client.UserInitiatedShutdown', message: 'Client.UserInitiatedShutdown: User initiated shutdown' }
      : state === 'pending'
        ? { code: 'pending', message: 'pending' }
        : undefined,
    architecture: i.architecture,
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    blockDeviceMapping: [],
    virtualizationType: 'hvm',
    clientToken: i.clientToken ?? '',
    tagSet: tagSet(i.tags),
    hypervisor: 'xen',
    networkInterfaceSet: gone
      ? []
      : [
          {
            networkInterfaceId: i.networkInterfaceId,
            subnetId: i.subnetId,
            vpcId: i.vpcId,
            ownerId: ctx.settings.accountId,
            status: 'in-use',
            privateIpAddress: i.privateIp,
            privateDnsName: privateDnsName(ctx.region.name, i.privateIp),
            sourceDestCheck: true,
            groupSet: groups,
            attachment: { deviceIndex: 0, status: 'attached', deleteOnTermination: true },
            association: i.publicIp ? { publicIp: i.publicIp, ipOwnerId: 'amazon' } : undefined,
          },
        ],
    ebsOptimized: false,
  };
}

/** `reservationSet` items: consecutive instances of one reservation grouped together. */
export function renderReservations(ctx: ActionContext, instances: readonly Instance[]): XmlObject[] {
  const out: { reservationId: string; items: Instance[] }[] = [];
  for (const i of instances) {
    const last = out[out.length - 1];
    if (last && last.reservationId === i.reservationId) last.items.push(i);
    else out.push({ reservationId: i.reservationId, items: [i] });
  }
  return out.map((r) => ({
    reservationId: r.reservationId,
    ownerId: ctx.settings.accountId,
    groupSet: [],
    instancesSet: r.items.map((i) => renderInstance(ctx, i)),
  }));
}

/** Security group rules: parsing `IpPermissions.N`, duplicates, EC2's rule wording, rendering (internal). */
import type { ActionContext } from './context.js';
import { Ec2Error, invalidValue, notFound } from './errors.js';
import { newId, type Rule, type SecurityGroup } from './model.js';
import type { Params } from './params.js';
import type { XmlObject, XmlValue } from './xml.js';

const PROTOCOL_NAMES: Record<string, string> = {
  '6': 'tcp',
  '17': 'udp',
  '1': 'icmp',
  all: '-1',
  '-1': '-1',
  tcp: 'tcp',
  udp: 'udp',
  icmp: 'icmp',
  icmpv6: 'icmpv6',
};

function protocolOf(raw: string): string {
  const p = PROTOCOL_NAMES[raw.toLowerCase()] ?? raw;
  if (p !== '-1' && !['tcp', 'udp', 'icmp', 'icmpv6'].includes(p) && !/^\d+$/.test(p))
    throw invalidValue(`Invalid value '${raw}' for IP protocol. Unknown protocol.`);
  return p;
}

function ports(p: Params, protocol: string): { fromPort: number | undefined; toPort: number | undefined } {
  if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'icmp') return { fromPort: undefined, toPort: undefined };
  const fromPort = p.int('FromPort');
  const toPort = p.int('ToPort');
  if (fromPort === undefined || toPort === undefined) throw invalidValue('Invalid value for portRange. Must specify both from and to ports with TCP/UDP.');
  if (protocol !== 'icmp' && (fromPort < 0 || toPort > 65535 || fromPort > toPort))
    throw invalidValue(`Invalid value for portRange. Must be between 0 and 65535 (${fromPort}-${toPort}).`);
  return { fromPort, toPort };
}

/** The rules of `IpPermissions.N` (one rule per peer), or of the flat `IpProtocol`/`CidrIp` form. */
export function parseRules(ctx: ActionContext, params: Params): Rule[] {
  const permissions = params.members('IpPermissions');
  const sources = permissions.length > 0 ? permissions : params.get('IpProtocol') !== undefined ? [params] : [];
  if (sources.length === 0) throw new Ec2Error('MissingParameter', 'No inbound rule specified.');
  const rules: Rule[] = [];
  for (const p of sources) {
    const protocol = protocolOf(p.required('IpProtocol'));
    const range = ports(p, protocol);
    const peers: { cidr?: string; groupId?: string; description?: string }[] = [];
    for (const r of p.members('IpRanges')) peers.push({ cidr: r.required('CidrIp'), description: r.get('Description') });
    for (const g of p.members('Groups')) {
      const groupId = g.required('GroupId');
      if (!ctx.region.find('security-group', groupId)) throw notFound('security-group', [groupId]);
      peers.push({ groupId, description: g.get('Description') });
    }
    const flat = p === params ? params.get('CidrIp') : undefined;
    if (flat !== undefined) peers.push({ cidr: flat });
    for (const peer of peers) rules.push({ id: newId('sgr'), protocol, ...range, cidr: peer.cidr, groupId: peer.groupId, description: peer.description });
  }
  return rules;
}

/** Whether two rules allow the same traffic from the same peer. */
export function sameRule(a: Rule, b: Rule): boolean {
  return a.protocol === b.protocol && a.fromPort === b.fromPort && a.toPort === b.toPort && a.cidr === b.cidr && a.groupId === b.groupId;
}

/** EC2's text for a rule in `InvalidPermission.Duplicate`: `peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW`. */
export function describeRule(rule: Rule): string {
  const peer = `peer: ${rule.cidr ?? rule.groupId}`;
  if (rule.protocol === '-1') return `${peer}, ALL, ALLOW`;
  if (/^\d+$/.test(rule.protocol)) return `${peer}, protocol: ${rule.protocol}, ALLOW`;
  if (rule.protocol === 'icmp') return `${peer}, ICMP, type: ${rule.fromPort}, code: ${rule.toPort}, ALLOW`;
  return `${peer}, ${rule.protocol.toUpperCase()}, from port: ${rule.fromPort}, to port: ${rule.toPort}, ALLOW`;
}

/** `<ipPermissions>` items: rules grouped by protocol and ports, as EC2 lists them. */
export function renderPermissions(ctx: ActionContext, rules: readonly Rule[]): XmlValue[] {
  const groups = new Map<string, Rule[]>();
  for (const r of rules) {
    const key = `${r.protocol}/${r.fromPort}/${r.toPort}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((rs) => {
    const first = rs[0] as Rule;
    return {
      ipProtocol: first.protocol,
      fromPort: first.fromPort,
      toPort: first.toPort,
      groups: rs.filter((r) => r.groupId).map((r) => ({ userId: ctx.settings.accountId, groupId: r.groupId, description: r.description })),
      ipRanges: rs.filter((r) => r.cidr).map((r) => ({ cidrIp: r.cidr, description: r.description })),
      ipv6Ranges: [],
      prefixListIds: [],
    };
  });
}

/** `<securityGroupRuleSet>` items for rules just added. */
export function renderRuleSet(ctx: ActionContext, group: SecurityGroup, rules: readonly Rule[], egress: boolean): XmlObject[] {
  return rules.map((r) => ({
    securityGroupRuleId: r.id,
    groupId: group.id,
    groupOwnerId: ctx.settings.accountId,
    isEgress: egress,
    ipProtocol: r.protocol,
    fromPort: r.fromPort ?? -1,
    toPort: r.toPort ?? -1,
    cidrIpv4: r.cidr,
    referencedGroupInfo: r.groupId ? { groupId: r.groupId, userId: ctx.settings.accountId } : undefined,
    description: r.description,
  }));
}

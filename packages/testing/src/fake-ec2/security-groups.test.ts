import type { IpPermission } from '@aws-sdk/client-ec2';
import { beforeAll, describe, expect, it } from 'vitest';
import { ec2Error, failure, filters, inProcessSuite, network } from './test-support.js';

describe('security groups', () => {
  const t = inProcessSuite();
  const c = t.client();
  let vpcId: string;
  beforeAll(async () => ({ vpcId } = await network(c)));

  /** A TCP permission for ports `from`–`to` and one peer: a group (`sg-…`) or a CIDR. */
  const tcp = (from: number, to: number, peer: string): IpPermission => ({
    IpProtocol: 'tcp',
    FromPort: from,
    ToPort: to,
    ...(peer.startsWith('sg-') ? { UserIdGroupPairs: [{ GroupId: peer }] } : { IpRanges: [{ CidrIp: peer }] }),
  });

  const create = async (name: string) =>
    (
      await c.createSecurityGroup({
        GroupName: name,
        Description: `${name} nodes`,
        VpcId: vpcId,
        TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'role', Value: name }] }],
      })
    ).GroupId ?? '';

  it('creates groups with an allow-all egress rule, refusing duplicates and reserved names', async () => {
    const master = await create('master');
    expect(master).toMatch(/^sg-[0-9a-f]{17}$/);
    const { SecurityGroups } = await c.describeSecurityGroups({ GroupIds: [master] });
    expect(SecurityGroups?.[0]).toMatchObject({
      GroupName: 'master',
      Description: 'master nodes',
      VpcId: vpcId,
      IpPermissions: [],
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      Tags: [{ Key: 'role', Value: 'master' }],
    });
    expect(await failure(c.createSecurityGroup({ GroupName: 'master', Description: 'x', VpcId: vpcId }))).toEqual(
      ec2Error('InvalidGroup.Duplicate', `The security group 'master' already exists for VPC '${vpcId}'`),
    );
    expect(await failure(c.createSecurityGroup({ GroupName: 'default', Description: 'x', VpcId: vpcId }))).toMatchObject({
      code: 'InvalidParameterValue',
    });
    expect(await failure(c.createSecurityGroup({ GroupName: 'x', Description: 'x' }))).toMatchObject({ code: 'VPCIdNotSpecified' });
    expect(await failure(c.createSecurityGroup({ GroupName: 'x', VpcId: vpcId } as never))).toMatchObject({ code: 'MissingParameter' });
  });

  it("authorizes and revokes ingress and egress rules with EC2's duplicate wording", async () => {
    const worker = await create('worker');
    const ingress = await create('ingress');
    const rules = await c.authorizeSecurityGroupIngress({
      GroupId: worker,
      IpPermissions: [
        { IpProtocol: 'tcp', FromPort: 10250, ToPort: 10250, UserIdGroupPairs: [{ GroupId: ingress, Description: 'kubelet' }] },
        { IpProtocol: 'tcp', FromPort: 30000, ToPort: 32767, IpRanges: [{ CidrIp: '10.0.0.0/16' }, { CidrIp: '192.168.0.0/24' }] },
        { IpProtocol: 'udp', FromPort: 4789, ToPort: 4789, UserIdGroupPairs: [{ GroupId: worker }] },
      ],
    });
    expect(rules.Return).toBe(true);
    expect(rules.SecurityGroupRules).toHaveLength(4);
    expect(rules.SecurityGroupRules?.[0]).toMatchObject({
      GroupId: worker,
      IsEgress: false,
      IpProtocol: 'tcp',
      FromPort: 10250,
      ToPort: 10250,
      ReferencedGroupInfo: { GroupId: ingress },
      Description: 'kubelet',
    });
    const dup = await failure(c.authorizeSecurityGroupIngress({ GroupId: worker, IpPermissions: [tcp(30000, 32767, '10.0.0.0/16')] }));
    expect(dup).toEqual(
      ec2Error('InvalidPermission.Duplicate', 'the specified rule "peer: 10.0.0.0/16, TCP, from port: 30000, to port: 32767, ALLOW" already exists'),
    );
    const allEgress = await failure(
      c.authorizeSecurityGroupEgress({ GroupId: worker, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }),
    );
    expect(allEgress.message).toBe('the specified rule "peer: 0.0.0.0/0, ALL, ALLOW" already exists');
    await c.authorizeSecurityGroupEgress({ GroupId: worker, IpPermissions: [tcp(443, 443, ingress)] });
    expect(await failure(c.authorizeSecurityGroupIngress({ GroupId: worker, IpPermissions: [tcp(1, 2, 'sg-00000000000000000')] }))).toEqual(
      ec2Error('InvalidGroup.NotFound', "The security group 'sg-00000000000000000' does not exist"),
    );

    const described = (await c.describeSecurityGroups({ GroupIds: [worker] })).SecurityGroups?.[0];
    expect(described?.IpPermissions?.find((p) => p.FromPort === 30000)?.IpRanges?.map((r) => r.CidrIp)).toEqual(['10.0.0.0/16', '192.168.0.0/24']);
    expect(described?.IpPermissionsEgress).toHaveLength(2);
    const byRef = await c.describeSecurityGroups({ Filters: [{ Name: 'ip-permission.group-id', Values: [ingress] }] });
    expect(byRef.SecurityGroups?.map((g) => g.GroupName)).toEqual(['worker']);

    await c.revokeSecurityGroupIngress({ GroupId: worker, IpPermissions: [tcp(30000, 32767, '192.168.0.0/24')] });
    expect(await failure(c.revokeSecurityGroupIngress({ GroupId: worker, IpPermissions: [tcp(30000, 32767, '192.168.0.0/24')] }))).toEqual(
      ec2Error('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.'),
    );
    const ruleId = rules.SecurityGroupRules?.[0]?.SecurityGroupRuleId ?? '';
    await c.revokeSecurityGroupIngress({ GroupId: worker, SecurityGroupRuleIds: [ruleId] });

    // `worker` still references `ingress` in an egress rule: ingress cannot go yet
    expect(await failure(c.deleteSecurityGroup({ GroupId: ingress }))).toEqual(ec2Error('DependencyViolation', `resource ${ingress} has a dependent object`));
    await c.revokeSecurityGroupEgress({ GroupId: worker, IpPermissions: [tcp(443, 443, ingress)] });
    await c.deleteSecurityGroup({ GroupId: ingress });
    expect(await failure(c.describeSecurityGroups({ GroupIds: [ingress] }))).toEqual(
      ec2Error('InvalidGroup.NotFound', `The security group '${ingress}' does not exist`),
    );
  });

  it('never deletes the default group, and keeps the VPC until its groups are gone', async () => {
    const def = (await c.describeSecurityGroups({ Filters: filters({ 'vpc-id': vpcId, 'group-name': 'default' }) })).SecurityGroups?.[0];
    expect(def?.IpPermissions?.[0]?.UserIdGroupPairs?.[0]?.GroupId).toBe(def?.GroupId);
    expect(await failure(c.deleteSecurityGroup({ GroupId: def?.GroupId }))).toEqual(
      ec2Error('CannotDelete', `the specified group: "${def?.GroupId}" name: "default" cannot be deleted by a user`),
    );
    expect(await failure(c.deleteVpc({ VpcId: vpcId }))).toMatchObject({ code: 'DependencyViolation' });
    expect(await failure(c.deleteSecurityGroup({ GroupId: 'bogus' }))).toMatchObject({ code: 'InvalidGroupId.Malformed' });
  });

  it('keeps a VPC whose only dependency is a security group (DependencyViolation)', async () => {
    const lone = (await c.createVpc({ CidrBlock: '10.20.0.0/16' })).Vpc?.VpcId ?? '';
    const groupId = (await c.createSecurityGroup({ GroupName: 'only', Description: 'only', VpcId: lone })).GroupId ?? '';
    expect(await failure(c.deleteVpc({ VpcId: lone }))).toEqual(ec2Error('DependencyViolation', `The vpc '${lone}' has dependencies and cannot be deleted.`));
    await c.deleteSecurityGroup({ GroupId: groupId });
    await c.deleteVpc({ VpcId: lone });
    expect(t.ec2.state.resources().filter((r) => r.vpcId === lone)).toEqual([]);
  });
});

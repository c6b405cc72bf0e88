/**
 * `deploy/iam-policy.json` is least privilege: it names exactly the EC2 actions the driver can
 * call, lets only `Describe*` act on every resource, and lets every other action touch only
 * resources tagged `kubeception.io/managed-by=kubeception` (or create them only so tagged). The
 * full lifecycle under this policy is in `main.test.ts`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { authorizationsOf, type Ec2Call } from './ec2-authorization.js';
import { decide, list, loadPolicy, type PolicyStatement } from './iam-policy.js';

const policy = loadPolicy();
const ACCOUNT = '123456789012';

/** Every EC2 action the driver's code can call (`new XCommand(`), found in its sources (subdirectories included). */
const driverActions = (() => {
  const dir = new URL('../../../packages/driver-aws/src/', import.meta.url);
  const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const actions = sources.flatMap((f) => [...readFileSync(new URL(f, dir), 'utf8').matchAll(/new (\w+)Command\(/g)].map((m) => `ec2:${m[1] ?? ''}`));
  return [...new Set(actions)].sort();
})();
const mutating = driverActions.filter((a) => !a.startsWith('ec2:Describe'));
const policyActions = [...new Set(policy.Statement.flatMap((s) => list(s.Action)))].sort();

const TAG_CONDITION = /^((aws|ec2):(ResourceTag|RequestTag)\/kubeception\.io\/managed-by|ec2:CreateAction)$/i;
const conditionKeys = (s: PolicyStatement) => Object.values(s.Condition ?? {}).flatMap((keys) => Object.keys(keys));

// two of everything: the operator's (tagged as managed by it) and someone else's
const MANAGED = { 'kubeception.io/managed-by': 'kubeception', 'kubeception.io/cluster/demo-abcdefghij': 'owned', Name: 'demo-abcdefghij-x' };
const tagsOf = (id: string) => (id.endsWith('-mine') ? MANAGED : id.endsWith('-theirs') ? { Name: 'payments-prod' } : undefined);
const tagged = (type: string, tags: Record<string, string> = MANAGED) => ({
  TagSpecifications: [{ ResourceType: type, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
});
const launch = (subnet: string, group: string) => ({
  ImageId: 'ami-0123456789abcdef0',
  SubnetId: subnet,
  SecurityGroupIds: [group],
  KeyName: 'ops',
  ...tagged('instance'),
});

type Owner = 'mine' | 'theirs';
/** A call as the driver makes it on resources `-mine`, and the same call aimed at resources `-theirs`. */
const aimed = (input: (owner: Owner) => Ec2Call['input'], why: string) => ({ mine: input('mine'), theirs: input('theirs'), why });

/** Each mutating action the driver calls: as the driver calls it, and aimed at someone else's resources. */
const CALLS: Readonly<Record<string, { readonly mine: Ec2Call['input']; readonly theirs: Ec2Call['input']; readonly why: string }>> = {
  CreateVpc: { mine: tagged('vpc'), theirs: tagged('vpc', { Name: 'untracked' }), why: 'a VPC not tagged as managed' },
  CreateInternetGateway: {
    mine: tagged('internet-gateway'),
    theirs: tagged('internet-gateway', { Name: 'untracked' }),
    why: 'a gateway not tagged as managed',
  },
  CreateSubnet: aimed((o) => ({ VpcId: `vpc-${o}`, ...tagged('subnet') }), 'a subnet in their VPC'),
  CreateRouteTable: aimed((o) => ({ VpcId: `vpc-${o}`, ...tagged('route-table') }), 'a route table in their VPC'),
  CreateSecurityGroup: aimed((o) => ({ VpcId: `vpc-${o}`, ...tagged('security-group') }), 'a group in their VPC'),
  RunInstances: aimed((o) => launch(`subnet-${o}`, `sg-${o}`), 'an instance in their subnet and group'),
  CreateTags: {
    mine: { Resources: ['vpc-mine'], Tags: [{ Key: 'kubeception.io/configured', Value: 'true' }] },
    theirs: { Resources: ['vpc-theirs'], Tags: [{ Key: 'kubeception.io/managed-by', Value: 'kubeception' }] },
    why: 'taking their VPC over by tagging it as managed',
  },
  ModifyVpcAttribute: aimed((o) => ({ VpcId: `vpc-${o}` }), 'changing their VPC'),
  AttachInternetGateway: aimed((o) => ({ InternetGatewayId: 'igw-mine', VpcId: `vpc-${o}` }), 'opening their VPC to the internet'),
  ModifySubnetAttribute: aimed((o) => ({ SubnetId: `subnet-${o}` }), 'making their subnet public'),
  CreateRoute: aimed((o) => ({ RouteTableId: `rtb-${o}`, GatewayId: 'igw-mine' }), 'routing their subnets to our gateway'),
  AssociateRouteTable: aimed((o) => ({ RouteTableId: 'rtb-mine', SubnetId: `subnet-${o}` }), 'rerouting their subnet'),
  AuthorizeSecurityGroupIngress: aimed((o) => ({ GroupId: `sg-${o}` }), 'opening their group'),
  RevokeSecurityGroupIngress: aimed((o) => ({ GroupId: `sg-${o}` }), 'closing their group'),
  TerminateInstances: { mine: { InstanceIds: ['i-mine'] }, theirs: { InstanceIds: ['i-mine', 'i-theirs'] }, why: 'terminating their instance' },
  DeleteSecurityGroup: aimed((o) => ({ GroupId: `sg-${o}` }), 'deleting their group'),
  DeleteSubnet: aimed((o) => ({ SubnetId: `subnet-${o}` }), 'deleting their subnet'),
  DeleteRouteTable: aimed((o) => ({ RouteTableId: `rtb-${o}` }), 'deleting their route table'),
  DetachInternetGateway: aimed((o) => ({ InternetGatewayId: `igw-${o}`, VpcId: `vpc-${o}` }), 'cutting their VPC off'),
  DeleteInternetGateway: aimed((o) => ({ InternetGatewayId: `igw-${o}` }), 'deleting their gateway'),
  DeleteVpc: aimed((o) => ({ VpcId: `vpc-${o}` }), 'deleting their VPC'),
};

/** The requests of a call the policy does not allow (none: the call is allowed). */
const refused = (action: string, input: Ec2Call['input']) =>
  authorizationsOf({ action, region: 'eu-west-1', input }, ACCOUNT, tagsOf)
    .filter((r) => decide(policy, r) !== 'Allow')
    .map((r) => `${r.action} on ${r.resource}`);

describe('the IAM policy (deploy/iam-policy.json)', () => {
  it('names exactly the EC2 actions the driver can call, each by name', () => {
    expect(driverActions).toContain('ec2:RunInstances');
    expect(policyActions).toEqual(driverActions);
    for (const action of policyActions) expect(action).not.toMatch(/[*?]/);
  });

  it('lets only Describe* act on every resource, and nothing else act without a condition but a launch reading an image or key pair and creating its volume and interface', () => {
    const unconditioned = policy.Statement.filter((s) => s.Effect === 'Allow' && !s.Condition);
    for (const s of policy.Statement.filter((st) => list(st.Resource).includes('*'))) {
      expect(
        list(s.Action).filter((a) => !a.startsWith('ec2:Describe')),
        `statement ${s.Sid ?? '?'} on "*"`,
      ).toEqual([]);
    }
    for (const s of unconditioned.filter((st) => list(st.Action).some((a) => !a.startsWith('ec2:Describe')))) {
      expect(list(s.Action), `statement ${s.Sid ?? '?'}`).toEqual(['ec2:RunInstances']);
      for (const resource of list(s.Resource)) expect(resource).toMatch(/^arn:aws:ec2:\*:\*?:(image|key-pair|network-interface|volume)\/\*$/);
    }
  });

  it('covers every mutating action the driver calls by a statement with a tag condition', () => {
    expect(mutating.length).toBeGreaterThan(10);
    const uncovered = mutating.filter(
      (action) => !policy.Statement.some((s) => s.Effect === 'Allow' && list(s.Action).includes(action) && conditionKeys(s).some((k) => TAG_CONDITION.test(k))),
    );
    expect(uncovered).toEqual([]);
  });

  it('allows each mutating call as the driver makes it, on resources tagged as managed', () => {
    expect(
      Object.keys(CALLS)
        .map((a) => `ec2:${a}`)
        .sort(),
    ).toEqual(mutating);
    for (const [action, call] of Object.entries(CALLS)) expect(refused(action, call.mine), action).toEqual([]);
  });

  it.each(Object.entries(CALLS))('refuses %s aimed at resources not tagged as managed', (action, call) => {
    expect(refused(action, call.theirs), call.why).not.toEqual([]);
  });

  it('refuses creating anything without the ownership tag of a cluster, and tagging beyond marking its own resources configured', () => {
    const { 'kubeception.io/cluster/demo-abcdefghij': _, ...unowned } = MANAGED;
    expect(refused('CreateVpc', tagged('vpc', unowned))).not.toEqual([]);
    expect(refused('RunInstances', { ...launch('subnet-mine', 'sg-mine'), ...tagged('instance', unowned) })).not.toEqual([]);
    // its own resources: no retagging to another install or cluster, no other tags
    expect(refused('CreateTags', { Resources: ['vpc-mine'], Tags: [{ Key: 'kubeception.io/managed-by', Value: 'other' }] })).not.toEqual([]);
    expect(
      refused('CreateTags', {
        Resources: ['subnet-mine'],
        Tags: [
          { Key: 'kubeception.io/configured', Value: 'true' },
          { Key: 'kubeception.io/cluster/other-abcdefghij', Value: 'owned' },
        ],
      }),
    ).not.toEqual([]);
    expect(refused('CreateTags', { Resources: ['i-mine'], Tags: [{ Key: 'kubeception.io/configured', Value: 'true' }] })).not.toEqual([]);
  });

  it('lets Describe* read everything (EC2 supports no resource-level permissions for them)', () => {
    for (const action of driverActions.filter((a) => a.startsWith('ec2:Describe'))) expect(refused(action.slice(4), {})).toEqual([]);
  });

  it('fits the size of a managed policy (6,144 characters without whitespace)', () => {
    expect(JSON.stringify(policy).length).toBeLessThanOrEqual(6144);
  });
});

/**
 * Hostile AWS Clusters (internal): each case creates one Cluster in its own namespace against
 * fake EC2, next to the victim `victim/demo` and its VPC, subnets, security groups and instances.
 * The AWS world's CRD is the one the aws-operator deploys, with the providers' schemas: what the
 * schema and its CEL rules can say (formats, ranges, the region fixed once set) is refused at
 * admission; the rest (zones of the region, reserved tags, what EC2 answers) is checked by the
 * operator and reported.
 */
import { clusterId } from '@kubeception/sdk';
import { expect } from 'vitest';
import { ownedBy } from '../aws/aws-world.js';
import { aws, awsCluster, type Edit, type Json } from './hostile-objects.js';
import { until, type CaseContext, type Category, type Expectation, type HostileCase, type Reported } from './hostile-support.js';
import { refused } from './kvm-spec-cases.js';

const NAME = 'bad';
const invalid = (message: string, extra: Partial<Reported> = {}): Reported => ({
  outcome: 'reported',
  kind: 'Cluster',
  name: NAME,
  reason: 'InvalidSpec',
  message,
  ...extra,
});

/** A case sending one Cluster; `strict`: as kubectl sends it (`fieldValidation=Strict`: unknown fields are refused, not pruned). */
function awsCase(
  id: string,
  category: Category,
  what: string,
  edit: Edit,
  expected: Expectation,
  extra: Partial<HostileCase> & { readonly name?: string; readonly strict?: true } = {},
): HostileCase {
  const { name = NAME, strict, ...rest } = extra;
  const send: HostileCase['send'] = async ({ tenant }) =>
    void (await (strict ? tenant.createStrict(awsCluster(name, edit) as never) : tenant.create(awsCluster(name, edit) as never)));
  return { id, what, category, world: 'aws', send, expect: expected, ...rest };
}

const instances = (master: Json, worker: Json = { instanceType: 'm5.large', ami: 'ami-0123456789abcdef0' }) =>
  aws({ instances: { master: { instanceType: 'm5.large', ami: 'ami-0123456789abcdef0', ...master }, worker } });
const tags = (t: Record<string, string>) => aws({ tags: t });
const TAG = 'spec.provider.aws.tags';

/** The EC2 resources the case's Cluster `name` owns. */
const owned = ({ tenant, ec2 }: CaseContext, name = NAME) => (ec2 ? ownedBy(ec2, name, tenant.namespace) : []);

/** A case that makes the AWS Cluster `name` Ready, then merges `change` into its `spec.provider.aws`. */
function readyThenChanged(id: string, what: string, name: string, change: Json, expected: Expectation, extra: Partial<HostileCase> = {}): HostileCase {
  return {
    id,
    what,
    category: 'spec changes',
    world: 'aws',
    send: async ({ tenant }) => {
      await tenant.create(awsCluster(name) as never);
      await until(
        () => tenant.get('Cluster', name),
        (c) => c?.status?.phase === 'Ready',
        30_000,
      );
      await tenant.patch('Cluster', name, { spec: { provider: { aws: change } } });
    },
    expect: expected,
    ...extra,
  };
}

export const AWS_CASES: readonly HostileCase[] = [
  awsCase('w1', 'providers', 'an unknown region', aws({ region: 'mars-north-1' }), refused('spec.provider.aws.region', 'mars-north-1')),
  awsCase(
    'w2',
    'providers',
    'more zones than the region has (a region the account does not serve)',
    aws({ region: 'us-west-1', availabilityZones: { count: 3 } }),
    invalid('spec.provider.aws.availabilityZones.count: us-west-1 has 2 availability zones'),
  ),
  awsCase(
    'w3',
    'providers',
    'a zone of another region',
    aws({ availabilityZones: { names: ['us-east-1a'] } }),
    invalid('spec.provider.aws.availabilityZones.names[0]: is not an availability zone of eu-west-1'),
  ),
  awsCase(
    'w4',
    'providers',
    'one zone twice',
    aws({ availabilityZones: { names: ['eu-west-1a', 'eu-west-1a'] } }),
    invalid('spec.provider.aws.availabilityZones.names[1]: duplicate zone'),
  ),
  awsCase('w5', 'providers', 'a malformed AMI id', instances({ ami: 'ubuntu-24.04' }), refused('spec.provider.aws.instances.master.ami')),
  awsCase('w6', 'providers', 'a malformed instance type', instances({ instanceType: 'large' }), refused('spec.provider.aws.instances.master.instanceType')),
  awsCase(
    'w7',
    'providers',
    'an instance type with a shell command',
    instances({ instanceType: 'm5.large;reboot' }),
    refused('spec.provider.aws.instances.master.instanceType'),
  ),
  awsCase('w8', 'providers', 'a root volume of 4 GiB', aws({ rootVolumeSize: 4 }), refused('spec.provider.aws.rootVolumeSize')),
  awsCase('w9', 'providers', 'a VPC larger than EC2 allows', aws({ vpcCIDR: '10.0.0.0/8' }), invalid('spec.provider.aws.vpcCIDR: must be /16 or smaller')),
  awsCase('w10', 'providers', 'an SSH key name with a newline', aws({ sshKeyName: 'key\nrunas' }), refused('spec.provider.aws.sshKeyName')),
  awsCase('w11', 'providers', 'both providers', (s) => (s.provider.kvm = {}), refused('spec.provider', 'exactly one provider must be set')),
  awsCase('w13', 'providers', 'no provider', (s) => (s.provider = {}), refused('spec.provider', 'exactly one provider must be set')),
  awsCase(
    'w12',
    'providers',
    'an unknown provider field, sent as kubectl sends (fieldValidation=Strict)',
    aws({ subnetSize: 24 }),
    refused('spec.provider.aws.subnetSize', 'unknown field', 400),
    { strict: true },
  ),
  awsCase(
    'g1',
    'forged objects',
    'a tag claiming the victim’s ownership tag',
    (s) => Object.assign(s.provider.aws, { tags: { [`kubeception.io/cluster/${clusterId({ namespace: 'victim', name: 'demo' })}`]: 'owned' } }),
    invalid('is set by Kubeception and cannot be overridden'),
  ),
  awsCase(
    'g2',
    'forged objects',
    'a tag under the AWS prefix',
    tags({ 'aws:cloudformation:stack-name': 'x' }),
    invalid('tag keys starting with "aws:" are reserved by AWS'),
  ),
  awsCase('g3', 'forged objects', 'a Name tag', tags({ Name: 'demo' }), invalid(`${TAG}["Name"]: is set by Kubeception`)),
  awsCase(
    'g4',
    'forged objects',
    'a tag value with a newline',
    tags({ team: 'a\nowner=mallory' }),
    invalid('contains the control character U+000A', { reason: 'Unrenderable' }),
  ),
  awsCase('g5', 'forged objects', 'a tag value of 257 characters', tags({ team: 'v'.repeat(257) }), refused(`${TAG}.team`)),
  awsCase('g6', 'forged objects', 'a tag key of 129 characters', tags({ ['k'.repeat(129)]: 'v' }), invalid('tag keys must be at most 128 characters')),
  awsCase(
    'g7',
    'forged objects',
    'a tag that marks resources configured before they are (kubeception.io/configured)',
    tags({ 'kubeception.io/configured': 'true' }),
    invalid(`${TAG}["kubeception.io/configured"]`),
  ),
  awsCase(
    'g8',
    'forged objects',
    'a tag naming the victim’s node (kubeception.io/node)',
    tags({ 'kubeception.io/node': 'demo-master-0' }),
    invalid(`${TAG}["kubeception.io/node"]`),
  ),
  awsCase(
    'e1',
    'same names',
    'a Cluster named like the victim’s (demo), on the same account',
    () => undefined,
    { outcome: 'accepted', kind: 'Cluster', name: 'demo' },
    {
      name: 'demo',
      also: async (ctx) => {
        const mine = owned(ctx, 'demo');
        expect(mine.map((r) => r.type).sort()).toContain('vpc');
        const victims = new Set(ctx.ec2 ? ownedBy(ctx.ec2, 'demo', 'victim').map((r) => r.id) : []);
        expect(mine.filter((r) => victims.has(r.id))).toEqual([]);
      },
    },
  ),
  awsCase(
    'e2',
    'providers',
    'an AMI that does not exist',
    instances({ ami: 'ami-00000000000000000' }),
    invalid("InvalidAMIID.NotFound: The image id '[ami-00000000000000000]' does not exist"),
  ),
  readyThenChanged('e3', 'the region changed on a Ready Cluster', 'moved', { region: 'us-east-1' }, refused('spec.provider.aws.region', 'immutable'), {
    also: async (ctx) => expect(owned(ctx, 'moved').filter((r) => r.region !== 'eu-west-1')).toEqual([]),
  }),
  readyThenChanged(
    'e4',
    'the instance type of masters changed to a malformed one on a Ready Cluster',
    'chg',
    { instances: { master: { instanceType: 'huge', ami: 'ami-0123456789abcdef0' }, worker: { instanceType: 'm5.large', ami: 'ami-0123456789abcdef0' } } },
    refused('spec.provider.aws.instances.master.instanceType'),
  ),
  // the provider part no longer parses (the CRD's pattern admits the CIDR, the provider's schema
  // does not): deleting the Cluster still finds and deletes all of it, by the ownership tag
  readyThenChanged(
    'e5',
    'the VPC network set on a Ready Cluster to one with host bits set (admitted by the CRD’s pattern, not by the provider’s schema)',
    'cidr',
    { vpcCIDR: '10.0.0.1/16' },
    { outcome: 'reported', kind: 'Cluster', name: 'cidr', reason: 'InvalidSpec', message: 'spec.provider.aws.vpcCIDR: must be a network address' },
    { also: async (ctx) => expect(owned(ctx, 'cidr').map((r) => r.type)).toContain('instance') },
  ),
];

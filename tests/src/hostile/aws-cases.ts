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
import { AMI, ownedBy } from '../aws/aws-world.js';
import { BAD, invalid, refused, reported, unknownField } from './hostile-expect.js';
import { aws, awsCluster, set, type Edit, type Json } from './hostile-objects.js';
import { until, type CaseContext, type Category, type Expectation, type HostileCase } from './hostile-support.js';

/** What an AWS case may add: the Cluster's name; `strict`: sent as kubectl sends it (`fieldValidation=Strict`: unknown fields are refused, not pruned). */
type AwsExtra = Partial<HostileCase> & { readonly name?: string; readonly strict?: true };

/** A case sending one Cluster `name` (default `bad`), its spec bent by `edit`. */
function awsCase(id: string, category: Category, what: string, edit: Edit, expected: Expectation, extra: AwsExtra = {}): HostileCase {
  const { name = BAD, strict, ...rest } = extra;
  const send: HostileCase['send'] = async ({ tenant }) =>
    void (await (strict ? tenant.createStrict(awsCluster(name, edit) as never) : tenant.create(awsCluster(name, edit) as never)));
  return { id, what, category, world: 'aws', send, expect: expected, ...rest };
}

/** Cases of one category: `[id, what, edit, expectation, extra]`. */
type Row = readonly [id: string, what: string, edit: Edit, expected: Expectation, extra?: AwsExtra];
const cases = (category: Category, rows: readonly Row[]) => rows.map(([id, what, edit, expected, extra]) => awsCase(id, category, what, edit, expected, extra));

/** Clusters tagging their resources with `tags`: `[id, what, tags, expectation]`. */
const tagCases = (rows: readonly (readonly [id: string, what: string, tags: Record<string, string>, expected: Expectation])[]) =>
  rows.map(([id, what, tags, expected]) => awsCase(id, 'forged objects', what, aws({ tags }), expected));

const AWS = 'spec.provider.aws';
const TAG = `${AWS}.tags`;
/** An edit of the masters' instances (the workers' stay as they were). */
const master = (field: string, value: string) => set('provider.aws.instances.master.' + field, value);
const oneProvider = refused('spec.provider', 'exactly one provider must be set');

/** The EC2 resources the case's Cluster `name` owns. */
const owned = ({ tenant, ec2 }: CaseContext, name = BAD) => (ec2 ? ownedBy(ec2, name, tenant.namespace) : []);

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
  ...cases('providers', [
    ['w1', 'an unknown region', aws({ region: 'mars-north-1' }), refused(`${AWS}.region`, 'mars-north-1')],
    [
      'w2',
      'more zones than the region has (a region the account does not serve)',
      aws({ region: 'us-west-1', availabilityZones: { count: 3 } }),
      invalid(`${AWS}.availabilityZones.count: us-west-1 has 2 availability zones`),
    ],
    [
      'w3',
      'a zone of another region',
      aws({ availabilityZones: { names: ['us-east-1a'] } }),
      invalid(`${AWS}.availabilityZones.names[0]: is not an availability zone of eu-west-1`),
    ],
    ['w4', 'one zone twice', aws({ availabilityZones: { names: ['eu-west-1a', 'eu-west-1a'] } }), invalid(`${AWS}.availabilityZones.names[1]: duplicate zone`)],
    ['w5', 'a malformed AMI id', master('ami', 'ubuntu-24.04'), refused(`${AWS}.instances.master.ami`)],
    ['w6', 'a malformed instance type', master('instanceType', 'large'), refused(`${AWS}.instances.master.instanceType`)],
    ['w7', 'an instance type with a shell command', master('instanceType', 'm5.large;reboot'), refused(`${AWS}.instances.master.instanceType`)],
    ['w8', 'a root volume of 4 GiB', aws({ rootVolumeSize: 4 }), refused(`${AWS}.rootVolumeSize`)],
    ['w9', 'a VPC larger than EC2 allows', aws({ vpcCIDR: '10.0.0.0/8' }), invalid(`${AWS}.vpcCIDR: must be /16 or smaller`)],
    ['w10', 'an SSH key name with a newline', aws({ sshKeyName: 'key\nrunas' }), refused(`${AWS}.sshKeyName`)],
    ['w11', 'both providers', set('provider.kvm', {}), oneProvider],
    ['w13', 'no provider', set('provider', {}), oneProvider],
    [
      'w12',
      'an unknown provider field, sent as kubectl sends (fieldValidation=Strict)',
      aws({ subnetSize: 24 }),
      unknownField(`${AWS}.subnetSize`),
      { strict: true },
    ],
  ]),
  ...tagCases([
    [
      'g1',
      'a tag claiming the victim’s ownership tag',
      { [`kubeception.io/cluster/${clusterId({ namespace: 'victim', name: 'demo' })}`]: 'owned' },
      invalid('is set by Kubeception and cannot be overridden'),
    ],
    ['g2', 'a tag under the AWS prefix', { 'aws:cloudformation:stack-name': 'x' }, invalid('tag keys starting with "aws:" are reserved by AWS')],
    ['g3', 'a Name tag', { Name: 'demo' }, invalid(`${TAG}["Name"]: is set by Kubeception`)],
    ['g4', 'a tag value with a newline', { team: 'a\nowner=mallory' }, reported('Cluster', BAD, 'Unrenderable', 'contains the control character U+000A')],
    ['g5', 'a tag value of 257 characters', { team: 'v'.repeat(257) }, refused(`${TAG}.team`)],
    ['g6', 'a tag key of 129 characters', { ['k'.repeat(129)]: 'v' }, invalid('tag keys must be at most 128 characters')],
    [
      'g7',
      'a tag that marks resources configured before they are (kubeception.io/configured)',
      { 'kubeception.io/configured': 'true' },
      invalid(`${TAG}["kubeception.io/configured"]`),
    ],
    ['g8', 'a tag naming the victim’s node (kubeception.io/node)', { 'kubeception.io/node': 'demo-master-0' }, invalid(`${TAG}["kubeception.io/node"]`)],
  ]),
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
    master('ami', 'ami-00000000000000000'),
    invalid("InvalidAMIID.NotFound: The image id '[ami-00000000000000000]' does not exist"),
  ),
  readyThenChanged('e3', 'the region changed on a Ready Cluster', 'moved', { region: 'us-east-1' }, refused(`${AWS}.region`, 'immutable'), {
    also: async (ctx) => expect(owned(ctx, 'moved').filter((r) => r.region !== 'eu-west-1')).toEqual([]),
  }),
  readyThenChanged(
    'e4',
    'the instance type of masters changed to a malformed one on a Ready Cluster',
    'chg',
    { instances: { master: { instanceType: 'huge', ami: AMI }, worker: { instanceType: 'm5.large', ami: AMI } } },
    refused(`${AWS}.instances.master.instanceType`),
  ),
  // the provider part no longer parses (the CRD's pattern admits the CIDR, the provider's schema
  // does not): deleting the Cluster still finds and deletes all of it, by the ownership tag
  readyThenChanged(
    'e5',
    'the VPC network set on a Ready Cluster to one with host bits set (admitted by the CRD’s pattern, not by the provider’s schema)',
    'cidr',
    { vpcCIDR: '10.0.0.1/16' },
    invalid(`${AWS}.vpcCIDR: must be a network address`, 'cidr'),
    { also: async (ctx) => expect(owned(ctx, 'cidr').map((r) => r.type)).toContain('instance') },
  ),
];

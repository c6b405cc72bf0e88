import { createClusterModel } from '@kubeception/sdk';
import { describe, expect, it } from 'vitest';
import { provider } from './provider-spec.js';
import { availabilityZones } from './regions.js';

const clusters = createClusterModel({ providers: [provider] });
const instances = { master: { instanceType: 'm5.large', ami: 'ami-0123456789abcdef0' }, worker: { instanceType: 't3.medium', ami: 'ami-01234567' } };
const cluster = (aws: object) => ({
  apiVersion: 'kubeception.io/v1alpha1',
  kind: 'Cluster',
  metadata: { name: 'demo' },
  spec: {
    provider: { aws: { region: 'eu-west-1', instances, ...aws } },
    kubernetes: { version: '1.33.1', api: { domain: 'api.demo.example.com' } },
    ingress: { domain: 'demo.example.com' },
    network: { podCIDR: '10.2.0.0/16' },
    masters: { cpus: 2, memory: '4Gi', disk: '20Gi' },
  },
});
const issues = (aws: object) => clusters.validate(cluster(aws))._unsafeUnwrapErr().issues;

describe('spec.provider.aws', () => {
  it('defaults to one zone, a 50 GiB root volume and no extra tags', () => {
    const aws = clusters.validate(cluster({}))._unsafeUnwrap().spec.provider.aws;
    expect(aws).toMatchObject({ availabilityZones: { count: 1 }, rootVolumeSize: 50, tags: {} });
  });

  it('accepts explicit zones of the region', () => {
    expect(clusters.validate(cluster({ availabilityZones: { names: ['eu-west-1a', 'eu-west-1c'] } })).isOk()).toBe(true);
  });

  it.each([
    [
      { availabilityZones: { names: ['us-east-1a'] } },
      'spec.provider.aws.availabilityZones.names[0]',
      'is not an availability zone of eu-west-1 (eu-west-1a, eu-west-1b, eu-west-1c)',
    ],
    [{ availabilityZones: { names: ['eu-west-1a', 'eu-west-1a'] } }, 'spec.provider.aws.availabilityZones.names[1]', 'duplicate zone eu-west-1a'],
    [{ availabilityZones: { count: 2, names: ['eu-west-1a'] } }, 'spec.provider.aws.availabilityZones', 'set exactly one of count or names'],
    [{ vpcCIDR: '10.0.0.0/8' }, 'spec.provider.aws.vpcCIDR', 'must be /16 or smaller: EC2 allows no larger VPC (got /8)'],
    [{ tags: { 'aws:owner': 'x' } }, 'spec.provider.aws.tags["aws:owner"]', 'tag keys starting with "aws:" are reserved by AWS'],
    [
      { tags: { 'kubeception.io/cluster/demo': 'owned' } },
      'spec.provider.aws.tags["kubeception.io/cluster/demo"]',
      'is set by Kubeception and cannot be overridden',
    ],
    [
      { instances: { ...instances, master: { instanceType: 'large', ami: 'ami-0123456789abcdef0' } } },
      'spec.provider.aws.instances.master.instanceType',
      'must be an EC2 instance type such as m5.large (got "large")',
    ],
    [{ sshKeyName: 'ops\nkey' }, 'spec.provider.aws.sshKeyName', 'must be printable ASCII characters'],
    [{ tags: { team: 'x'.repeat(257) } }, 'spec.provider.aws.tags.team', 'must be at most 256 characters long'],
  ])('rejects %j', (aws, path, message) => expect(issues(aws)).toEqual([{ path, message }]));

  it('sizes the VPC by the zones in use', () => {
    expect(clusters.validate(cluster({ vpcCIDR: '10.0.0.0/23' })).isOk()).toBe(true);
    expect(issues({ vpcCIDR: '10.0.0.0/23', availabilityZones: { count: 2 } })[0]?.message).toContain('use /22 or larger');
  });

  it('lists zones in order', () => expect(availabilityZones('us-west-1')).toEqual(['us-west-1a', 'us-west-1b']));
});

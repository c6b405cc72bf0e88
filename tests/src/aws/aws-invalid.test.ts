/**
 * Invalid AWS specs end as Ready=False InvalidSpec with the field path, and nothing is created in
 * EC2. A valid spec the driver cannot write into user data or tags is refused by its preflight,
 * before the Cluster gets any PKI.
 */
import { CertificateAuthorityResource, CertificateResource, clusterId } from '@kubeception/sdk';
import { createKubeClient, SecretResource } from '@kubeception/sdk/kube';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AMI, awsCluster, startAwsWorld, type AwsWorld, fakeHost } from './aws-world.js';

let world: AwsWorld;
beforeAll(async () => (world = await startAwsWorld()));
afterAll(() => world.stop());

const CASES: [string, Record<string, unknown>, string][] = [
  ['unknown region', { region: 'mars-north-1' }, 'spec.provider.aws.region: must be a supported AWS region'],
  [
    'more zones than the region has',
    { region: 'us-west-1', availabilityZones: { count: 3 } },
    'spec.provider.aws.availabilityZones.count: us-west-1 has 2 availability zones, fewer than 3',
  ],
  [
    'a zone of another region',
    { availabilityZones: { names: ['us-east-1a'] } },
    'spec.provider.aws.availabilityZones.names[0]: is not an availability zone of eu-west-1',
  ],
  [
    'zone count and names together',
    { availabilityZones: { count: 1, names: ['eu-west-1a'] } },
    'spec.provider.aws.availabilityZones: set exactly one of count or names',
  ],
  [
    'a VPC too small for its subnets',
    { availabilityZones: { count: 3 }, vpcCIDR: '10.0.0.0/24' },
    'spec.provider.aws.vpcCIDR: 10.0.0.0/24 cannot hold a public and a private /24 subnet in each of 3 zones',
  ],
  ['a VPC larger than EC2 allows', { vpcCIDR: '10.0.0.0/8' }, 'spec.provider.aws.vpcCIDR: must be /16 or smaller'],
  [
    'a malformed instance type',
    { instances: { master: { instanceType: 'large', ami: AMI }, worker: { instanceType: 'm5.large', ami: AMI } } },
    'spec.provider.aws.instances.master.instanceType: must be an EC2 instance type',
  ],
  [
    'a malformed AMI id',
    { instances: { master: { instanceType: 'm5.large', ami: 'ubuntu' }, worker: { instanceType: 'm5.large', ami: AMI } } },
    'spec.provider.aws.instances.master.ami: must be an AMI id',
  ],
  ['a root volume below 8 GiB', { rootVolumeSize: 4 }, 'spec.provider.aws.rootVolumeSize: must be at least 8'],
  ['a reserved tag key', { tags: { 'aws:owner': 'me' } }, 'tag keys starting with "aws:" are reserved by AWS'],
  ['a tag Kubeception sets itself', { tags: { Name: 'mine' } }, 'is set by Kubeception and cannot be overridden'],
  ['an unknown field', { subnetSize: 24 }, 'spec.provider.aws.subnetSize: unknown field'],
];

it(`reports ${CASES.length} invalid AWS specs with their paths and creates nothing`, async () => {
  for (const [i, [, aws]] of CASES.entries()) (await world.clusters().create(awsCluster(`bad-${i}`, aws) as never))._unsafeUnwrap();
  for (const [i, [what, , message]] of CASES.entries()) {
    await expect
      .poll(
        async () => (await world.clusters().get(`bad-${i}`, { namespace: 'default' }))._unsafeUnwrap().status?.conditions?.find((c) => c.type === 'Ready'),
        { timeout: 10_000 },
      )
      .toMatchObject({ status: 'False', reason: 'InvalidSpec', message: expect.stringContaining(message) });
    expect((await world.clusters().get(`bad-${i}`, { namespace: 'default' }))._unsafeUnwrap().status?.phase, what).toBe('Failed');
  }
  const mutating = world.fakeEc2.requests.all().filter((r) => /^(Create|Run|Modify|Attach|Associate|Authorize)/.test(r.action));
  expect(mutating).toEqual([]);
  expect(world.fakeEc2.state.userResources()).toEqual([]);
}, 60_000);

it('refuses an unrenderable spec in preflight: no CertificateAuthority, Certificate, Secret, Vault mount or EC2 resource, and no retry', async () => {
  const kube = createKubeClient({ kubeConfig: fakeHost(world).kubeConfig, qps: 0 });
  const name = 'unrenderable';
  (await world.clusters().create(awsCluster(name, { tags: { team: 'payments\nowner=mallory' } }) as never))._unsafeUnwrap();
  await expect
    .poll(async () => (await world.clusters().get(name, { namespace: 'default' }))._unsafeUnwrap().status?.conditions?.find((c) => c.type === 'Ready'), {
      timeout: 10_000,
    })
    .toMatchObject({
      status: 'False',
      reason: 'Unrenderable',
      message: expect.stringContaining('spec.provider.aws.tags["team"]: contains the control character U+000A'),
    });
  await new Promise((resolve) => setTimeout(resolve, 500));
  fakeHost(world).requests.clear();
  await new Promise((resolve) => setTimeout(resolve, 500));

  const ofCluster = (items: readonly { spec: { clusterRef: { name: string } } }[]) => items.filter((o) => o.spec.clusterRef.name === name);
  expect(ofCluster((await kube.resource(CertificateAuthorityResource).list({ namespace: 'default' }))._unsafeUnwrap().items)).toEqual([]);
  expect(ofCluster((await kube.resource(CertificateResource).list({ namespace: 'default' }))._unsafeUnwrap().items)).toEqual([]);
  expect(
    (await kube.resource(SecretResource).list({ namespace: 'default' }))._unsafeUnwrap().items.filter((s) => s.metadata?.name?.startsWith(`${name}-`)),
  ).toEqual([]);
  expect(world.fakeVault.state.mounts().filter((m) => m.includes(clusterId({ namespace: 'default', name })))).toEqual([]);
  expect(world.fakeEc2.state.userResources()).toEqual([]);
  expect(fakeHost(world).requests.count({ resource: 'clusters', name, verb: 'patch' })).toBe(0);
}, 30_000);

/**
 * A Cluster on AWS end to end: the Cluster controller with the AWS driver (real
 * @aws-sdk/client-ec2 against the fake EC2), the PKI controllers on the fake Vault, the fake host.
 */
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { clusterId, isTrue } from '@kubeception/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMI, awsCluster, ownedBy, ownerTagOf, startAwsWorld, type AwsWorld } from './aws-world.js';

let world: AwsWorld;
beforeAll(async () => (world = await startAwsWorld()));
afterAll(() => world.stop());

const get = async () => (await world.clusters().get('prod', { namespace: 'default' }))._unsafeUnwrap();

describe('a Cluster on AWS', () => {
  it('becomes Ready with its VPC, subnets, gateway, routes, security groups and instances, all tagged', async () => {
    (await world.clusters().create(awsCluster('prod', { availabilityZones: { count: 2 }, vpcCIDR: '10.10.0.0/16' }, 2) as never))._unsafeUnwrap();
    await expect.poll(async () => (await get()).status?.phase, { timeout: 45_000, interval: 100 }).toBe('Ready');
    const status = (await get()).status;
    for (const type of ['Ready', 'VpcReady', 'SubnetsReady', 'SecurityGroupsReady', 'InstancesReady'])
      expect(isTrue(status?.conditions, type), type).toBe(true);
    expect(status?.nodes?.map((n) => `${n.name}:${n.role}:${n.ready}`).sort()).toEqual([
      'prod-master-0:master:true',
      'prod-pool-0:worker:true',
      'prod-pool-1:worker:true',
    ]);
    for (const node of status?.nodes ?? []) expect(node.providerID).toMatch(/^aws:\/\/\/eu-west-1[ab]\/i-[0-9a-f]+$/);
    const roles = world.fakeEc2.state
      .instances()
      .filter((i) => i.tags[ownerTagOf('prod')] === 'owned')
      .map((i) => i.tags['kubeception.io/role'])
      .sort();
    expect(roles).toEqual(['master', 'worker', 'worker']);
    const types: Record<string, number> = {};
    for (const r of ownedBy(world.fakeEc2, 'prod')) types[r.type] = (types[r.type] ?? 0) + 1;
    expect(types).toEqual({ vpc: 1, 'internet-gateway': 1, subnet: 4, 'route-table': 1, 'security-group': 3, instance: 3 });
  }, 60_000);

  it('creates nothing twice: one RunInstances per node, whatever the passes', () => {
    expect(world.fakeEc2.requests.all().filter((r) => r.action === 'RunInstances' && r.status === 200)).toHaveLength(3);
  });

  it('deletes everything it created, and anything else tagged as its own, then lets the Cluster go', async () => {
    // a stray instance tagged as owned by the cluster, but no node of it (e.g. started by hand)
    const subnet = ownedBy(world.fakeEc2, 'prod').find((r) => r.type === 'subnet')?.id;
    const ec2 = new EC2Client({ region: 'eu-west-1', endpoint: world.fakeEc2.url, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
    await ec2.send(
      new RunInstancesCommand({
        ImageId: AMI,
        InstanceType: 'm5.large',
        MinCount: 1,
        MaxCount: 1,
        SubnetId: subnet,
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: ownerTagOf('prod'), Value: 'owned' }] }],
      }),
    );
    (await world.clusters().delete('prod', { namespace: 'default' }))._unsafeUnwrap();
    await expect.poll(async () => (await world.clusters().get('prod', { namespace: 'default' })).isErr(), { timeout: 45_000, interval: 100 }).toBe(true);
    expect(ownedBy(world.fakeEc2, 'prod')).toEqual([]);
    expect(world.fakeEc2.state.userResources()).toEqual([]);
    expect(world.fakeVault.state.mounts()).not.toContain(`pki-${clusterId({ namespace: 'default', name: 'prod' })}/`);
  }, 60_000);
});

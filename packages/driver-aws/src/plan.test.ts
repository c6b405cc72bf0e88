import { clusterId } from '@kubeception/sdk';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { AMI, awsSpecOf, testCluster } from './cluster.test-support.js';
import { MANAGED_BY_TAG, ownerTag, planCluster, subnetCidr } from './plan.js';

const cluster = testCluster({
  name: 'prod',
  namespace: 'default',
  uid: '11111111-2222-4333-8444-555555555555',
  generation: 1,
  aws: {
    availabilityZones: { count: 3 },
    vpcCIDR: '10.10.0.0/16',
    instances: { master: { instanceType: 'm5.large', ami: AMI }, worker: { instanceType: 'm5.xlarge', ami: AMI } },
    tags: { team: 'platform' },
  },
  masters: 3,
  pool: { name: 'general', replicas: 2, cpus: 4, memory: '16Gi', disk: '100Gi' },
});
const plan = planCluster(cluster, awsSpecOf(cluster))._unsafeUnwrap();

describe('planCluster', () => {
  it('puts a public and a private /24 in each zone, without overlap', () => {
    expect(plan.subnets.map((s) => `${s.role} ${s.cidr}`)).toEqual([
      'subnet-public-eu-west-1a 10.10.0.0/24',
      'subnet-private-eu-west-1a 10.10.3.0/24',
      'subnet-public-eu-west-1b 10.10.1.0/24',
      'subnet-private-eu-west-1b 10.10.4.0/24',
      'subnet-public-eu-west-1c 10.10.2.0/24',
      'subnet-private-eu-west-1c 10.10.5.0/24',
    ]);
  });

  it('spreads masters across zones and names every node', () => {
    expect(plan.nodes.map((n) => `${n.name}@${n.zone}`)).toEqual([
      'prod-master-0@eu-west-1a',
      'prod-master-1@eu-west-1b',
      'prod-master-2@eu-west-1c',
      'prod-general-0@eu-west-1a',
      'prod-general-1@eu-west-1b',
    ]);
  });

  it('gives each node a stable client token (≤ 64 characters) and user data without secrets', () => {
    const again = planCluster(cluster, awsSpecOf(cluster))._unsafeUnwrap();
    expect(again.nodes.map((n) => n.clientToken)).toEqual(plan.nodes.map((n) => n.clientToken));
    expect(new Set(plan.nodes.map((n) => n.clientToken)).size).toBe(plan.nodes.length);
    for (const n of plan.nodes) {
      expect(n.clientToken.length).toBeLessThanOrEqual(64);
      expect(n.userData).not.toMatch(/PRIVATE KEY|CERTIFICATE/);
    }
  });

  it("gives every node another client token in the Cluster's next generation (a node retired and wanted again launches anew)", () => {
    const next = planCluster({ ...cluster, metadata: { ...cluster.metadata, generation: 2 } }, awsSpecOf(cluster))._unsafeUnwrap();
    expect(next.nodes.map((n) => n.config)).toEqual(plan.nodes.map((n) => n.config));
    const before = new Set(plan.nodes.map((n) => n.clientToken));
    expect(next.nodes.filter((n) => before.has(n.clientToken))).toEqual([]);
  });

  it('tags everything as owned by the cluster ID, with the user’s tags', () => {
    expect(plan.id).toBe(clusterId({ namespace: 'default', name: 'prod' }));
    expect(plan.id).toBe('prod-fykzzrnenr');
    expect(plan.tags).toEqual({ team: 'platform', 'kubeception.io/managed-by': 'kubeception', 'kubeception.io/cluster/prod-fykzzrnenr': 'owned' });
    expect(plan.securityGroups.map((g) => g.name)).toEqual(['prod-fykzzrnenr-master', 'prod-fykzzrnenr-worker', 'prod-fykzzrnenr-ingress']);
    expect(plan.nodes.map((n) => n.instanceName)).toEqual([
      'prod-fykzzrnenr-master-0',
      'prod-fykzzrnenr-master-1',
      'prod-fykzzrnenr-master-2',
      'prod-fykzzrnenr-general-0',
      'prod-fykzzrnenr-general-1',
    ]);
  });

  it('tags everything with the one fixed tag an IAM policy can require, which the user cannot set', () => {
    const aws = awsSpecOf(cluster);
    expect(plan.tags[MANAGED_BY_TAG]).toBe('kubeception');
    expect(planCluster(cluster, aws, { managedBy: 'staging' })._unsafeUnwrap().tags[MANAGED_BY_TAG]).toBe('staging');
    expect(planCluster(cluster, { ...aws, tags: { [MANAGED_BY_TAG]: 'me' } })._unsafeUnwrapErr()).toEqual({
      kind: 'Unrenderable',
      field: 'spec.provider.aws.tags["kubeception.io/managed-by"]',
      message: 'spec.provider.aws.tags["kubeception.io/managed-by"]: is set by Kubeception and cannot be overridden',
    });
  });

  it('names nothing in the account after the name alone: a Cluster of the same name in another namespace shares no tag, name or ClientToken', () => {
    const other = planCluster({ ...cluster, metadata: { ...cluster.metadata, namespace: 'other' } }, awsSpecOf(cluster))._unsafeUnwrap();
    expect(other.id).not.toBe(plan.id);
    expect(Object.keys(other.tags)).not.toContain(ownerTag(plan.id));
    const names = (p: typeof plan) => [...p.securityGroups.map((g) => g.name), ...p.nodes.map((n) => n.instanceName), ...p.nodes.map((n) => n.clientToken)];
    for (const name of names(other)) expect(names(plan)).not.toContain(name);
    // the guest host names are the Cluster's own business: the same in both
    expect(other.nodes.map((n) => n.name)).toEqual(plan.nodes.map((n) => n.name));
  });

  it('opens exactly the ports the guest needs', () => {
    const rules = (role: string) =>
      plan.securityGroups.find((g) => g.role === role)?.rules.map((r) => `${r.protocol}/${r.fromPort}-${r.toPort} from ${r.group ?? r.cidr}`);
    expect(rules('sg-master')).toEqual([
      'tcp/443-443 from 0.0.0.0/0',
      'tcp/2379-2380 from sg-master',
      'tcp/10250-10250 from sg-master',
      'udp/4789-4789 from sg-master',
      'tcp/179-179 from sg-master',
      'udp/4789-4789 from sg-worker',
      'tcp/179-179 from sg-worker',
    ]);
    expect(rules('sg-worker')).toEqual([
      'tcp/10250-10250 from sg-master',
      'tcp/30000-32767 from 10.10.0.0/16',
      'udp/4789-4789 from sg-master',
      'tcp/179-179 from sg-master',
      'udp/4789-4789 from sg-worker',
      'tcp/179-179 from sg-worker',
    ]);
    expect(rules('sg-ingress')).toEqual(['tcp/80-80 from 0.0.0.0/0', 'tcp/443-443 from 0.0.0.0/0']);
  });

  it('opens SSH only when a key pair is set, and passes the key and root volume to instances', () => {
    const aws = awsSpecOf(cluster);
    const withKey = planCluster(cluster, { ...aws, sshKeyName: 'ops' })._unsafeUnwrap();
    expect(withKey.securityGroups[0]?.rules.at(-1)).toEqual({ protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '0.0.0.0/0' });
    expect(withKey.nodes[0]).toMatchObject({ keyName: 'ops', rootVolumeGiB: 50 });
    expect(plan.securityGroups.flatMap((g) => g.rules).some((r) => r.fromPort === 22)).toBe(false);
  });

  it('computes /24s inside the VPC', () => expect(subnetCidr('10.0.0.0/21', 7)).toBe('10.0.7.0/24'));

  it('plans the whole topology as the snapshot shows', async () => {
    await expect(stringify(plan, { lineWidth: 0 })).toMatchFileSnapshot('__snapshots__/plan-prod.yaml');
  });
});

import { validateCluster, type Cluster, type Persisted } from '@kubeception/sdk';
import { describe, expect, it } from 'vitest';
import { planCluster, subnetCidr } from './plan.js';
import { provider, type AwsSpec } from './provider-spec.js';

const cluster = validateCluster(
  {
    apiVersion: 'kubeception.io/v1alpha1',
    kind: 'Cluster',
    metadata: { name: 'prod', namespace: 'default', uid: '11111111-2222-4333-8444-555555555555' },
    spec: {
      provider: { aws: { region: 'eu-west-1', availabilityZones: { count: 3 }, vpcCIDR: '10.10.0.0/16', instances: { master: { instanceType: 'm5.large', ami: 'ami-0123456789abcdef0' }, worker: { instanceType: 'm5.xlarge', ami: 'ami-0123456789abcdef0' } }, tags: { team: 'platform' } } },
      kubernetes: { version: '1.33.1', api: { domain: 'api.prod.example.com' } },
      ingress: { domain: 'prod.example.com' },
      network: { podCIDR: '10.2.0.0/16' },
      masters: { replicas: 3, cpus: 2, memory: '8Gi', disk: '50Gi' },
      workers: [{ name: 'general', replicas: 2, cpus: 4, memory: '16Gi', disk: '100Gi' }],
    },
  },
  { providers: [provider] },
)._unsafeUnwrap() as unknown as Persisted<Cluster>;
const plan = planCluster(cluster, (cluster.spec.provider as { aws: AwsSpec }).aws);

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
    const again = planCluster(cluster, (cluster.spec.provider as { aws: AwsSpec }).aws);
    expect(again.nodes.map((n) => n.clientToken)).toEqual(plan.nodes.map((n) => n.clientToken));
    expect(new Set(plan.nodes.map((n) => n.clientToken)).size).toBe(plan.nodes.length);
    for (const n of plan.nodes) {
      expect(n.clientToken.length).toBeLessThanOrEqual(64);
      expect(n.userData).not.toMatch(/PRIVATE KEY|CERTIFICATE/);
    }
  });

  it('tags everything as owned by the cluster, with the user’s tags', () => {
    expect(plan.tags).toEqual({ team: 'platform', 'kubeception.io/cluster/prod': 'owned' });
  });

  it('opens the API port to the world and everything inside the VPC', () => {
    expect(plan.securityGroups.find((g) => g.role === 'sg-master')?.rules).toEqual([
      { protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '0.0.0.0/0' },
      { protocol: '-1', fromPort: 0, toPort: 65535, cidr: '10.10.0.0/16' },
    ]);
  });

  it('computes /24s inside the VPC', () => expect(subnetCidr('10.0.0.0/21', 7)).toBe('10.0.7.0/24'));
});

/**
 * N AWS Clusters created at once on the fakes (host API server, EC2, Vault) until all are Ready:
 * clusters per second, and EC2 calls per cluster against the minimum a cluster needs (each
 * create, configure and authorize call once, plus one observation of six Describe calls).
 */
import { planCluster, provider, type AwsSpec } from '@kubeception/driver-aws';
import { validateCluster, type Cluster, type Persisted } from '@kubeception/sdk';
import { awsCluster, startAwsWorld } from '@kubeception/tests';
import type { Figure } from './figure.js';

function minimumCalls(name: string): number {
  const cluster = validateCluster(
    { ...awsCluster(name), metadata: { name, namespace: 'default', uid: 'x' } },
    { providers: [provider] },
  )._unsafeUnwrap() as unknown as Persisted<Cluster>;
  const plan = planCluster(cluster, (cluster.spec.provider as { aws: AwsSpec }).aws)._unsafeUnwrap();
  const publicSubnets = plan.subnets.filter((s) => s.public).length;
  const rules = plan.securityGroups.reduce((sum, g) => sum + g.rules.length, 0);
  // VPC + DNS + mark; gateway + attach; subnets + (public: modify + mark); table + route + associations; groups; rules; instances; one observation
  return 3 + 2 + plan.subnets.length + 2 * publicSubnets + 2 + publicSubnets + plan.securityGroups.length + rules + plan.nodes.length + 6;
}

export async function run({ quick }: { quick: boolean }): Promise<Figure[]> {
  const n = quick ? 10 : 100;
  const world = await startAwsWorld();
  try {
    const started = performance.now();
    await Promise.all(Array.from({ length: n }, (_, i) => world.clusters().create(awsCluster(`bench-${i}`) as never)));
    for (;;) {
      const list = (await world.clusters().list({ namespace: 'default' }))._unsafeUnwrap().items;
      if (list.filter((c) => c.status?.phase === 'Ready').length === n) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - started) / 1000;
    const calls = world.fakeEc2.requests.all().length / n;
    const minimum = minimumCalls('bench-0');
    return [
      { name: `${n} AWS Clusters created → Ready (fakes)`, value: n / seconds, unit: 'clusters/s' },
      { name: 'EC2 calls per AWS Cluster', value: calls, unit: 'calls', baseline: minimum, ratio: calls / minimum },
    ];
  } finally {
    await world.stop();
  }
}

/**
 * N AWS Clusters created at once on the fakes (host API server, EC2, Vault) until all are Ready:
 * clusters per second (at the larger size), and EC2 calls per cluster at 10 and at 100 clusters
 * against the minimum a cluster needs (each create, configure and authorize call once, plus one
 * observation of six Describe calls). Each size runs on a fresh world; a breakdown of the calls by
 * action, per cluster, against the minimum's goes to stderr.
 */
import { planCluster, provider, type AwsSpec } from '@kubeception/driver-aws';
import { validateCluster, type Cluster, type Persisted } from '@kubeception/sdk';
import { awsCluster, startAwsWorld } from '@kubeception/tests';
import type { Figure } from './figure.js';

/** The six Describe calls of one observation. */
const OBSERVATION = ['DescribeVpcs', 'DescribeInternetGateways', 'DescribeSubnets', 'DescribeRouteTables', 'DescribeSecurityGroups', 'DescribeInstances'];

/** The EC2 calls a cluster cannot do without, by action, from its plan. */
function minimumCalls(name: string): Record<string, number> {
  const cluster = validateCluster(
    { ...awsCluster(name), metadata: { name, namespace: 'default', uid: 'x' } },
    { providers: [provider] },
  )._unsafeUnwrap() as unknown as Persisted<Cluster>;
  const plan = planCluster(cluster, (cluster.spec.provider as { aws: AwsSpec }).aws)._unsafeUnwrap();
  const publicSubnets = plan.subnets.filter((s) => s.public).length;
  return {
    CreateVpc: 1,
    ModifyVpcAttribute: 1,
    CreateTags: 1 + publicSubnets, // the VPC and each public subnet marked configured
    CreateInternetGateway: 1,
    AttachInternetGateway: 1,
    CreateSubnet: plan.subnets.length,
    ModifySubnetAttribute: publicSubnets,
    CreateRouteTable: 1,
    CreateRoute: 1,
    AssociateRouteTable: publicSubnets,
    CreateSecurityGroup: plan.securityGroups.length,
    AuthorizeSecurityGroupIngress: plan.securityGroups.reduce((sum, g) => sum + g.rules.length, 0),
    RunInstances: plan.nodes.length,
    ...Object.fromEntries(OBSERVATION.map((action) => [action, 1])),
  };
}

const sum = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((a, b) => a + b, 0);

/** The calls per cluster by action against the minimum's, as a table for stderr. */
function breakdown(n: number, actions: readonly string[], minimum: Readonly<Record<string, number>>): string {
  const seen: Record<string, number> = {};
  for (const action of actions) seen[action] = (seen[action] ?? 0) + 1;
  const rows = [...new Set([...Object.keys(minimum), ...Object.keys(seen)])]
    .map((action) => ({ action, calls: (seen[action] ?? 0) / n, minimum: minimum[action] ?? 0 }))
    .sort((a, b) => b.calls - b.minimum - (a.calls - a.minimum) || a.action.localeCompare(b.action));
  const line = (action: string, calls: string, min: string, extra: string) =>
    `  ${action.padEnd(30)}${calls.padStart(8)}${min.padStart(9)}${extra.padStart(8)}`;
  return [
    `EC2 calls per AWS Cluster by action (${n} clusters):`,
    line('action', 'calls', 'minimum', 'extra'),
    ...rows.map((r) => line(r.action, r.calls.toFixed(2), String(r.minimum), (r.calls - r.minimum).toFixed(2))),
    line('total', (actions.length / n).toFixed(2), String(sum(minimum)), (actions.length / n - sum(minimum)).toFixed(2)),
  ].join('\n');
}

/**
 * `n` Clusters created at once on a fresh world until all are Ready: seconds taken and the EC2
 * actions called. The fake's request log keeps its last 10,000 records only (100 clusters make
 * more), so it is drained as the run goes.
 */
async function createReady(n: number): Promise<{ seconds: number; actions: string[] }> {
  const world = await startAwsWorld();
  const actions: string[] = [];
  const drain = () => {
    actions.push(...world.fakeEc2.requests.all().map((r) => r.action));
    world.fakeEc2.requests.clear();
  };
  try {
    const started = performance.now();
    await Promise.all(Array.from({ length: n }, (_, i) => world.clusters().create(awsCluster(`bench-${i}`) as never)));
    for (;;) {
      drain();
      const list = (await world.clusters().list({ namespace: 'default' }))._unsafeUnwrap().items;
      if (list.filter((c) => c.status?.phase === 'Ready').length === n) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - started) / 1000;
    drain();
    return { seconds, actions };
  } finally {
    await world.stop();
  }
}

export async function run({ quick }: { quick: boolean }): Promise<Figure[]> {
  const sizes = quick ? [10] : [10, 100];
  const minimum = minimumCalls('bench-0');
  const figures: Figure[] = [];
  for (const n of sizes) {
    const { seconds, actions } = await createReady(n);
    process.stderr.write(`${breakdown(n, actions, minimum)}\n`);
    const calls = actions.length / n;
    if (n === sizes.at(-1)) figures.unshift({ name: `${n} AWS Clusters created → Ready (fakes)`, value: n / seconds, unit: 'clusters/s' });
    figures.push({ name: `EC2 calls per AWS Cluster (${n} clusters)`, value: calls, unit: 'calls', baseline: sum(minimum), ratio: calls / sum(minimum) });
  }
  return figures;
}

/**
 * Scenario 5: the Cluster controller on the AWS driver (with the PKI controllers in its manager, as
 * the aws-operator runs them), crashed after each of its Kubernetes, Vault and EC2 writes: a
 * Cluster → Ready → its worker scaled away and back (a node wanted again after it was retired:
 * docs/decisions/028) → its Kubernetes version changed (1.32.5 → 1.33.1: every instance replaced)
 * → deleted. Exactly the desired EC2 resources (by the ownership tag), none left;
 * also with EC2 eventually consistent, crashed right after each create (docs/decisions/024).
 */
import { awsOperatorControllers, ec2Clients } from '@kubeception/driver-aws';
import { ClusterResource, kubeceptionCrds, type Cluster } from '@kubeception/sdk';
import { createKubeClient } from '@kubeception/sdk/kube';
import { createManager } from '@kubeception/sdk/runtime';
import { certOperatorControllers, createVaultPki } from '@kubeception/pki-vault';
import {
  exploreCrashPoints,
  formatCrashReport,
  startFakeEc2,
  startFakeKube,
  startFakeVault,
  type CrashScenario,
  type OperatorFactory,
  type ProbeResult,
  type StartedFakeEc2,
  type StartedFakeVault,
} from '@kubeception/testing';
import vault from 'node-vault';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { AMI, awsCluster, ownedBy } from '../aws/aws-world.js';
import { crashPointLimit, expectAllConverged, type KubeWorld } from './kube-world.js';

interface AwsCrashWorld extends KubeWorld {
  readonly vault: StartedFakeVault;
  readonly ec2: StartedFakeEc2;
}

const DESIRED = { instance: 2, 'internet-gateway': 1, 'route-table': 1, 'security-group': 3, subnet: 2, vpc: 1 };

/** The creates of the network and security groups: those a crash right after could repeat while EC2 does not show their resource yet. */
const CREATES = ['CreateVpc', 'CreateInternetGateway', 'CreateSubnet', 'CreateRouteTable', 'CreateSecurityGroup'];

/** A fresh world; with `consistent: false`, every new network resource and group stays invisible to a few Describe calls (EC2's eventual consistency). */
async function setup(consistent = true): Promise<AwsCrashWorld> {
  const fake = await startFakeKube({ crds: kubeceptionCrds() });
  const ec2 = await startFakeEc2({ images: [{ id: AMI, name: 'kubeception-test' }], instanceDelays: { pendingMs: 20, shuttingDownMs: 20 } });
  if (!consistent) ec2.faults.eventualConsistency({ describeCalls: 3, types: ['vpc', 'internet-gateway', 'subnet', 'route-table', 'security-group'] });
  return { fake, kube: createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0 }), vault: await startFakeVault({ maxLeaseTtl: '876000h' }), ec2 };
}

/** The Cluster's EC2 resources by type, against DESIRED (duplicates and leftovers by the ownership tag). */
function resourcesWrong(world: AwsCrashWorld, desired: Readonly<Record<string, number>>): ProbeResult {
  const types: Record<string, number> = {};
  for (const r of ownedBy(world.ec2, 'alpha')) types[r.type] = (types[r.type] ?? 0) + 1;
  const sorted = (o: Readonly<Record<string, number>>) => JSON.stringify(Object.fromEntries(Object.entries(o).sort()));
  return sorted(types) === sorted(desired) ? undefined : `EC2 resources ${sorted(types)}`;
}

const scenario: CrashScenario<AwsCrashWorld> = {
  name: 'aws-cluster',
  setup: () => setup(),
  fakes: (world) => ({ kube: world.fake, vault: world.vault, ec2: world.ec2 }),
  async drive(world, converge) {
    const clusters = world.kube.resource(ClusterResource);
    (await clusters.create(awsCluster('alpha', {}, 1, { version: '1.32.5' }) as never))._unsafeUnwrap();
    /** Ready at `version` for its current spec, with exactly `desired`. */
    const readyWith = (desired: Readonly<Record<string, number>>, version: string) => async () => {
      const { metadata, status } = (await clusters.get('alpha', { namespace: 'default' }))._unsafeUnwrap();
      if (status?.phase !== 'Ready' || status.observedGeneration !== metadata.generation)
        return `phase ${status?.phase} of generation ${status?.observedGeneration}`;
      if (status.versions?.[0] !== version) return `Ready at ${status.versions?.[0]}`;
      return status.nodes?.length === desired.instance ? resourcesWrong(world, desired) : `${status.nodes?.length} nodes`;
    };
    const patchSpec = async (change: (spec: Cluster['spec']) => Record<string, unknown>) => {
      const { spec } = (await clusters.get('alpha', { namespace: 'default' }))._unsafeUnwrap();
      (await clusters.patch('alpha', { type: 'merge', body: { spec: change(spec) } }, { namespace: 'default' }))._unsafeUnwrap();
    };
    const scaleWorkers = (replicas: number) => patchSpec((spec) => ({ workers: spec.workers.map((w) => ({ ...w, replicas })) }));
    await converge('Ready with exactly the desired EC2 resources', readyWith(DESIRED, '1.32.5'));
    await scaleWorkers(0);
    await converge('its worker retired', readyWith({ ...DESIRED, instance: 1 }, '1.32.5'));
    await scaleWorkers(1);
    await converge('its worker launched anew', readyWith(DESIRED, '1.32.5'));
    await patchSpec((spec) => ({ kubernetes: { ...spec.kubernetes, version: '1.33.1' } }));
    await converge('every instance replaced at the new version', readyWith(DESIRED, '1.33.1'));
    (await clusters.delete('alpha', { namespace: 'default' }))._unsafeUnwrap();
    await converge('nothing left after deletion', async () => {
      if ((await clusters.get('alpha', { namespace: 'default' })).isOk()) return 'the Cluster is still there';
      const mounts = world.vault.state.mounts();
      return mounts.length > 0 ? `Vault mounts ${mounts.join(',')}` : resourcesWrong(world, {});
    });
  },
  async teardown(world) {
    await world.ec2.close();
    await world.vault.close();
    await world.fake.stop();
  },
};

/** A fresh aws-operator (and PKI controllers): new kube, EC2 and Vault clients, no retries. */
const operator: OperatorFactory<AwsCrashWorld> = (world, { userAgent }) => {
  const clients = ec2Clients({ endpoint: world.ec2.url, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 1 });
  const pki = createVaultPki({ client: vault({ endpoint: world.vault.url, token: world.vault.rootToken, noCustomHTTPVerbs: true }) });
  const manager = createManager({
    kube: createKubeClient({ kubeConfig: world.fake.kubeConfig, qps: 0, retry: { maxAttempts: 1 }, userAgent }),
    controllers: [...awsOperatorControllers({ ec2: clients.forRegion, pollMs: 10, concurrency: 8 }), ...certOperatorControllers({ pki })],
    shutdownTimeoutMs: 500,
    logger: pino({ level: 'silent' }),
  });
  void manager.start();
  return { stop: () => manager.stop().finally(() => clients.destroy()) };
};

// about 1.5 s a point on 2 cores (169 points: KUBECEPTION_CRASH_POINTS=all), 120 of them spread over the run by default (with the other scenarios, over 300 points in npm test)
const LIMIT = crashPointLimit(120);

it('explores the crash points of the aws-operator: all converge', { timeout: 600_000 }, async () => {
  const report = await exploreCrashPoints({ scenario, operator, convergeMs: 15_000, ...(LIMIT === undefined ? {} : { limit: LIMIT }) });
  expectAllConverged(report, 100, LIMIT);
});

it('finds no duplicate of a crash right after any create while EC2 is eventually consistent', { timeout: 300_000 }, async () => {
  const report = await exploreCrashPoints({
    scenario: { ...scenario, name: 'aws-cluster-eventually-consistent', setup: () => setup(false) },
    operator,
    convergeMs: 5_000,
    where: (call) => CREATES.includes(call),
    onFailure: 'report',
  });
  console.log(formatCrashReport(report));
  // CreateRouteTable: its ClientToken answers the same table; CreateSubnet, CreateSecurityGroup: EC2 refuses a second
  // (InvalidSubnet.Conflict, InvalidGroup.Duplicate) until the first shows; CreateVpc, CreateInternetGateway: the duplicate is deleted
  expect(report.failures).toEqual([]);
  expect(report.unreached).toEqual([]);
  expect(report.explored).toBe(8); // one VPC, gateway and route table, two subnets (one zone), three security groups
});

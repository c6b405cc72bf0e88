/**
 * Drains respect the guest's PodDisruptionBudgets: a scale-down evicts the node's pods through the
 * guest's eviction API, reports a budget's refusal on the Cluster while it waits, and removes the
 * VM anyway once the drain timeout has passed (as Cluster API's `nodeDrainTimeout`).
 */
import type { Cluster, Persisted } from '@kubeception/sdk';
import { createKubeClient, DeploymentResource, PodDisruptionBudgetResource, PodResource } from '@kubeception/sdk/kube';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hostNamespace, kvmClusterInput, startKvmWorld, type KvmWorld } from './kvm-world.js';

let world: KvmWorld;
beforeAll(async () => {
  world = await startKvmWorld({ nodes: 3, drainTimeoutMs: 3_000 });
});
afterAll(async () => world.stop());

const get = async (): Promise<Persisted<Cluster>> => (await world.clusters().get('budgeted', { namespace: 'default' }))._unsafeUnwrap();
const ready = async () => {
  const cluster = await get();
  return cluster.status?.phase === 'Ready' && cluster.status.observedGeneration === cluster.metadata.generation;
};
const workers = (replicas: number) => ({ spec: { workers: [{ name: 'pool', replicas, cpus: 1, memory: '1Gi', disk: '10Gi' }] } });

it('evicts through the guest API, says which budget refuses, and removes the VM after the drain timeout', async () => {
  (await world.clusters().create(kvmClusterInput('budgeted', { workers: 2 })))._unsafeUnwrap();
  await expect.poll(ready, { timeout: 30_000, interval: 50 }).toBe(true);
  const guest = createKubeClient({ kubeConfig: world.vms.kubeConfigFor(hostNamespace('budgeted'))!, qps: 0 });
  const workloads = async () =>
    (await guest.resource(PodResource).list({ namespace: 'default', labelSelector: 'app=workload' }))
      ._unsafeUnwrap()
      .items.map((p) => p.metadata.name)
      .sort();
  await expect.poll(workloads, { timeout: 10_000 }).toEqual(['budgeted-pool-0-workload-0', 'budgeted-pool-1-workload-0']);
  // every workload pod must stay: no eviction is allowed
  (
    await guest.resource(PodDisruptionBudgetResource).create({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'workload', namespace: 'default' },
      spec: { minAvailable: 2, selector: { matchLabels: { app: 'workload' } } },
    })
  )._unsafeUnwrap();

  (await world.clusters().patch('budgeted', { type: 'merge', body: workers(1) }, { namespace: 'default' }))._unsafeUnwrap();
  const readyCondition = async () => (await get()).status?.conditions?.find((c) => c.type === 'Ready');
  await expect.poll(readyCondition, { timeout: 10_000, interval: 50 }).toMatchObject({
    status: 'False',
    reason: 'Progressing',
    message:
      'draining budgeted-pool-1: 1 pods left; eviction refused: default/budgeted-pool-1-workload-0: The disruption budget workload needs 2 healthy pods and has 2 currently',
  });
  expect((await get()).status?.phase).toBe('Provisioning');
  // refused, so the pod and its VM are still there, the node cordoned
  expect(await workloads()).toEqual(['budgeted-pool-0-workload-0', 'budgeted-pool-1-workload-0']);
  const deployments = async () =>
    (await world.kube.resource(DeploymentResource).list({ namespace: hostNamespace('budgeted') }))
      ._unsafeUnwrap()
      .items.map((d) => d.metadata.name)
      .sort();
  expect(await deployments()).toContain('budgeted-pool-1');
  expect(world.vms.history().some((e) => e.cluster === hostNamespace('budgeted') && e.node === 'budgeted-pool-1' && e.type === 'node-cordoned')).toBe(true);

  // after the drain timeout (3 s) the VM goes although the budget never allowed the eviction
  await expect.poll(async () => (await ready()) && (await get()).status?.nodes?.length === 2, { timeout: 20_000, interval: 100 }).toBe(true);
  expect(await deployments()).toEqual(['budgeted-master-0', 'budgeted-pool-0']);
  const stopped = world.vms.history().find((e) => e.cluster === hostNamespace('budgeted') && e.node === 'budgeted-pool-1' && e.type === 'vm-stopped');
  const refusedAt = world.vms.history().find((e) => e.cluster === hostNamespace('budgeted') && e.node === 'budgeted-pool-1' && e.type === 'node-cordoned');
  // host.clock milliseconds: the VM stopped no sooner than the drain timeout after the cordon
  expect(stopped!.at - refusedAt!.at).toBeGreaterThanOrEqual(3_000);
}, 60_000);

/**
 * Fault lane: the KVM Cluster controller (with the PKI controllers beside it) while the host API
 * answers 429, 500 or 503 to everything, cuts every watch, or cuts them after forgetting its
 * history (so that watches resume into 410 Gone and relist), for a window during create → Ready
 * (from the moment its host namespace exists: the operator runs, its watchers have listed).
 * Its requests per minute stay capped, and once the fault is lifted the Cluster converges with
 * nothing made twice; under a fault while it scales from no worker to one, it ends with one VM and
 * one guest Node more; under a fault during delete, it goes with everything it had.
 */
import { afterEach, beforeEach, it } from 'vitest';
import { kvmClusterInput, startKvmWorld, type KvmWorld } from '../kvm/kvm-world.js';
import { HOST_RATE_CAP, runFaultCase } from './fault-window.js';
import { HOST_FAULTS, hostFaultCase } from './host-faults.js';
import { expectKvmConverged, expectKvmGone, KVM_OPERATOR, provisioning } from './kvm-convergence.js';

// a world per case: a watcher remembers its failures until a watch has lived 30 s, so an outage
// would lengthen the next case's backoff
let world: KvmWorld;
beforeEach(async () => (world = await startKvmWorld({ nodes: 2 })));
afterEach(() => world.stop());

it.each(Object.entries(HOST_FAULTS).map(([name, fault]) => ({ name, ...fault })))(
  'host API $fault during create → Ready',
  async ({ name, ...fault }) => {
    (await world.clusters().create(kvmClusterInput(name)))._unsafeUnwrap();
    await provisioning(world, name);
    await runFaultCase({
      lane: 'kvm-host',
      cap: HOST_RATE_CAP,
      ...hostFaultCase(world.host.kube, fault, KVM_OPERATOR),
      converged: () => expectKvmConverged(world, name),
    });
  },
  90_000,
);

// the world's 2 VM hosts take one VM of a cluster each (anti-affinity): a master alone, then a worker beside it
it('host API 503 while the Cluster scales from no worker to 1: one VM and one guest Node more, none twice', async () => {
  (await world.clusters().create(kvmClusterInput('scaled', { workers: 0 })))._unsafeUnwrap();
  await expectKvmConverged(world, 'scaled', 60_000, 0);
  const workers = [{ name: 'pool', replicas: 1, cpus: 1, memory: '1Gi', disk: '10Gi' }];
  (await world.clusters().patch('scaled', { type: 'merge', body: { spec: { workers } } }, { namespace: 'default' }))._unsafeUnwrap();
  await runFaultCase({
    lane: 'kvm-host',
    cap: HOST_RATE_CAP,
    ...hostFaultCase(world.host.kube, HOST_FAULTS.unavailable, KVM_OPERATOR),
    fault: '503 during scale-up',
    converged: () => expectKvmConverged(world, 'scaled', 60_000, 1),
  });
}, 90_000);

it('host API 503 during delete: the Cluster goes, with everything it had', async () => {
  (await world.clusters().create(kvmClusterInput('doomed')))._unsafeUnwrap();
  await expectKvmConverged(world, 'doomed');
  (await world.clusters().delete('doomed', { namespace: 'default' }))._unsafeUnwrap();
  await runFaultCase({
    lane: 'kvm-host',
    cap: HOST_RATE_CAP,
    ...hostFaultCase(world.host.kube, HOST_FAULTS.unavailable, KVM_OPERATOR),
    fault: '503 during delete',
    converged: () => expectKvmGone(world, 'doomed'),
  });
}, 90_000);

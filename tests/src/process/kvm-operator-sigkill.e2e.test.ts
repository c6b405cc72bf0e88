/**
 * The kvm-operator in host mode (`--with-pki`) as a process of its own against
 * `kubeception-fakes --flannel-etcd` (another process, with a real etcd), reaching the guests
 * through the fakes' TLS passthrough (`--guest-api-dial`), killed with SIGKILL at random moments
 * (seeded: `KUBECEPTION_SEED` replays a run) while KVM Clusters are created, scaled (workers) and
 * deleted; each kill is followed by a restart. Leader election is off for these runs, as for the
 * aws-operator's: a killed leader keeps its Lease for its 15 s duration, and fifteen waits for it
 * would be the whole test. Then, from outside (the API server, etcd, Vault): every Cluster Ready
 * at its generation with its host objects once, one network each, one mount each, and after
 * deletion nothing left (host namespaces, etcd keys, mounts, kubeconfig Secrets).
 */
import { createEtcdNetworkStore, type NetworkStore } from '@kubeception/driver-kvm';
import { createKubeClient } from '@kubeception/sdk/kube';
import { systemTestGate } from '@kubeception/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kvmClusterInput } from '../kvm/kvm-world.js';
import { describeAction, drawWorkload, runAction, type WorkloadAction } from './aws-workload.js';
import { fakesVaultMounts, startFakesProcess, type FakesProcess } from './fakes-process.js';
import { kvmProblems, type KvmOutside } from './kvm-convergence.js';
import { operatorProcess } from './operator-process.js';
import { killEveryGroup } from './process-group.js';
import { seededRandom, testSeed } from './seeded-random.js';
import { runSigkillScenario } from './sigkill-scenario.js';

const KILLS = 15;
const NAMESPACE = 'default';
const random = seededRandom(testSeed());
const gate = systemTestGate(['etcd']);

describe.skipIf(!gate.run)('the kvm-operator as a process of its own against kubeception-fakes --flannel-etcd', () => {
  let fakes: FakesProcess;
  let store: NetworkStore;
  let outside: KvmOutside;

  beforeAll(async () => {
    console.log(`seed ${random.seed} (KUBECEPTION_SEED=${random.seed} replays this run)`);
    fakes = await startFakesProcess({ args: ['--flannel-etcd', '--nodes', '4'] }); // a Cluster's VMs go to distinct nodes: up to 1 master and 3 workers
    const env = fakes.environment;
    store = createEtcdNetworkStore({ hosts: env.FLANNEL_ETCD_ENDPOINTS ?? '' });
    outside = {
      kube: createKubeClient({ kubeConfig: fakes.kubeConfig, qps: 0 }),
      store,
      vaultMounts: fakesVaultMounts(fakes),
      ledgerNamespace: env.POD_NAMESPACE ?? 'kubeception',
    };
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await killEveryGroup();
    await fakes?.stop();
  });

  it(`converges after ${KILLS} SIGKILLs at random moments while Clusters are created, scaled and deleted`, async () => {
    // one pool of 1 to 3 workers: small Clusters, so the kills land among many of the operator's steps, not one long wait
    const workload = drawWorkload(random, 'kvm', { pools: [1], replicas: [1, 3] });
    const make = (name: string, namespace: string) => kvmClusterInput(name, { namespace });
    const args = ['--with-pki', `--guest-api-dial=${fakes.environment.GUEST_API_DIAL}`, '--leader-elect=false'];
    const operator = await operatorProcess({ operator: 'kvm-operator', fakes, args });
    await operator.start({ timeoutMs: 60_000 });
    const end = await runSigkillScenario<WorkloadAction>({
      operator,
      random,
      kills: KILLS,
      workload,
      run: (action) => runAction(outside.kube, action, NAMESPACE, make),
      describe: describeAction,
      remove: (cluster) => runAction(outside.kube, { kind: 'delete', cluster }, NAMESPACE),
      problems: (expected) => kvmProblems(outside, NAMESPACE, expected),
      check: (problems) => expect(problems).toEqual([]),
      timeoutMs: 90_000,
    });
    expect(end).toMatchObject({ unexpectedExits: [], notJson: [], code: 0 }); // JSON lines only, from every run
  }, 420_000);
});

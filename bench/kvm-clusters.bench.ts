/**
 * N KVM Clusters created at once on the simulated host (with the VM simulator and fake Vault)
 * until all are Ready: clusters per second, the operators' host API requests per cluster, and
 * their writes against the minimum a cluster needs (each host object, Secret copy, EndpointSlice,
 * PKI object and ledger entry written once, the finalizer added once, the status written once
 * per phase: Pending, Provisioning, Ready).
 *
 * Then a full resync of every Cluster in the steady state: the writes it makes (the target is 0).
 *
 * Sizes: 100 clusters (10 with --quick); `KVM_BENCH_CLUSTERS=1000` for the issue's figure.
 * `KVM_BENCH_PKI=authority-only` skips the 7 component certificates per cluster (each is a real
 * ECDSA issue through node-vault), to see the driver's own cost at large N.
 */
import { kvmCluster, provider, renderCluster } from '@kubeception/driver-kvm';
import { createClusterModel } from '@kubeception/sdk';
import { clusterPki } from '@kubeception/pki-vault';
import { kvmClusterInput, startKvmWorld } from '../packages/testing/src/kvm/kvm-world.js';
import type { Figure } from './figure.js';

/** The writes one cluster needs at the least. */
function minimumWrites(name: string, pki: 'full' | 'authority-only'): number {
  const cluster = createClusterModel({ providers: [provider] }).validate(kvmClusterInput(name))._unsafeUnwrap();
  const rendered = renderCluster(kvmCluster(cluster, cluster.spec.provider.kvm!), { network: { network: '10.64.0.0/24', vni: 1 }, flannel: { etcdEndpoints: ['http://etcd:2379'] } });
  const certificates = pki === 'full' ? clusterPki(cluster as never).certificates.length : 0;
  // objects + Secret copies + 2 EndpointSlices + CA and Certificates + ledger entry + finalizer + 3 status writes
  return rendered.objects.length + certificates + 2 + (1 + certificates) + 1 + 1 + 3;
}

/** Requests of the operators: everything but what the simulated kubelet, controllers and VM simulator do. */
const SIMULATION = new Set(['pods', 'replicasets', 'nodes', 'endpoints', 'events', 'leases']);
const simulated = (r: { resource: string; subresource: string | undefined }) => SIMULATION.has(r.resource) || (r.subresource === 'status' && ['deployments', 'daemonsets', 'persistentvolumeclaims'].includes(r.resource));

export async function run({ quick }: { quick: boolean }): Promise<Figure[]> {
  const n = Number(process.env.KVM_BENCH_CLUSTERS ?? (quick ? 10 : 100));
  const pki = process.env.KVM_BENCH_PKI === 'authority-only' ? 'authority-only' : 'full';
  // 8 large hosts: every cluster runs a flannel pod on every VM host (one flannel client per host
  // per cluster), so more hosts would grow the pods as clusters × hosts; a 1 CPU / 1Gi VM takes
  // 2 CPU / 1.5Gi with QEMU's overhead
  const world = await startKvmWorld({ nodes: 8, hostCpu: String(4 * n + 64), hostMemory: `${3 * n + 64}Gi`, hostPods: 2 * n + 100, concurrency: 16, pki, recheckMs: 500, requestLogLimit: 5_000_000 });
  try {
    world.host.kube.requests.clear();
    const started = performance.now();
    await Promise.all(Array.from({ length: n }, async (_, i) => (await world.clusters().create(kvmClusterInput(`kvm-${i}`)))._unsafeUnwrap()));
    for (;;) {
      const list = (await world.clusters().list({ namespace: 'default' }))._unsafeUnwrap().items;
      if (list.filter((c) => c.status?.phase === 'Ready').length === n) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = (performance.now() - started) / 1000;
    const operator = world.host.kube.requests.all().filter((r) => !simulated(r));
    const writes = operator.filter((r) => ['create', 'update', 'patch', 'delete'].includes(r.verb)).length / n;
    const minimum = minimumWrites('kvm-0', pki);
    const suffix = pki === 'full' ? '' : ', CA only';
    // steady state: a full resync of every Cluster must write nothing
    await world.vms.settle({ timeoutMs: 60_000 });
    world.host.kube.requests.clear();
    for (const controller of world.clusterControllers) controller.resync();
    await new Promise((r) => setTimeout(r, Math.max(2000, n * 10)));
    const steadyWrites = world.host.kube.requests.all().filter((r) => !simulated(r) && ['create', 'update', 'patch', 'delete'].includes(r.verb)).length;
    return [
      { name: `${n} KVM Clusters created → Ready (simulated host${suffix})`, value: n / seconds, unit: 'clusters/s' },
      { name: `host API requests per KVM Cluster (operators${suffix})`, value: operator.length / n, unit: 'requests' },
      { name: `host API writes per KVM Cluster (operators${suffix})`, value: writes, unit: 'writes', baseline: minimum, ratio: writes / minimum },
      { name: `steady state: writes in a full resync of ${n} KVM Clusters (target 0)`, value: steadyWrites, unit: 'writes' },
    ];
  } finally {
    await world.stop();
  }
}

/**
 * N KVM Clusters created at once on the simulated host (with the VM simulator and fake Vault)
 * until all are Ready: clusters per second, the operators' host API requests per cluster, and
 * their writes against the minimum a cluster needs: each host object, Secret copy, EndpointSlice
 * and ledger entry written once; each PKI object (the CA and the Certificates) written once, its
 * finalizer added once and its status written once; each certificate's Secret written once; the
 * Cluster's finalizer added once and its status written once per phase (Pending, Provisioning,
 * Ready).
 *
 * The host's request log holds only what came over HTTP, each request with its User-Agent: the
 * operators' (`kvm-operator/<replica>`, counted here) and this bench's own (its Cluster creates).
 * The simulated kubelet, scheduler, workload controllers and VM simulator call the fake in-process
 * (`FakeKube.localClient`), so they are not in it.
 *
 * Then a full resync of every Cluster in the steady state: the writes it makes (the target is 0).
 *
 * Sizes: 100 clusters (10 with --quick); `KVM_BENCH_CLUSTERS=1000` for the issue's figure.
 */
import { kvmCluster, provider, renderCluster } from '@kubeception/driver-kvm';
import { ClusterResource, createClusterModel } from '@kubeception/sdk';
import { startInformer } from '@kubeception/sdk/runtime';
import { componentCertificates } from '@kubeception/sdk/cluster';
import { KVM_OPERATOR_AGENT, kvmClusterInput, startKvmWorldInWorker } from '@kubeception/tests';
import type { Figure } from './figure.js';

/** The writes one cluster needs at the least. */
function minimumWrites(name: string): number {
  const cluster = createClusterModel({ providers: [provider] })
    .validate(kvmClusterInput(name))
    ._unsafeUnwrap();
  const rendered = renderCluster(kvmCluster(cluster, cluster.spec.provider.kvm!), {
    network: { network: '10.64.0.0/24', vni: 1 },
    flannel: { etcdEndpoints: ['http://etcd:2379'] },
  })._unsafeUnwrap();
  const certificates = componentCertificates(cluster).length;
  const pkiObjects = 1 + certificates;
  // objects + Secret copies + 2 EndpointSlices + PKI objects (each created, finalized, its status
  // written) + the certificates' Secrets + ledger entry + finalizer + 3 status writes
  return rendered.objects.length + certificates + 2 + 3 * pkiObjects + certificates + 1 + 1 + 3;
}

/** The operators' requests (by their User-Agent); the rest of the log is this bench's own (it creates the Clusters). */
const operators = (r: { userAgent: string }) => r.userAgent.startsWith(`${KVM_OPERATOR_AGENT}/`);
const WRITES = new Set(['create', 'update', 'patch', 'delete']);

export async function run({ quick }: { quick: boolean }): Promise<Figure[]> {
  const n = Number(process.env.KVM_BENCH_CLUSTERS ?? (quick ? 10 : 100));
  // 8 large hosts: every cluster runs a flannel pod on every VM host (one flannel client per host
  // per cluster), so more hosts would grow the pods as clusters × hosts; a 1 CPU / 1Gi VM takes
  // 2 CPU / 1.5Gi with QEMU's overhead
  const world = await startKvmWorldInWorker({
    nodes: 8,
    hostCpu: String(4 * n + 64),
    hostMemory: `${3 * n + 64}Gi`,
    hostPods: 2 * n + 100,
    concurrency: 16,
    recheckMs: 500,
    requestLogLimit: 5_000_000,
  });
  try {
    const watching = new AbortController();
    const clusters = startInformer(world.kube, ClusterResource, { namespace: 'default', signal: watching.signal });
    await clusters.synced();
    await world.clearRequests();
    const started = performance.now();
    await Promise.all(Array.from({ length: n }, async (_, i) => (await world.clusters().create(kvmClusterInput(`kvm-${i}`)))._unsafeUnwrap()));
    // Ready is counted from a watch (an informer), not by listing every Cluster over and over:
    // listing 1,000 Clusters a few times a second would cost more than the operators do
    let reported = started;
    for (;;) {
      const list = clusters.store.list();
      const ready = list.filter((c) => c.status?.phase === 'Ready').length;
      if (ready === n) break;
      // progress on stderr every 10 s, so a large run shows its rate while it goes
      if (performance.now() - reported >= 10_000) {
        reported = performance.now();
        // what the others wait for: their first false condition, by reason
        const waiting = new Map<string, number>();
        for (const c of list) {
          const first = c.status?.conditions?.find((k) => k.type !== 'Ready' && k.status !== 'True');
          const what = first ? `${first.type}=${first.reason}` : (c.status?.phase ?? 'no status');
          if (c.status?.phase !== 'Ready') waiting.set(what, (waiting.get(what) ?? 0) + 1);
        }
        process.stderr.write(
          `  kvm-clusters: ${ready}/${n} Ready after ${((reported - started) / 1000).toFixed(0)} s; waiting: ${[...waiting].map(([w, k]) => `${w} ${k}`).join(', ')}\n`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = (performance.now() - started) / 1000;
    watching.abort();
    const operator = (await world.requests()).filter(operators);
    const writes = operator.filter((r) => WRITES.has(r.verb)).length / n;
    const minimum = minimumWrites('kvm-0');
    // steady state: a full resync of every Cluster must write nothing
    await world.settle({ timeoutMs: 60_000 });
    await world.clearRequests();
    for (const controller of world.clusterControllers) controller.resync();
    await new Promise((r) => setTimeout(r, Math.max(2000, n * 10)));
    const steadyWrites = (await world.requests()).filter((r) => WRITES.has(r.verb)).length;
    return [
      { name: `${n} KVM Clusters created → Ready (simulated host)`, value: n / seconds, unit: 'clusters/s' },
      { name: `host API requests per KVM Cluster (operators)`, value: operator.length / n, unit: 'requests' },
      { name: `host API writes per KVM Cluster (operators)`, value: writes, unit: 'writes', baseline: minimum, ratio: writes / minimum },
      { name: `steady state: writes in a full resync of ${n} KVM Clusters (target 0)`, value: steadyWrites, unit: 'writes' },
    ];
  } finally {
    await world.stop();
  }
}

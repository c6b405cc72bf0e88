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
 * The operators' own cost (issue 24): their thread's CPU from the creates until every Cluster is
 * Ready (the operators run in this thread, the fakes in a worker; this bench's own creates and its
 * watch of the Clusters count too, a few percent), the other threads' CPU (the fakes, V8's helper
 * threads, libuv's pool), and the heap this thread keeps per managed Cluster once all are Ready and
 * settled (after full collections, without compiled code), against the targets 50 ms and 150 KB.
 *
 * The operators' Vault requests per cluster, and its writes against the minimum (each cluster's PKI
 * mount and root CA, and per component certificate its role and its issue, once).
 *
 * Then a full resync of every Cluster in the steady state: the writes it makes (the target is 0).
 *
 * Sizes: 100 clusters (10 with --quick); `KVM_BENCH_CLUSTERS=1000` for the figure, or
 * `KVM_BENCH_CLUSTERS=100,1000` for both, each on a fresh world.
 */
import { kvmCluster, provider, renderCluster } from '@kubeception/driver-kvm';
import { ClusterResource, createClusterModel, type Cluster, type Persisted } from '@kubeception/sdk';
import { startInformer } from '@kubeception/sdk/runtime';
import { componentCertificates } from '@kubeception/sdk/cluster';
import { KVM_OPERATOR_AGENT, kvmClusterInput, startKvmWorldInWorker, type RemoteKvmWorld } from '@kubeception/tests';
import { getHeapSpaceStatistics } from 'node:v8';
import { threadCpuMs, type Figure } from './figure.js';

/** The Cluster `name` as the operators see it, defaulted. */
const sampleCluster = (name: string) =>
  createClusterModel({ providers: [provider] })
    .validate(kvmClusterInput(name))
    ._unsafeUnwrap();

/** The host API writes one cluster needs at the least. */
function minimumWrites(name: string): number {
  const cluster = sampleCluster(name);
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

/**
 * The Vault writes one cluster needs at the least: its PKI mount, its root CA, and per component
 * certificate its role and its issue.
 */
const minimumVaultWrites = (name: string): number => 2 + 2 * componentCertificates(sampleCluster(name)).length;

/** The operators' requests (by their User-Agent); the rest of the log is this bench's own (it creates the Clusters). */
const operators = (r: { userAgent: string }) => r.userAgent.startsWith(`${KVM_OPERATOR_AGENT}/`);
const WRITES = new Set(['create', 'update', 'patch', 'delete']);

/** CPU milliseconds of the whole process (every thread) so far. */
const processCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * This thread's heap in use after full collections, without V8's code spaces (compiled code grows
 * while a workload warms up: it is not what the operators keep per cluster); none without `--expose-gc`.
 */
async function heapAfterGc(): Promise<number | undefined> {
  const gc = (globalThis as { gc?: (options?: object) => void }).gc;
  if (!gc) return undefined;
  for (let i = 0; i < 4; i++) {
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    await new Promise((resolve) => setImmediate(resolve));
  }
  return getHeapSpaceStatistics()
    .filter((space) => !space.space_name.startsWith('code_'))
    .reduce((sum, space) => sum + space.space_used_size, 0);
}

/** Creates `n` Clusters and waits until all are Ready (counted from a watch, stopped before it returns): seconds. */
async function createAllReady(world: RemoteKvmWorld, n: number): Promise<number> {
  const watching = new AbortController();
  try {
    const clusters = startInformer(world.kube, ClusterResource, { namespace: 'default', signal: watching.signal });
    await clusters.synced();
    const started = performance.now();
    await Promise.all(Array.from({ length: n }, async (_, i) => (await world.clusters().create(kvmClusterInput(`kvm-${i}`)))._unsafeUnwrap()));
    // Ready is counted from a watch (an informer), not by listing every Cluster over and over:
    // listing 1,000 Clusters a few times a second would cost more than the operators do
    let reported = started;
    for (;;) {
      const list = clusters.store.list();
      const ready = list.filter((c) => c.status?.phase === 'Ready').length;
      if (ready === n) return (performance.now() - started) / 1000;
      // progress on stderr every 10 s, so a large run shows its rate while it goes
      if (performance.now() - reported >= 10_000) {
        reported = performance.now();
        process.stderr.write(`  kvm-clusters: ${ready}/${n} Ready after ${((reported - started) / 1000).toFixed(0)} s; waiting: ${waitingFor(list)}\n`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    watching.abort();
  }
}

/** What the Clusters not Ready wait for: their first false condition, by reason. */
function waitingFor(list: readonly Persisted<Cluster>[]): string {
  const waiting = new Map<string, number>();
  for (const c of list) {
    const first = c.status?.conditions?.find((k) => k.type !== 'Ready' && k.status !== 'True');
    const what = first ? `${first.type}=${first.reason}` : (c.status?.phase ?? 'no status');
    if (c.status?.phase !== 'Ready') waiting.set(what, (waiting.get(what) ?? 0) + 1);
  }
  return [...waiting].map(([w, k]) => `${w} ${k}`).join(', ');
}

/** The operators' own cost per cluster: their thread's CPU from created to Ready, and the heap they keep per managed Cluster. */
function costFigures(n: number, cpu: { operators?: number; others: number }, heapBytes: number | undefined): Figure[] {
  return [
    ...(cpu.operators === undefined
      ? []
      : [
          {
            name: `operators' CPU per KVM Cluster, created → Ready (${n} clusters; target ≤ 50 ms)`,
            value: cpu.operators / n,
            unit: 'ms',
            baseline: 50,
            ratio: cpu.operators / n / 50,
          },
        ]),
    { name: `fakes' and other threads' CPU per KVM Cluster (${n} clusters)`, value: cpu.others / n, unit: 'ms' },
    ...(heapBytes === undefined
      ? []
      : [
          {
            name: `operators' heap per managed KVM Cluster (${n} clusters; target ≤ 150 KB)`,
            value: heapBytes / 1024 / n,
            unit: 'KB',
            baseline: 150,
            ratio: heapBytes / 1024 / n / 150,
          },
        ]),
  ];
}

export async function run({ quick }: { quick: boolean }): Promise<Figure[]> {
  // one size or several (`KVM_BENCH_CLUSTERS=100,1000`), each on a fresh world
  const sizes = (process.env.KVM_BENCH_CLUSTERS ?? (quick ? '10' : '100')).split(',').map(Number);
  const figures: Figure[] = [];
  for (const n of sizes) figures.push(...(await runSize(n)));
  return figures;
}

/** The figures of `n` Clusters, on a world of their own. */
async function runSize(n: number): Promise<Figure[]> {
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
    await world.clearRequests();
    const heapBefore = await heapAfterGc();
    const [threadBefore, processBefore] = [threadCpuMs(), processCpuMs()];
    const seconds = await createAllReady(world, n);
    const [threadAfter, processAfter] = [threadCpuMs(), processCpuMs()];
    const operatorsCpu = threadBefore === undefined || threadAfter === undefined ? undefined : threadAfter - threadBefore;
    const cpu = { ...(operatorsCpu === undefined ? {} : { operators: operatorsCpu }), others: processAfter - processBefore - (operatorsCpu ?? 0) };
    await world.settle({ timeoutMs: 60_000 });
    const heapAfter = await heapAfterGc(); // before this bench holds the request log
    const operator = (await world.requests()).filter(operators);
    const writes = operator.filter((r) => WRITES.has(r.verb)).length / n;
    const minimum = minimumWrites('kvm-0');
    const vault = await world.vaultRequests();
    const vaultWrites = vault.filter((r) => r.operation !== 'read' && r.operation !== 'list').length / n;
    const minimumVault = minimumVaultWrites('kvm-0');
    // steady state: a full resync of every Cluster must write nothing
    await world.clearRequests();
    for (const controller of world.clusterControllers) controller.resync();
    await new Promise((r) => setTimeout(r, Math.max(2000, n * 10)));
    const steadyWrites = (await world.requests()).filter((r) => WRITES.has(r.verb)).length;
    return [
      { name: `${n} KVM Clusters created → Ready (simulated host)`, value: n / seconds, unit: 'clusters/s' },
      ...costFigures(n, cpu, heapBefore === undefined || heapAfter === undefined ? undefined : heapAfter - heapBefore),
      { name: `host API requests per KVM Cluster (operators)`, value: operator.length / n, unit: 'requests' },
      { name: `host API writes per KVM Cluster (operators)`, value: writes, unit: 'writes', baseline: minimum, ratio: writes / minimum },
      { name: `Vault requests per KVM Cluster (operators)`, value: vault.length / n, unit: 'requests' },
      { name: `Vault writes per KVM Cluster (operators)`, value: vaultWrites, unit: 'writes', baseline: minimumVault, ratio: vaultWrites / minimumVault },
      { name: `steady state: writes in a full resync of ${n} KVM Clusters (target 0)`, value: steadyWrites, unit: 'writes' },
    ];
  } finally {
    await world.stop();
  }
}

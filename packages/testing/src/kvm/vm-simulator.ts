/**
 * The VM simulator: what the KVM driver's VMs would do on a simulated host, without QEMU. It
 * watches the host's VM pods (`app.kubernetes.io/component=vm`, every namespace) through the
 * SDK's informers and answers through the API, as the launcher and the guest's kubelets would:
 *
 * - **Addresses**: once a VM pod runs (phase Running, bound, not terminating, every container
 *   running) for `addressDelayMs`, it gets the annotation `kvm.kubeception.io/vm-ip`. Cluster `i`
 *   (in order of first sight) owns `10.128.0.0/9`'s i-th /24; nodes get `.2`, `.3`, … in order of
 *   first sight and keep their address across VM replacements.
 * - **Guest clusters** are told apart by their VM pods' host namespace (the driver's
 *   `<cluster-id>`): that is the `cluster` of every method and of the history, so two Clusters
 *   `demo` in two namespaces are two guests. The driver's targets name a Cluster by namespace and
 *   name; `connector()` maps them with the SDK's `clusterId`.
 * - **Guest API servers**: one plain-HTTP `startFakeKube()` per guest cluster, started when its
 *   first VM pod appears and stopped when its host namespace is gone (`guest`, `kubeConfigFor`).
 * - **Guest Nodes**: an annotated running VM registers its Node (hostname, control-plane role or
 *   pool label, `nodeInfo.kubeletVersion` from the pod's `kvm.kubeception.io/kubernetes-version`,
 *   the VM address as InternalIP), Ready=False until `nodeReadyDelayMs` after the VM started, then
 *   Ready=True (`KubeletReady`). When the VM stops (pod deleted, terminating, failed or
 *   crash-looping) the conditions go `Unknown` with `NodeStatusUnknown` / "Kubelet stopped posting
 *   node status.". A new VM of the same node brings it back with its own version. The simulator
 *   never deletes Nodes; one deleted while its VM runs comes back only with the next VM (a kubelet
 *   registers once).
 * - **Workload pods**: `workloadPodsPerWorker` pods in the guest's `default` namespace, bound and
 *   Running, once per worker node name when it first turns Ready, so a drain has something to
 *   evict. Deleted ones are not made again.
 * - **History** of what happened, in clock time: VMs started and stopped, Nodes Ready and not,
 *   cordoned and uncordoned (whoever did it), workload pods drained.
 *
 * ### What it does not model
 * Booting (a VM is "up" as soon as its pod runs), DHCP, the launcher's own readiness (pod
 * readiness is ignored: `kubelet.unready` leaves the VM running), a guest's control plane (the
 * guest API server exists as soon as any VM pod appears, masters or not), TLS and authentication
 * on guest servers unless `guestTls` is on (then the cluster's `api` certificate is served and
 * only the common name of a client certificate of the cluster's CA is read; no RBAC), guest pods other than the
 * workload pods (drains evict them through the guest server's `pods/eviction`), the node lifecycle's grace period and taints
 * (conditions go Unknown at once), node leases, capacity from the VM's size (every guest Node has
 * 2 CPUs, 4Gi), the pool's Node labels from the Cluster spec, and network reachability.
 *
 * @example
 * ```ts
 * const host = await startSimulatedHost({ nodes: 3, clock: createSimulatedClock() });
 * const vms = await startVmSimulator(host);
 * // ... run the KVM driver against host.kubeConfig, connecting to guests with vms.kubeConfigFor(name) ...
 * await vms.settle();
 * expect(vms.history().filter((e) => e.type === 'node-ready')).toHaveLength(2);
 * await vms.stop();
 * await host.stop();
 * ```
 * @packageDocumentation
 */
import { certificateSecretName, clusterId, Component, Label } from '@kubeception/sdk';
import { createKubeClient, NamespaceResource, PodResource, SecretResource, type KubeClient } from '@kubeception/sdk/kube';
import { InformerCache } from '@kubeception/sdk/runtime';
import type { KubeConfig } from '@kubernetes/client-node';
import type { FakeKube, ServingCertificate } from '../fake-kube/server.js';
import { failureLog, type SimulationFailure } from '../simulated-host/failure-log.js';
import type { SimulatedHost } from '../simulated-host/host.js';
import { Loop } from '../simulated-host/loop.js';
import { settleWhen } from '../simulated-host/settle.js';
import { GuestRegistry } from './guest-cluster.js';
import { VmAddressBook } from './vm-addresses.js';
import { syncNode, type SyncContext } from './vm-node-sync.js';
import { guestNodeChanged, guestPodChanged, NodeStates, watchHost, type Recorder } from './vm-node-states.js';
import { VM_POD_SELECTOR, type VmEvent } from './vm-vocabulary.js';

/** Options of {@link startVmSimulator}. Times are in `host.clock` milliseconds. */
export interface VmSimulatorOptions {
  /** From a VM pod running to its `vm-ip` annotation. @default 0 */
  readonly addressDelayMs?: number;
  /** From a VM pod running to its guest Node turning Ready. @default 0 */
  readonly nodeReadyDelayMs?: number;
  /** Workload pods put on each guest worker when it first turns Ready. @default 1 */
  readonly workloadPodsPerWorker?: number;
  /** Bookmark interval of the guest API servers (client-node's watches give up after 30 s of silence). @default 10_000 */
  readonly guestBookmarkIntervalMs?: number;
  /**
   * Guest API servers serve HTTPS with the cluster's `api` certificate (from the `<cluster>-api`
   * Secret the driver copies into the host namespace, which the VMs mount) and authenticate
   * clients by certificates of the cluster's CA, as a guest's kube-apiserver does: reach them with
   * the driver's `adminCertificateConnector({ dial: (t) => vms.guestAddress(clusterId(t)) })`, or
   * through a TLS passthrough routing by {@link VmSimulator.guestAddressByServerName} (as
   * `serveFakes` does), not with `connector()`. @default false (plain HTTP, credentials not checked)
   */
  readonly guestTls?: boolean;
  /** Nodes reconciled at once. @default 8 */
  readonly concurrency?: number;
  /** Told about unexpected failures (they are retried). @default kept in `failures()` */
  readonly onError?: (component: string, key: string, error: unknown) => void;
}

/** A running VM simulator. */
export interface VmSimulator {
  /** The kubeconfig of a guest cluster's API server (by host namespace, `<cluster-id>`), once started. */
  kubeConfigFor(cluster: string): KubeConfig | undefined;
  /**
   * A guest connector for the KVM driver (`createKvmDriver({ guest })`): a client of the guest's
   * API server by the target Cluster's ID (`clusterId` of its namespace and name), once it runs
   * and the target carries the admin certificate, as `adminCertificateConnector` needs (one client
   * per server; the certificate is not checked).
   */
  connector(): (target: { readonly name: string; readonly namespace: string; readonly admin?: object }) => KubeClient | undefined;
  /** Where a guest's API server listens (127.0.0.1 and its port), once started. */
  guestAddress(cluster: string): { readonly host: string; readonly port: number } | undefined;
  /**
   * With `guestTls`: where the guest API server whose certificate is for `serverName` listens (the
   * cluster's `api` certificate: its API domain, as a TLS client matches names), as an ingress
   * controller's TLS passthrough routes by the server name. `undefined` when no running guest
   * serves that name, or more than one does (`kubernetes.default`, or two Clusters with one domain).
   */
  guestAddressByServerName(serverName: string): { readonly host: string; readonly port: number } | undefined;
  /** The API server of a guest cluster, once started (its faults and request log included). */
  guest(cluster: string): FakeKube | undefined;
  /** Clusters whose guest API server runs. */
  clusters(): string[];
  /** The address given to a guest node, if it has one. */
  addressOf(cluster: string, node: string): string | undefined;
  /** Everything observed so far, in order. */
  history(): readonly VmEvent[];
  /**
   * Resolves once the host has settled (`host.settle()`) and the simulator has seen every change
   * on the host and the guests and has nothing left to do now (timers waiting for the clock do
   * not count); rejects after `timeoutMs` of wall time.
   */
  settle(options?: { readonly timeoutMs?: number }): Promise<void>;
  /** The most recent 100 failures. */
  failures(): readonly SimulationFailure[];
  /** Stops watching and every guest API server (not the host). */
  stop(): Promise<void>;
}

/**
 * Starts the VM simulator on a simulated host (see the module documentation for what it does).
 * Resolves once it has seen the host's current VM pods.
 */
export async function startVmSimulator(host: SimulatedHost, options: VmSimulatorOptions = {}): Promise<VmSimulator> {
  const log = failureLog(options.onError);
  const history: VmEvent[] = [];
  const record: Recorder = (event) => history.push({ at: host.clock.now(), ...event });
  const states = new NodeStates();
  const lifetime = new AbortController();
  const client = host.kube.localClient({ fieldManager: 'kubeception-vm-simulator' });
  const cache = new InformerCache(client, lifetime.signal);
  const pods = cache.get(PodResource, { labelSelector: VM_POD_SELECTOR });
  const namespaces = cache.get(NamespaceResource);
  const addresses = new VmAddressBook();
  const guests = new GuestRegistry(
    {
      bookmarkIntervalMs: options.guestBookmarkIntervalMs ?? 10_000,
      ...(options.guestTls ? { serving: (_cluster: string, namespace: string) => servingCertificate(client, namespace) } : {}),
      listener: {
        onNode: (cluster, e) => guestNodeChanged(states, record, cluster, e),
        onPod: (cluster, e) => guestPodChanged(states, record, cluster, e),
      },
    },
    log.onError,
  );
  const loop: Loop = new Loop({
    name: 'vm-simulator',
    clock: host.clock,
    concurrency: options.concurrency ?? 8,
    onError: log.onError,
    reconcile: async (key) => {
      const state = states.get(key);
      return state ? syncNode(ctx, state) : 'done';
    },
  });
  const ctx: SyncContext = {
    clock: host.clock,
    pods,
    podClient: client.resource(PodResource),
    addresses,
    guests,
    addressDelayMs: options.addressDelayMs ?? 0,
    nodeReadyDelayMs: options.nodeReadyDelayMs ?? 0,
    workloadPodsPerWorker: options.workloadPodsPerWorker ?? 1,
    record,
    wake: (key, ms) => loop.addAfter(key, ms),
    onError: log.onError,
  };
  watchHost(pods, namespaces, states, guests, (key) => loop.add(key));
  await Promise.all([pods.synced(), namespaces.synced()]);
  loop.start();
  return vmSimulator({ host, cache, guests, addresses, history, loop, failures: log.failures, lifetime });
}

/** The parts of a running simulator its handle reads. */
interface Running {
  readonly host: SimulatedHost;
  readonly cache: InformerCache;
  readonly guests: GuestRegistry;
  readonly addresses: VmAddressBook;
  readonly history: readonly VmEvent[];
  readonly loop: Loop;
  readonly failures: () => readonly SimulationFailure[];
  readonly lifetime: AbortController;
}

/** The handle of a running simulator. */
function vmSimulator({ host, cache, guests, addresses, history, loop, failures, lifetime }: Running): VmSimulator {
  return {
    kubeConfigFor: (cluster) => guests.get(cluster)?.kube.kubeConfig,
    connector: () => guestConnector(guests),
    guest: (cluster) => guests.get(cluster)?.kube,
    guestAddress: (cluster) => addressOf(guests.get(cluster)?.kube.url),
    guestAddressByServerName: (serverName) => {
      const serving = guests.all().filter((g) => g.serves(serverName));
      return serving.length === 1 ? addressOf(serving[0]?.kube.url) : undefined;
    },
    clusters: () => guests.all().map((g) => g.name),
    addressOf: (cluster, node) => addresses.peek(cluster, node),
    history: () => [...history],
    settle: ({ timeoutMs = 10_000 } = {}) =>
      settleWhen('VM simulator', timeoutMs, async (deadline) => {
        await host.settle({ timeoutMs: Math.max(1, deadline - Date.now()) });
        const signature = signatureOf(host, guests, history);
        // Every guest is asked (no short-circuit), so lagging ones start their check at once.
        const guestsCaughtUp = guests.all().reduce((all, g) => g.caughtUp() && all, true);
        return { quiet: hostCaughtUp(host, cache) && guestsCaughtUp && loop.idle() && !guests.busy(), signature };
      }),
    failures,
    async stop() {
      await loop.stop();
      lifetime.abort();
      await guests.stopAll();
    },
  };
}

/** Whether the simulator's informers have seen every write to the host so far. */
function hostCaughtUp(host: SimulatedHost, cache: InformerCache): boolean {
  const target = Number(host.kube.resourceVersion());
  return cache.all().every((i) => Number(i.state().resourceVersion) >= target);
}

/** Changes whenever the host, a guest or the history moves on. */
function signatureOf(host: SimulatedHost, guests: GuestRegistry, history: readonly VmEvent[]): string {
  let sum = 0;
  const all = guests.all();
  for (const g of all) sum += g.revision();
  return `${host.kube.resourceVersion()}|${all.length}|${sum}|${history.length}`;
}

/** A connector of clients to guests by the target Cluster's ID, once the guest runs and the target has an admin certificate (one client per server). */
function guestConnector(guests: GuestRegistry): ReturnType<VmSimulator['connector']> {
  const clients = new Map<string, KubeClient>();
  return (target) => {
    const id = clusterId(target);
    const kubeConfig = guests.get(id)?.kube.kubeConfig;
    if (kubeConfig === undefined || target.admin === undefined) return undefined;
    let client = clients.get(id);
    if (client === undefined || client.kubeConfig !== kubeConfig)
      clients.set(id, (client = createKubeClient({ kubeConfig, qps: 0, retry: { maxAttempts: 1 } })));
    return client;
  };
}

/** Host and port of a server's URL. */
function addressOf(url: string | undefined): { host: string; port: number } | undefined {
  if (url === undefined) return undefined;
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port) };
}

/** The label naming the Cluster on the KVM driver's copies of its certificate Secrets (`kubeception.io/cluster` on copies written before it). */
const COPY_CLUSTER_LABEL = 'kvm.kubeception.io/cluster-name';

/** The `api` certificate of a cluster, from the Secret copy in its host namespace (`<cluster-name>-api`, the name from its label). */
async function servingCertificate(client: KubeClient, namespace: string): Promise<ServingCertificate> {
  const copies = await client
    .resource(SecretResource)
    .list({ namespace })
    .map((list) => list.items)
    .unwrapOr([]);
  const clusterOf = (s: (typeof copies)[number]) => s.metadata.labels?.[COPY_CLUSTER_LABEL] ?? s.metadata.labels?.[Label.Cluster];
  const cluster = copies.map(clusterOf).find((name) => name !== undefined) ?? '';
  const name = certificateSecretName({ spec: { clusterRef: { name: cluster }, component: Component.Api } });
  const secret = copies.find((s) => s.metadata.name === name);
  const [certificate, privateKey, caCertificate] = ['tls.crt', 'tls.key', 'ca.crt'].map((key) =>
    Buffer.from(secret?.data?.[key] ?? '', 'base64').toString('utf8'),
  );
  if (!certificate || !privateKey || !caCertificate) throw new Error(`guest ${cluster}: no api certificate in ${namespace}/${name} yet`);
  return { certificate, privateKey, caCertificate };
}

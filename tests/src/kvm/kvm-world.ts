/**
 * A simulated host, fake Vault, the VM simulator and the Cluster controller on the KVM driver,
 * for KVM tests and benches: kubeception inside the test suite.
 */
import {
  adminCertificateConnector,
  createMemoryNetworkStore,
  kvmOperatorControllers,
  provider as kvmProvider,
  type GuestConnector,
  type NetworkStore,
} from '@kubeception/driver-kvm';
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterResource, clusterId, kubeceptionCrds, type Cluster, type ClusterInput } from '@kubeception/sdk';
import { createKubeClient, NamespaceResource, SecretResource, type KubeClient, type ResourceClient } from '@kubeception/sdk/kube';
import { createManager, type Controller, type Manager } from '@kubeception/sdk/runtime';
import { certOperatorControllers, createVaultPki } from '@kubeception/pki-vault';
import {
  startFakeVault,
  startSimulatedHost,
  startVmSimulator,
  type SimulatedHost,
  type SimulatedNodeSpec,
  type StartedFakeVault,
  type VmSimulator,
  type VmSimulatorOptions,
} from '@kubeception/testing';
import vault from 'node-vault';
import { pino } from 'pino';
import { clusterPki, type DesiredPki } from '@kubeception/sdk/cluster';

/** Namespace of the operators (and the network ledger). */
export const OPERATOR_NAMESPACE = 'kubeception-system';
/** The flannel store's client TLS Secret in {@link OPERATOR_NAMESPACE}. */
export const FLANNEL_TLS_SECRET = 'flannel-etcd-client';

/** A KVM world: its fakes and its operators, with a client of the host. */
export interface KvmWorld extends KvmFakes, KvmOperators {
  /** A client of the host API (not an operator's). */
  readonly kube: KubeClient;
  /** The host's Clusters, through {@link kube}. */
  clusters(): ResourceClient<Cluster, ClusterInput>;
  /** Stops the operators, then the fakes. */
  stop(): Promise<void>;
}

export interface KvmWorldOptions {
  /** Host nodes (all labelled as VM hosts). @default 4 */
  readonly nodes?: number;
  /** Operator replicas, each a manager with the Cluster controller (leader election off: they race). @default 1 */
  readonly replicas?: number;
  readonly vms?: VmSimulatorOptions;
  readonly captureLogs?: boolean;
  /** @default 300_000 */
  readonly drainTimeoutMs?: number;
  /** Cluster controller workers per replica. @default 8 */
  readonly concurrency?: number;
  /** @default 200 */
  readonly recheckMs?: number;
  /**
   * `authority-only` gives each Cluster its CertificateAuthority but no component Certificates:
   * for tests about many clusters' networks, where issuing 7 certificates per cluster in one
   * process would only add minutes. Its Clusters never become Ready: the driver waits for the
   * component certificate Secrets its VMs mount. @default 'full'
   */
  readonly pki?: 'full' | 'authority-only';
  /** Size of each host node. @default '8' and '32Gi' */
  readonly hostCpu?: string;
  readonly hostMemory?: string;
  /** Pods each host node takes. @default 250 */
  readonly hostPods?: number;
  /** Requests the host API server and the fake Vault each keep in their logs. @default 100_000 (host), 10,000 (Vault) */
  readonly requestLogLimit?: number;
  /** How long a VM pod takes to stop after SIGTERM (the guest's ACPI shutdown). @default 200 */
  readonly vmStopMs?: number;
  /** Wraps each replica's host client (e.g. to count its writes). @default none */
  readonly operatorClient?: (kube: KubeClient) => KubeClient;
}

/** The fakes of a KVM world: the simulated host (with the operator namespace and the flannel TLS Secret), fake Vault and the VM simulator. */
export interface KvmFakes {
  /** The simulated host: API server, VM-host nodes, scheduler, kubelet, workload controllers. */
  readonly host: SimulatedHost;
  /** The fake Vault the PKI controllers issue from. */
  readonly vault: StartedFakeVault;
  /** The VM simulator: VM addresses and a guest API server per guest cluster. */
  readonly vms: VmSimulator;
  stop(): Promise<void>;
}

/** Starts the fakes of a KVM world, without operators. */
export async function startKvmFakes(options: KvmWorldOptions = {}): Promise<KvmFakes> {
  const nodes: SimulatedNodeSpec[] = Array.from({ length: options.nodes ?? 4 }, (_, i) => ({
    name: `host-${i}`,
    cpu: options.hostCpu ?? '8',
    memory: options.hostMemory ?? '32Gi',
    pods: options.hostPods ?? 250,
    labels: { 'kubeception.io/vm-host': 'true' },
  }));
  // a guest powers off on ACPI shutdown in moments, not the 120 s grace period
  const host = await startSimulatedHost({
    crds: kubeceptionCrds({ providers: [kvmProvider] }),
    nodes,
    kubelet: { stopDelayMs: options.vmStopMs ?? 200 },
    ...(options.requestLogLimit ? { requestLogLimit: options.requestLogLimit } : {}),
  });
  const vault = await startFakeVault({ maxLeaseTtl: '876000h', ...(options.requestLogLimit ? { requestLogLimit: options.requestLogLimit } : {}) });
  const vms = await startVmSimulator(host, options.vms);
  await prepareOperatorNamespace(host.kubeConfig);
  return {
    host,
    vault,
    vms,
    stop: async () => {
      await vms.stop();
      await vault.close();
      await host.stop();
    },
  };
}

/** Creates the operators' namespace with the flannel store's client TLS Secret, which the driver copies into every cluster's namespace. */
export async function prepareOperatorNamespace(kubeConfig: KubeConfig): Promise<void> {
  const kube = createKubeClient({ kubeConfig, qps: 0 });
  const operatorNamespace = await kube.resource(NamespaceResource).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: OPERATOR_NAMESPACE } });
  operatorNamespace._unsafeUnwrap();
  const flannelTls = await kube.resource(SecretResource).create({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { name: FLANNEL_TLS_SECRET, namespace: OPERATOR_NAMESPACE },
    data: {
      'tls.crt': Buffer.from('flannel client certificate').toString('base64'),
      'tls.key': Buffer.from('flannel client key').toString('base64'),
      'ca.crt': Buffer.from('etcd CA').toString('base64'),
    },
  });
  flannelTls._unsafeUnwrap();
}

/** How a KVM world's flanneld reaches its store: the driver's `flannel` option. */
export const KVM_WORLD_FLANNEL = { etcdEndpoints: ['https://flannel-etcd.kubeception-system.svc:2379'], etcdTlsSecretName: FLANNEL_TLS_SECRET };

/** Where the operators of a KVM world find the fakes. */
export interface KvmFakeEndpoints {
  readonly hostKubeConfig: KubeConfig;
  readonly vaultUrl: string;
  readonly vaultToken: string;
  readonly guest: GuestConnector;
}

/** The operators of a KVM world: a manager per replica, each with the Cluster controller (replica 0 also runs the PKI controllers). */
export interface KvmOperators {
  /** The flannel store the replicas share (in memory). */
  readonly store: NetworkStore;
  /** A manager per replica. */
  readonly managers: readonly Manager[];
  /** The Cluster controller of each replica. */
  readonly clusterControllers: readonly Controller[];
  /** Operator log lines (with `captureLogs`). */
  logs(): string;
  stop(): Promise<void>;
}

/** The User-Agent of a KVM world's operators (`kvm-operator/<replica>`): their requests in the host's request log. */
export const KVM_OPERATOR_AGENT = 'kvm-operator';

/** `authority-only` (see {@link KvmWorldOptions.pki}): a Cluster's CertificateAuthority, no Certificates. */
const authorityOnly: DesiredPki = (cluster) => ({ authority: clusterPki(cluster).authority, certificates: [] });

/** Starts the operators of a KVM world against its fakes. */
export function startKvmOperators(fakes: KvmFakeEndpoints, options: KvmWorldOptions = {}): KvmOperators {
  const store = createMemoryNetworkStore();
  const logs: string[] = [];
  const pki = createVaultPki({ client: vault({ endpoint: fakes.vaultUrl, token: fakes.vaultToken, noCustomHTTPVerbs: true }) });
  const logger = options.captureLogs ? pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) }) : pino({ level: 'silent' });
  const clusterControllers: Controller[] = [];
  const managers = Array.from({ length: options.replicas ?? 1 }, (_, replica) => {
    const client = createKubeClient({
      kubeConfig: fakes.hostKubeConfig,
      qps: 0,
      retry: { maxAttempts: 3, baseMs: 20, maxMs: 200, jitter: 0.5 },
      userAgent: `${KVM_OPERATOR_AGENT}/${replica}`,
    });
    const kube = options.operatorClient ? options.operatorClient(client) : client;
    const [clusters] = kvmOperatorControllers({
      kube,
      networkStore: store,
      flannel: KVM_WORLD_FLANNEL,
      ledgerNamespace: OPERATOR_NAMESPACE,
      guest: fakes.guest,
      drainTimeoutMs: options.drainTimeoutMs ?? 300_000,
      recheckMs: options.recheckMs ?? 200,
      pki: options.pki === 'authority-only' ? authorityOnly : clusterPki,
      concurrency: options.concurrency ?? 8,
    });
    clusterControllers.push(clusters);
    // replica 0 also runs the PKI controllers
    const certificates = replica === 0 ? certOperatorControllers({ pki, authorityConcurrency: 8, certificateConcurrency: 16 }) : [];
    return createManager({ kube, controllers: [clusters, ...certificates], shutdownTimeoutMs: 2000, logger: logger.child({ replica }) });
  });
  for (const manager of managers) void manager.start();
  return {
    store,
    managers,
    clusterControllers,
    logs: () => logs.join(''),
    stop: async () => {
      for (const manager of managers) await manager.stop();
    },
  };
}

/** Starts a KVM world: its fakes, then its operators on them. */
export async function startKvmWorld(options: KvmWorldOptions = {}): Promise<KvmWorld> {
  const fakes = await startKvmFakes(options);
  const { host, vault: vaultServer, vms } = fakes;
  // HTTPS guests are reached as a real operator reaches them: with the admin certificate, verifying
  // the guest's certificate for the API domain, dialing where the simulator's server listens
  const guest = options.vms?.guestTls ? adminCertificateConnector({ dial: (target) => vms.guestAddress(clusterId(target)) }) : vms.connector();
  const operators = startKvmOperators({ hostKubeConfig: host.kubeConfig, vaultUrl: vaultServer.url, vaultToken: vaultServer.rootToken, guest }, options);
  const kube = createKubeClient({ kubeConfig: host.kubeConfig, qps: 0 });
  return {
    ...fakes,
    ...operators,
    kube,
    clusters: () => kube.resource(ClusterResource),
    stop: async () => {
      await operators.stop();
      await fakes.stop();
    },
  };
}

/**
 * The host namespace of the Cluster `namespace/name` (its cluster ID): where the driver puts its
 * VMs, and the name the VM simulator knows the guest by.
 */
export const hostNamespace = (name: string, namespace = 'default') => clusterId({ namespace, name });

/** A small KVM Cluster (in namespace `default` unless `namespace` is set): 1 master, `workers` workers of 1 CPU / 1Gi. */
export function kvmClusterInput(
  name: string,
  options: {
    readonly workers?: number;
    readonly version?: string;
    readonly kvm?: Record<string, unknown>;
    readonly flannel?: Record<string, unknown>;
    readonly namespace?: string;
  } = {},
): ClusterInput {
  return {
    apiVersion: 'kubeception.io/v1alpha1',
    kind: 'Cluster',
    metadata: { name, namespace: options.namespace ?? 'default' },
    spec: {
      provider: { kvm: { nodeSelector: { 'kubeception.io/vm-host': 'true' }, ...options.kvm } },
      kubernetes: { version: options.version ?? '1.33.1', api: { domain: `api.${name}.k8s.example.com` } },
      ingress: { domain: `${name}.k8s.example.com` },
      network: { podCIDR: '10.2.0.0/16', ...(options.flannel ? { flannel: options.flannel } : {}) },
      masters: { replicas: 1, cpus: 1, memory: '1Gi', disk: '10Gi' },
      workers: (options.workers ?? 1) > 0 ? [{ name: 'pool', replicas: options.workers ?? 1, cpus: 1, memory: '1Gi', disk: '10Gi' }] : [],
    },
  } as unknown as ClusterInput;
}

/**
 * `--embedded`: a simulated host (API server, nodes labelled as VM hosts, scheduler, kubelet,
 * workload controllers), a fake Vault, the VM simulator (VM addresses, one guest API server per
 * guest cluster, on HTTPS as a guest's kube-apiserver) and an in-memory flannel store, all
 * in-process, with the sample KVM Cluster.
 */
import { readFileSync } from 'node:fs';
import { adminCertificateConnector, createMemoryNetworkStore, provider as kvm, type MemoryNetworkStore } from '@kubeception/driver-kvm';
import { ClusterResource, clusterId, kubeceptionCrds, type ClusterInput } from '@kubeception/sdk';
import { createKubeClient, NamespaceResource, type KubeClient, type KubeError } from '@kubeception/sdk/kube';
import { startFakeVault, startSimulatedHost, startVmSimulator, type SimulatedHost, type StartedFakeVault, type VmSimulator } from '@kubeception/testing';
import vault from 'node-vault';
import { parse } from 'yaml';
import type { OperatorOptions } from './operator.js';

type KubeConfig = KubeClient['kubeConfig'];

/** The sample Cluster: `examples/samples/valid/cluster-kvm.yaml`. */
export const SAMPLE = { name: 'demo', namespace: 'default' } as const;

/** Label of the host nodes that may run VMs (the sample's `nodeSelector`). */
export const VM_HOST_LABEL = 'kubeception.io/vm-host';

/** Options of {@link startEmbeddedKvm}. */
export interface EmbeddedKvmOptions {
  /** Host nodes, all VM hosts (8 CPUs, 32Gi each). @default 4 (the sample's 3 VMs need 3: one VM per host and cluster) */
  readonly nodes?: number;
  /** The operator's namespace (leader election, network ledger). @default 'kubeception' */
  readonly operatorNamespace?: string;
  /** Create the sample Cluster. @default true */
  readonly sample?: boolean;
}

/** The embedded world. */
export interface EmbeddedKvm {
  readonly host: SimulatedHost;
  readonly fakeVault: StartedFakeVault;
  readonly vms: VmSimulator;
  readonly store: MemoryNetworkStore;
  /** A client for the bootstrap and for watching progress (not the operator's). */
  readonly kube: KubeClient;
  readonly operatorNamespace: string;
  /** Everything `createOperator` needs on this world (the PKI controllers too), with the operator's own client on `kubeConfig` (default: the host's). */
  operatorOptions(kubeConfig?: KubeConfig): OperatorOptions;
  stop(): Promise<void>;
}

/** The bootstrap cannot go on without this step: fail loudly. */
const fatal =
  (what: string) =>
  (error: KubeError): never => {
    throw new Error(`could not ${what}: ${error.message}`);
  };

/** A client for the in-process fakes: no rate limit, few and short retries. */
export const embeddedClient = (kubeConfig: KubeConfig): KubeClient =>
  createKubeClient({ kubeConfig, qps: 0, retry: { maxAttempts: 3, baseMs: 20, maxMs: 200, jitter: 0.5 } });

/** Starts the fakes, creates the operator's namespace and (by default) the sample KVM Cluster. */
export async function startEmbeddedKvm(options: EmbeddedKvmOptions = {}): Promise<EmbeddedKvm> {
  const operatorNamespace = options.operatorNamespace ?? 'kubeception';
  const nodes = Array.from({ length: options.nodes ?? 4 }, (_, i) => ({ name: `host-${i}`, labels: { [VM_HOST_LABEL]: 'true' } }));
  // a guest powers off on its ACPI shutdown in moments, not in the VM pod's 120 s grace period
  const host = await startSimulatedHost({ crds: kubeceptionCrds({ providers: [kvm] }), nodes, kubelet: { stopDelayMs: 200 } });
  const fakeVault = await startFakeVault({ maxLeaseTtl: '876000h' });
  // guest API servers on HTTPS with each cluster's api certificate, checking client certificates
  const vms = await startVmSimulator(host, { guestTls: true });
  const store = createMemoryNetworkStore();
  const kube = createKubeClient({ kubeConfig: host.kubeConfig, qps: 0 });
  await kube
    .resource(NamespaceResource)
    .create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: operatorNamespace } })
    .match((n) => n, fatal(`create namespace ${operatorNamespace}`));
  if (options.sample ?? true) {
    const sample = parse(readFileSync(new URL('../../samples/valid/cluster-kvm.yaml', import.meta.url), 'utf8')) as ClusterInput;
    await kube
      .resource(ClusterResource)
      .create(sample)
      .match((c) => c, fatal('create the sample Cluster'));
  }
  // as in production: the admin certificate, the guest's certificate verified for the API domain,
  // dialing where the simulator's server listens (the endpoint's name does not resolve here)
  const guest = adminCertificateConnector({ dial: (target) => vms.guestAddress(clusterId(target)) });
  const vaultClient = vault({ endpoint: fakeVault.url, token: fakeVault.rootToken, noCustomHTTPVerbs: true });
  return {
    host,
    fakeVault,
    vms,
    store,
    kube,
    operatorNamespace,
    operatorOptions: (kubeConfig = host.kubeConfig) => ({
      kube: embeddedClient(kubeConfig),
      networkStore: store,
      // what flanneld would be told; nothing dials it here (the memory store stands in for etcd)
      flannel: { etcdEndpoints: [`http://flannel-etcd.${operatorNamespace}.svc:2379`] },
      ledgerNamespace: operatorNamespace,
      guest,
      withPki: { vault: vaultClient },
      recheckMs: 200,
      drainTimeoutMs: 30_000,
    }),
    stop: async () => {
      await vms.stop();
      await fakeVault.close();
      await host.stop();
    },
  };
}

/**
 * The in-process world of the quick start: a simulated host whose nodes are VM hosts (fake API
 * server with the Kubeception CRDs, scheduler, kubelet, workload controllers), a fake Vault, the
 * VM simulator, an in-memory flannel store, and the operators in one SDK manager: the
 * CertificateAuthority and Certificate controllers of pki-vault and the Cluster controller with
 * the KVM driver (what `examples/kvm-operator` runs with `--with-pki`; that package has no
 * exports, so its few lines of wiring are repeated here).
 */
import { createKvmDriver, createMemoryNetworkStore, provider as kvmProvider } from '@kubeception/driver-kvm';
import { clusterPki, createCertificateAuthorityController, createCertificateController, createVaultPki } from '@kubeception/pki-vault';
import { kubeceptionCrds, Label } from '@kubeception/sdk';
import { createKubeClient, isNotFound, NamespaceResource, PodResource } from '@kubeception/sdk/kube';
import { createClusterController, createManager } from '@kubeception/sdk/runtime';
import { startFakeVault, startSimulatedHost, startVmSimulator } from '@kubeception/testing';
import vault from 'node-vault';
import { pkiMount, type World, type WorldOptions } from './world.js';

/** Label of the host nodes that may run VMs (the sample's `nodeSelector`). */
export const VM_HOST_LABEL = 'kubeception.io/vm-host';
/** The operators' namespace (network ledger). */
export const OPERATOR_NAMESPACE = 'kubeception';
/** Name of the manager and the field manager of the operators' writes. */
export const OPERATOR = 'quickstart';

/** Starts the fakes and the operators; the CRDs are installed on the host as it starts. */
export async function startKvmWorld(options: WorldOptions): Promise<World> {
  const hosts = Math.max(4, options.nodes + 1);
  const nodes = Array.from({ length: hosts }, (_, i) => ({ name: `host-${i}`, cpu: '32', memory: '128Gi', pods: 250, labels: { [VM_HOST_LABEL]: 'true' } }));
  // a guest powers off on its ACPI shutdown in moments, not in the VM pod's 120 s grace period
  const host = await startSimulatedHost({ crds: kubeceptionCrds({ providers: [kvmProvider] }), nodes, kubelet: { stopDelayMs: 200 } });
  const fakeVault = await startFakeVault({ maxLeaseTtl: '876000h' });
  const vms = await startVmSimulator(host);
  const kube = createKubeClient({ kubeConfig: host.kubeConfig, qps: 0 });
  await kube
    .resource(NamespaceResource)
    .create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: OPERATOR_NAMESPACE } })
    .match(
      (n) => n,
      (e) => {
        throw new Error(`could not create namespace ${OPERATOR_NAMESPACE}: ${e.message}`);
      },
    );

  const operatorKube = createKubeClient({ kubeConfig: host.kubeConfig, qps: 0, retry: { maxAttempts: 3, baseMs: 20, maxMs: 200, jitter: 0.5 } });
  const driver = createKvmDriver({
    kube: operatorKube,
    networkStore: createMemoryNetworkStore(),
    // what flanneld would be told; nothing dials it here (the memory store stands in for etcd)
    flannel: { etcdEndpoints: [`http://flannel-etcd.${OPERATOR_NAMESPACE}.svc:2379`] },
    ledgerNamespace: OPERATOR_NAMESPACE,
    fieldManager: OPERATOR,
    guest: vms.connector(),
    recheckMs: 200,
    drainTimeoutMs: 30_000,
  });
  const pki = createVaultPki({ client: vault({ endpoint: fakeVault.url, token: fakeVault.rootToken, noCustomHTTPVerbs: true }) });
  const manager = createManager({
    name: OPERATOR,
    kube: operatorKube,
    controllers: [
      createClusterController({ driver, pki: clusterPki as never, name: OPERATOR, concurrency: 8 }),
      createCertificateAuthorityController({ pki, concurrency: 8 }),
      createCertificateController({ pki, concurrency: 16 }),
    ],
    leaderElection: false,
    shutdownTimeoutMs: 2000,
    logger: options.logger,
  });
  const running = manager.start().catch((error: unknown) => options.logger.error({ err: error }, 'manager stopped'));
  return {
    kube,
    kubeconfigYaml: host.kubeconfigYaml,
    description: `simulated host ${host.kube.url} (${hosts} VM hosts), fake Vault ${fakeVault.url}, VM simulator, operators running`,
    machines: (cluster) =>
      kube
        .resource(PodResource)
        .list({ namespace: cluster })
        .map((list) =>
          list.items.flatMap((pod) => {
            const node = pod.metadata.labels?.[Label.Node];
            return node === undefined ? [] : [{ node, host: pod.spec?.nodeName ?? '?', running: pod.status?.phase === 'Running' && !pod.metadata.deletionTimestamp }];
          }),
        )
        .unwrapOr([]),
    cleanedUp: async (cluster) =>
      !fakeVault.state.mounts().includes(pkiMount(cluster)) && (await kube.resource(NamespaceResource).get(cluster).match(() => false, isNotFound)),
    stop: async () => {
      await manager.stop();
      await running;
      await vms.stop();
      await fakeVault.close();
      await host.stop();
    },
  };
}

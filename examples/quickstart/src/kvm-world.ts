/**
 * The in-process world of the quick start: a simulated host whose nodes are VM hosts (fake API
 * server with the Kubeception CRDs, scheduler, kubelet, workload controllers), a fake Vault, the
 * VM simulator, an in-memory flannel store, and the operators in one SDK manager: the
 * CertificateAuthority and Certificate controllers of pki-vault and the Cluster controller with
 * the KVM driver (what `examples/kvm-operator` runs with `--with-pki`; that package has no
 * exports, so `operators.ts` wires them again).
 */
import { createKvmDriver, createMemoryNetworkStore, provider as kvmProvider } from '@kubeception/driver-kvm';
import { kubeceptionCrds, Label } from '@kubeception/sdk';
import { createKubeClient, isNotFound, NamespaceResource, PodResource } from '@kubeception/sdk/kube';
import { startFakeVault, startSimulatedHost, startVmSimulator } from '@kubeception/testing';
import { OPERATOR, startOperators } from './operators.js';
import { idOf, pkiMount, type World, type WorldOptions } from './world.js';

/** Label of the host nodes that may run VMs (the sample's `nodeSelector`). */
export const VM_HOST_LABEL = 'kubeception.io/vm-host';
/** The operators' namespace (network ledger). */
export const OPERATOR_NAMESPACE = 'kubeception';
export { OPERATOR } from './operators.js';

/** Starts the fakes and the operators; the CRDs are installed on the host as it starts. */
export async function startKvmWorld(options: WorldOptions): Promise<World> {
  const hosts = Math.max(4, options.nodes + 1);
  const nodes = Array.from({ length: hosts }, (_, i) => ({ name: `host-${i}`, cpu: '32', memory: '128Gi', pods: 250, labels: { [VM_HOST_LABEL]: 'true' } }));
  // a guest powers off on its ACPI shutdown in moments, not in the VM pod's 120 s grace period
  // HTTPS with a bearer token: the demo's API server (Secrets included) answers only its kubeconfig
  const host = await startSimulatedHost({ crds: kubeceptionCrds({ providers: [kvmProvider] }), nodes, kubelet: { stopDelayMs: 200 }, tls: true, bearerToken: true });
  const fakeVault = await startFakeVault({ maxLeaseTtl: '876000h', sealed: options.vaultSealed ?? false });
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

  const operators = startOperators({
    kubeConfig: host.kubeConfig,
    vault: fakeVault,
    logger: options.logger,
    driver: (operatorKube) =>
      createKvmDriver({
        kube: operatorKube,
        networkStore: createMemoryNetworkStore(),
        // what flanneld would be told; nothing dials it here (the memory store stands in for etcd)
        flannel: { etcdEndpoints: [`http://flannel-etcd.${OPERATOR_NAMESPACE}.svc:2379`] },
        ledgerNamespace: OPERATOR_NAMESPACE,
        fieldManager: OPERATOR,
        guest: vms.connector(),
        recheckMs: 200,
        drainTimeoutMs: 30_000,
      }),
  });
  return {
    kube,
    kubeconfigYaml: host.kubeconfigYaml,
    description: `simulated host ${host.kube.url} (${hosts} VM hosts), fake Vault ${fakeVault.url}, VM simulator, operators running`,
    machines: (cluster) =>
      kube
        .resource(PodResource)
        .list({ namespace: idOf(cluster) })
        .map((list) =>
          list.items.flatMap((pod) => {
            const node = pod.metadata.labels?.[Label.Node];
            return node === undefined ? [] : [{ node, host: pod.spec?.nodeName ?? '?', running: pod.status?.phase === 'Running' && !pod.metadata.deletionTimestamp }];
          }),
        )
        .unwrapOr([]),
    cleanedUp: async (cluster) =>
      !fakeVault.state.mounts().includes(pkiMount(cluster)) && (await kube.resource(NamespaceResource).get(idOf(cluster)).match(() => false, isNotFound)),
    stop: async () => {
      await operators.stop();
      await vms.stop();
      await fakeVault.close();
      await host.stop();
    },
  };
}

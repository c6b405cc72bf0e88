/**
 * The in-process world of the quick start: a simulated host whose nodes are VM hosts (fake API
 * server with the Kubeception CRDs, scheduler, kubelet, workload controllers), a fake Vault, the
 * VM simulator (its guest API servers on HTTPS, as a guest's kube-apiserver: what the guest
 * kubeconfig Secret reaches), an in-memory flannel store, and the operators in one SDK manager: driver-kvm's
 * `createKvmOperator` (the Cluster controller with the KVM driver) with the CertificateAuthority
 * and Certificate controllers of pki-vault (what `examples/kvm-operator` runs with `--with-pki`).
 */
import {
  adminCertificateConnector,
  createKvmOperator,
  createMemoryNetworkStore,
  provider as kvmProvider,
  type KvmOperatorOptions,
} from '@kubeception/driver-kvm';
import { clusterId, kubeceptionCrds, Label } from '@kubeception/sdk';
import { createKubeClient, isNotFound, NamespaceResource, PodResource, type KubeClient } from '@kubeception/sdk/kube';
import { startFakeVault, startSimulatedHost, startVmSimulator, type VmSimulator } from '@kubeception/testing';
import { startOperators } from './operators.js';
import { idOf, pkiMount, type Machine, type World, type WorldOptions } from './world.js';

/** Label of the host nodes that may run VMs (the sample's `nodeSelector`). */
export const VM_HOST_LABEL = 'kubeception.io/vm-host';
/** The operators' namespace (network ledger). */
export const OPERATOR_NAMESPACE = 'kubeception';
export { OPERATOR } from './operators.js';

/** Starts the fakes and the operators; the CRDs are installed on the host as it starts. */
export async function startKvmWorld(options: WorldOptions): Promise<World> {
  const hosts = Math.max(4, options.nodes + 1);
  // a guest powers off on its ACPI shutdown in moments, not in the VM pod's 120 s grace period
  // HTTPS with a bearer token: the demo's API server (Secrets included) answers only its kubeconfig
  const host = await startSimulatedHost({
    crds: kubeceptionCrds({ providers: [kvmProvider] }),
    nodes: vmHostNodes(hosts),
    kubelet: { stopDelayMs: 200 },
    tls: true,
    bearerToken: true,
  });
  const fakeVault = await startFakeVault({ maxLeaseTtl: '876000h', sealed: options.vaultSealed ?? false });
  // the guests' API servers as a guest's kube-apiserver: HTTPS with the cluster's api certificate,
  // clients authenticated by certificates of its CA (the admin certificate of the operator and of
  // the guest kubeconfig Secret)
  const vms = await startVmSimulator(host, { guestTls: true });
  const kube = createKubeClient({ kubeConfig: host.kubeConfig, qps: 0 });
  await createOperatorNamespace(kube);
  const operators = startOperators({ kubeConfig: host.kubeConfig, vault: fakeVault, logger: options.logger }, (common) =>
    createKvmOperator({ ...common, ...kvmOptions(vms) }),
  );
  return {
    kube,
    kubeconfigYaml: host.kubeconfigYaml,
    description: `simulated host ${host.kube.url} (${hosts} VM hosts), fake Vault ${fakeVault.url}, VM simulator, operators running`,
    machines: (cluster) => machinesOf(kube, cluster),
    guestApi: (cluster) => vms.guestAddress(idOf(cluster)),
    cleanedUp: async (cluster) => !fakeVault.state.mounts().includes(pkiMount(cluster)) && (await namespaceGone(kube, idOf(cluster))),
    stop: async () => {
      await operators.stop();
      await vms.stop();
      await fakeVault.close();
      await host.stop();
    },
  };
}

/** `count` host nodes labelled as VM hosts. */
function vmHostNodes(count: number) {
  return Array.from({ length: count }, (_, i) => ({ name: `host-${i}`, cpu: '32', memory: '128Gi', pods: 250, labels: { [VM_HOST_LABEL]: 'true' } }));
}

/** Creates the operators' namespace; throws when it cannot. */
async function createOperatorNamespace(kube: KubeClient): Promise<void> {
  await kube
    .resource(NamespaceResource)
    .create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: OPERATOR_NAMESPACE } })
    .match(
      (n) => n,
      (e) => {
        throw new Error(`could not create namespace ${OPERATOR_NAMESPACE}: ${e.message}`);
      },
    );
}

/** The KVM driver's options in the quick start: an in-memory flannel store and the VM simulator's guests. */
function kvmOptions(vms: VmSimulator) {
  return {
    networkStore: createMemoryNetworkStore(),
    // what flanneld would be told; nothing dials it here (the memory store stands in for etcd)
    flannel: { etcdEndpoints: [`http://flannel-etcd.${OPERATOR_NAMESPACE}.svc:2379`] },
    ledgerNamespace: OPERATOR_NAMESPACE,
    // as a real operator reaches a guest: with the admin certificate, verifying the guest's
    // certificate for the API domain, dialing where the simulator's server listens
    guest: adminCertificateConnector({ dial: (target) => vms.guestAddress(clusterId(target)) }),
    recheckMs: 200,
    drainTimeoutMs: 30_000,
  } satisfies Partial<KvmOperatorOptions>;
}

/** The machines of a Cluster: its VM pods in host namespace `<cluster-id>`. */
function machinesOf(kube: KubeClient, cluster: string): Promise<readonly Machine[]> {
  return kube
    .resource(PodResource)
    .list({ namespace: idOf(cluster) })
    .map((list) =>
      list.items.flatMap((pod) => {
        const node = pod.metadata.labels?.[Label.Node];
        return node === undefined
          ? []
          : [{ node, host: pod.spec?.nodeName ?? '?', running: pod.status?.phase === 'Running' && !pod.metadata.deletionTimestamp }];
      }),
    )
    .unwrapOr([]);
}

/** Whether host namespace `name` is gone. */
async function namespaceGone(kube: KubeClient, name: string): Promise<boolean> {
  return kube
    .resource(NamespaceResource)
    .get(name)
    .match(() => false, isNotFound);
}

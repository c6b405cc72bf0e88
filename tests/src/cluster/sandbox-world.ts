/**
 * The provider-agnostic Cluster controller with the sandbox driver (`sandbox-driver.ts`), on the
 * fake host with the real PKI controllers and the fake Vault: what the Cluster controller's tests
 * run on, and the helpers they share (a Cluster, reading one, making its sandbox ready).
 */
import { ClusterResource, kubeceptionCrds, type Cluster } from '@kubeception/sdk';
import { clusterPki, createClusterController } from '@kubeception/sdk/cluster';
import { ConfigMapResource, createKubeClient, type KubeClient } from '@kubeception/sdk/kube';
import { createManager, type Manager } from '@kubeception/sdk/runtime';
import { certOperatorControllers, createVaultPki } from '@kubeception/pki-vault';
import { startFakeKube, startFakeVault, type FakeKube, type StartedFakeVault } from '@kubeception/testing';
import vault from 'node-vault';
import { createSandboxDriver, type SandboxCalls } from './sandbox-driver.js';

/** A running sandbox world. */
export interface SandboxWorld {
  readonly fakeKube: FakeKube;
  readonly fakeVault: StartedFakeVault;
  /** The sandbox driver's calls so far. */
  readonly calls: SandboxCalls;
  /** A client of the host (the test's, not the operator's). */
  kube(): KubeClient;
  /** The Clusters of the host. */
  clusters(): ReturnType<typeof clustersOf>;
  /** Cluster `default/<name>`; fails the test when it cannot be read. */
  get(name: string): Promise<Cluster & { metadata: { name: string; uid: string } }>;
  /** Marks the sandbox of Cluster `default/<name>` ready: its nodes turn Ready. */
  makeReady(name: string): Promise<void>;
  stop(): Promise<void>;
}

const clustersOf = (kube: KubeClient) => kube.resource(ClusterResource);

/** Starts the fake host and Vault, and a manager with the Cluster controller `controllerName` (sandbox driver) and the PKI controllers. */
export async function startSandboxWorld(controllerName: string): Promise<SandboxWorld> {
  const fakeKube = await startFakeKube({ crds: kubeceptionCrds() });
  const fakeVault = await startFakeVault({ maxLeaseTtl: '876000h' });
  const calls: SandboxCalls = { observe: 0, apply: 0, cleanup: 0 };
  const pki = createVaultPki({ client: vault({ endpoint: fakeVault.url, token: fakeVault.rootToken, noCustomHTTPVerbs: true }) });
  const operatorKube = createKubeClient({ kubeConfig: fakeKube.kubeConfig, qps: 0, retry: { maxAttempts: 1 } });
  const manager: Manager = createManager({
    kube: operatorKube,
    controllers: [
      createClusterController({ driver: createSandboxDriver(operatorKube, calls), pki: clusterPki, name: controllerName }),
      ...certOperatorControllers({ pki }),
    ],
    shutdownTimeoutMs: 2000,
  });
  void manager.start();
  const kube = () => createKubeClient({ kubeConfig: fakeKube.kubeConfig, qps: 0 });
  return {
    fakeKube,
    fakeVault,
    calls,
    kube,
    clusters: () => clustersOf(kube()),
    get: async (name) => (await clustersOf(kube()).get(name, { namespace: 'default' }))._unsafeUnwrap() as never,
    makeReady: async (name) => {
      const patch = { type: 'merge' as const, body: { data: { ready: 'true' } } };
      const patched = await kube().resource(ConfigMapResource).patch(`${name}-infra`, patch, { namespace: 'default' });
      patched._unsafeUnwrap();
    },
    stop: async () => {
      await manager.stop();
      await fakeVault.close();
      await fakeKube.stop();
    },
  };
}

/** A sandbox Cluster `default/<name>` (API domain `api.<name>.example.com`). */
export const sandboxCluster = (name: string, extra: { podCIDR?: string; annotations?: Record<string, string> } = {}) => ({
  apiVersion: 'kubeception.io/v1alpha1' as const,
  kind: 'Cluster' as const,
  metadata: { name, namespace: 'default', ...(extra.annotations ? { annotations: extra.annotations } : {}) },
  spec: {
    provider: { sandbox: { size: 1 } },
    kubernetes: { version: '1.33.1' as const, api: { domain: `api.${name}.example.com` } },
    ingress: { domain: `${name}.example.com` },
    network: { podCIDR: extra.podCIDR ?? '10.2.0.0/16' },
    masters: { cpus: 2, memory: '4Gi', disk: '20Gi' },
  },
});

/**
 * The quick start's operators in one SDK manager: the CertificateAuthority and Certificate
 * controllers of pki-vault and the Cluster controller with a driver (KVM or AWS), against the
 * in-process host API and fake Vault. Both worlds start them here.
 */
import { clusterPki, createCertificateAuthorityController, createCertificateController, createVaultPki } from '@kubeception/pki-vault';
import { createKubeClient, type KubeClient, type KubeClientOptions } from '@kubeception/sdk/kube';
import { createManager } from '@kubeception/sdk/runtime';
import vault from 'node-vault';
import type { WorldOptions } from './world.js';
import { type ClusterDriver, createClusterController } from '@kubeception/sdk/cluster';

/** Name of the manager and the field manager of the operators' writes. */
export const OPERATOR = 'quickstart';

export interface OperatorsOptions<S, P> {
  /** The host API. */
  readonly kubeConfig: NonNullable<KubeClientOptions['kubeConfig']>;
  readonly vault: { readonly url: string; readonly rootToken: string };
  /** The Cluster controller's driver, given the operators' client of the host API. */
  readonly driver: (kube: KubeClient) => ClusterDriver<S, P>;
  readonly logger: WorldOptions['logger'];
}

/** Starts the manager; `stop` resolves once it has stopped. */
export function startOperators<S, P>(options: OperatorsOptions<S, P>): { stop(): Promise<void> } {
  const kube = createKubeClient({ kubeConfig: options.kubeConfig, qps: 0, retry: { maxAttempts: 3, baseMs: 20, maxMs: 200, jitter: 0.5 } });
  const pki = createVaultPki({ client: vault({ endpoint: options.vault.url, token: options.vault.rootToken, noCustomHTTPVerbs: true }) });
  const manager = createManager({
    name: OPERATOR,
    kube,
    controllers: [
      createClusterController({ driver: options.driver(kube), pki: clusterPki, name: OPERATOR, concurrency: 8 }),
      createCertificateAuthorityController({ pki, concurrency: 8 }),
      createCertificateController({ pki, concurrency: 16 }),
    ],
    leaderElection: false,
    shutdownTimeoutMs: 2000,
    logger: options.logger,
  });
  const running = manager.start().catch((error: unknown) => options.logger.error({ err: error }, 'manager stopped'));
  return {
    stop: async () => {
      await manager.stop();
      await running;
    },
  };
}

/** The kvm-operator: the Cluster controller with the KVM driver (and, with `withPki`, the PKI controllers). */
import { createKvmDriver, type FlannelDaemonSetOptions, type GuestConnector, type NetworkStore } from '@kubeception/driver-kvm';
import {
  clusterPki,
  createCertificateAuthorityController,
  createCertificateController,
  createVaultPki,
  startTokenRenewal,
  type VaultClient,
} from '@kubeception/pki-vault';
import type { KubeClient } from '@kubeception/sdk/kube';
import { createManager, type Controller, type LeaderElectionOptions, type Manager } from '@kubeception/sdk/runtime';
import type { Logger } from 'pino';
import { createClusterController } from '@kubeception/sdk/cluster';

/** Name of the manager, the Lease, the Cluster controller and the field manager of the driver's writes. */
export const KVM_OPERATOR = 'kvm-operator';

/** Options of {@link createKvmOperator}. */
export interface KvmOperatorOptions {
  /** Client of the host cluster. */
  readonly kube: KubeClient;
  /** The host flannel store: `createEtcdNetworkStore` in production, `createMemoryNetworkStore` embedded. */
  readonly networkStore: NetworkStore;
  /** How each guest cluster's flanneld reaches that store (endpoints, client TLS Secret). */
  readonly flannel: FlannelDaemonSetOptions;
  /** Namespace of the network ledger ConfigMap (the operator's own). */
  readonly ledgerNamespace: string;
  /** Reaches guest APIs. @default the driver's `adminCertificateConnector()` (dials the cluster endpoint with the admin certificate) */
  readonly guest?: GuestConnector;
  /**
   * Also run the CertificateAuthority and Certificate controllers on this Vault, and keep its
   * token alive. @default none (the cert-operator runs them)
   */
  readonly withPki?: { readonly vault: VaultClient };
  /** @default false (run at once) */
  readonly leaderElection?: false | LeaderElectionOptions;
  /** `/metrics`, `/healthz`, `/readyz`. @default none */
  readonly http?: { readonly port: number; readonly host?: string };
  readonly logger?: Logger;
  /** Stop on SIGTERM/SIGINT. @default false */
  readonly handleSignals?: boolean;
  /** Clusters reconciled at once. @default 4 */
  readonly concurrency?: number;
  /** How often a converging cluster is looked at again. @default 2000 (the driver's) */
  readonly recheckMs?: number;
  /** How long a node drain may take before its VM is removed anyway. @default 300_000 (the driver's) */
  readonly drainTimeoutMs?: number;
}

/** A manager running the operator's controllers; `run()` also renews the Vault token (with `withPki`). */
export type KvmOperator = Manager & { run(): Promise<void> };

/**
 * Creates the kvm-operator.
 *
 * @example
 * ```ts
 * const operator = createKvmOperator({
 *   kube: createKubeClient(),
 *   networkStore: createEtcdNetworkStore({ hosts: ['https://10.0.0.5:2379'] }),
 *   flannel: { etcdEndpoints: ['https://10.0.0.5:2379'] },
 *   ledgerNamespace: 'kubeception',
 *   leaderElection: { name: 'kvm-operator', namespace: 'kubeception' },
 * });
 * await operator.run();
 * ```
 */
export function createKvmOperator(options: KvmOperatorOptions): KvmOperator {
  const driver = createKvmDriver({
    kube: options.kube,
    networkStore: options.networkStore,
    flannel: options.flannel,
    ledgerNamespace: options.ledgerNamespace,
    fieldManager: KVM_OPERATOR,
    ...(options.guest ? { guest: options.guest } : {}),
    ...(options.recheckMs !== undefined ? { recheckMs: options.recheckMs } : {}),
    ...(options.drainTimeoutMs !== undefined ? { drainTimeoutMs: options.drainTimeoutMs } : {}),
  });
  const controllers: Controller[] = [createClusterController({ driver, pki: clusterPki, name: KVM_OPERATOR, concurrency: options.concurrency ?? 4 })];
  if (options.withPki) {
    const pki = createVaultPki({ client: options.withPki.vault });
    controllers.push(createCertificateAuthorityController({ pki }), createCertificateController({ pki }));
  }
  const manager = createManager({
    name: KVM_OPERATOR,
    kube: options.kube,
    controllers,
    leaderElection: options.leaderElection ?? false,
    ...(options.http ? { http: options.http } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.handleSignals ? { handleSignals: true } : {}),
  });
  return Object.assign(manager, {
    async run() {
      const renewal = new AbortController();
      if (options.withPki) startTokenRenewal(options.withPki.vault, { signal: renewal.signal });
      try {
        await manager.start();
      } finally {
        renewal.abort();
      }
    },
  });
}

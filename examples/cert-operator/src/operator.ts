/** The cert-operator: both PKI controllers under one manager, plus the Vault token renewal. */
import { createCertificateAuthorityController, createCertificateController, createVaultPki, startTokenRenewal, type VaultClient } from '@kubeception/pki-vault';
import type { KubeClient } from '@kubeception/sdk/kube';
import { createManager, type LeaderElectionOptions, type Manager } from '@kubeception/sdk/runtime';
import type { Logger } from 'pino';

/** Options of {@link createCertOperator}. */
export interface CertOperatorOptions {
  readonly kube: KubeClient;
  /** node-vault client (noCustomHTTPVerbs) holding the operator's token. */
  readonly vault: VaultClient;
  /** @default false (run at once) */
  readonly leaderElection?: false | LeaderElectionOptions;
  /** `/metrics`, `/healthz`, `/readyz`. @default none */
  readonly http?: { readonly port: number; readonly host?: string };
  readonly logger?: Logger;
  /** Clock of the Certificate controller. @default () => new Date() */
  readonly now?: () => Date;
  /** Stop on SIGTERM/SIGINT. @default false */
  readonly handleSignals?: boolean;
}

/** A manager running the CertificateAuthority and Certificate controllers. */
export function createCertOperator(options: CertOperatorOptions): Manager & { run(): Promise<void> } {
  const pki = createVaultPki({ client: options.vault });
  const manager = createManager({
    name: 'cert-operator',
    kube: options.kube,
    controllers: [createCertificateAuthorityController({ pki }), createCertificateController({ pki, ...(options.now ? { now: options.now } : {}) })],
    leaderElection: options.leaderElection ?? false,
    ...(options.http ? { http: options.http } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.handleSignals ? { handleSignals: true } : {}),
  });
  return Object.assign(manager, {
    async run() {
      const renewal = new AbortController();
      startTokenRenewal(options.vault, { signal: renewal.signal });
      try {
        await manager.start();
      } finally {
        renewal.abort();
      }
    },
  });
}

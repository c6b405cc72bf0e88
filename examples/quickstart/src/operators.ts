/**
 * The quick start's operators in one SDK manager: a provider's operator (`createKvmOperator` of
 * driver-kvm, `createAwsOperator` of driver-aws) with the CertificateAuthority and Certificate
 * controllers of pki-vault (`certOperatorControllers`) beside its Cluster controller, against the
 * in-process host API and fake Vault. Both worlds start theirs here.
 */
import { certOperatorControllers, createVaultPki } from '@kubeception/pki-vault';
import { createKubeClient, type KubeClient, type KubeClientOptions } from '@kubeception/sdk/kube';
import type { Controller, Manager } from '@kubeception/sdk/runtime';
import vault from 'node-vault';
import type { Logger } from 'pino';

/** Name of the manager, of the Cluster controller and the field manager of the operators' writes. */
export const OPERATOR = 'quickstart';

/** What a provider's operator factory is given here, whichever the provider. */
export interface CommonOperatorOptions {
  /** The operators' client of the host API. */
  readonly kube: KubeClient;
  /** {@link OPERATOR}: the manager's, the Cluster controller's and the field manager's name. */
  readonly name: string;
  /** Clusters reconciled at once. */
  readonly concurrency: number;
  /** The PKI controllers on the fake Vault. */
  readonly extraControllers: readonly Controller[];
  /** One process: no Lease. */
  readonly leaderElection: false;
  /** A demo stops in moments, not after the default 30 s for reconciles in flight. */
  readonly shutdownTimeoutMs: number;
  /** Operator logs. */
  readonly logger: Logger;
}

/** Where the operators run. */
export interface OperatorsOptions {
  /** The host API. */
  readonly kubeConfig: NonNullable<KubeClientOptions['kubeConfig']>;
  readonly vault: { readonly url: string; readonly rootToken: string };
  readonly logger: Logger;
}

/** Starts the operator `create` makes of the common options (and its provider's own); `stop` resolves once it has stopped. */
export function startOperators(where: OperatorsOptions, create: (common: CommonOperatorOptions) => Manager): { stop(): Promise<void> } {
  const kube = createKubeClient({ kubeConfig: where.kubeConfig, qps: 0, retry: { maxAttempts: 3, baseMs: 20, maxMs: 200, jitter: 0.5 } });
  const pki = createVaultPki({ client: vault({ endpoint: where.vault.url, token: where.vault.rootToken, noCustomHTTPVerbs: true }) });
  const manager = create({
    kube,
    name: OPERATOR,
    concurrency: 8,
    extraControllers: certOperatorControllers({ pki, authorityConcurrency: 8, certificateConcurrency: 16 }),
    leaderElection: false,
    shutdownTimeoutMs: 2000,
    logger: where.logger,
  });
  const running = manager.start().catch((error: unknown) => where.logger.error({ err: error }, 'manager stopped'));
  return {
    stop: async () => {
      await manager.stop();
      await running;
    },
  };
}

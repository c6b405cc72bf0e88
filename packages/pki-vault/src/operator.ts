/**
 * The cert-operator, assembled once: the CertificateAuthority and Certificate controllers as a
 * list another manager can run too (`certOperatorControllers`), the operator itself
 * (`createCertOperator`: a manager running them on a Vault client, renewing that client's token
 * while it runs), and the same two added to a provider's operator (`withPkiControllers`: the
 * Cluster controller and the PKI controllers in one process).
 */
import type { PkiBackend } from '@kubeception/sdk';
import { createManager, type Controller, type Manager, type ManagerOptions } from '@kubeception/sdk/runtime';
import { createCertificateAuthorityController } from './certificate-authority-controller.js';
import { createCertificateController } from './certificate-controller.js';
import { startTokenRenewal, type TokenRenewalOptions } from './token-renewal.js';
import type { VaultClient } from './vault-client.js';
import { createVaultPki } from './vault-pki.js';

/** Name of the cert-operator: its manager and Lease, and the field manager of the Certificate controller. */
export const CERT_OPERATOR = 'cert-operator';

/** Options of {@link certOperatorControllers}. */
export interface CertOperatorControllersOptions {
  /** The PKI backend both controllers reconcile against, e.g. `createVaultPki({ client })`. */
  readonly pki: PkiBackend;
  /** Only CertificateAuthorities and Certificates in this namespace. @default every namespace */
  readonly namespace?: string;
  /** Clock of the Certificate controller (renewal times). @default () => new Date() */
  readonly now?: () => Date;
  /** CertificateAuthorities reconciled at once. @default 2 */
  readonly authorityConcurrency?: number;
  /** Certificates reconciled at once. @default 4 */
  readonly certificateConcurrency?: number;
}

/**
 * The cert-operator's controllers, CertificateAuthority then Certificate, to run in a manager of
 * your own, alone or with other controllers (a provider's Cluster controller: one process for
 * both, as the quick start and the kvm-operator's `--with-pki` run them; {@link withPkiControllers}
 * does that and renews the Vault token too).
 *
 * @example
 * ```ts
 * import vault from 'node-vault';
 * import { certOperatorControllers, createVaultPki } from '@kubeception/pki-vault';
 * import { createManager } from '@kubeception/sdk/runtime';
 *
 * const client = vault({ endpoint: process.env.VAULT_ADDR, token: process.env.VAULT_TOKEN, noCustomHTTPVerbs: true });
 * const [authorities, certificates] = certOperatorControllers({ pki: createVaultPki({ client }) });
 * await createManager({ controllers: [authorities, certificates, ...otherControllers] }).start();
 * ```
 */
export function certOperatorControllers(options: CertOperatorControllersOptions): readonly [authorities: Controller, certificates: Controller] {
  const { pki, namespace, now } = options;
  return [
    createCertificateAuthorityController({ pki, namespace, concurrency: options.authorityConcurrency }),
    createCertificateController({ pki, namespace, now, concurrency: options.certificateConcurrency }),
  ];
}

/** Options of {@link createCertOperator}: the controllers', the manager's, and the Vault client. */
export interface CertOperatorOptions extends Omit<CertOperatorControllersOptions, 'pki'>, Omit<ManagerOptions, 'controllers'> {
  /** node-vault client (`noCustomHTTPVerbs: true`) holding the operator's token: the controllers' backend, and the token renewed while the operator runs. */
  readonly vault: VaultClient;
  /** Name of the manager (events, logs) and of its Lease with `leaderElection`. @default 'cert-operator' */
  readonly name?: string;
  /** More controllers to run in the same manager (e.g. a provider's Cluster controller). @default none */
  readonly extraControllers?: readonly Controller[];
}

/**
 * The cert-operator: a manager running {@link certOperatorControllers} on Vault; its `start()`
 * also keeps the Vault token alive ({@link withTokenRenewal}).
 *
 * @example
 * ```ts
 * import vault from 'node-vault';
 * import { createCertOperator } from '@kubeception/pki-vault';
 *
 * await createCertOperator({
 *   vault: vault({ endpoint: process.env.VAULT_ADDR, token: process.env.VAULT_TOKEN, noCustomHTTPVerbs: true }),
 *   leaderElection: { name: 'cert-operator', namespace: 'kubeception' },
 *   http: { port: 8080 },
 *   handleSignals: true,
 * }).start();
 * ```
 */
export function createCertOperator(options: CertOperatorOptions): Manager {
  const controllers = certOperatorControllers({ ...options, pki: createVaultPki({ client: options.vault }) });
  const manager = createManager({ ...options, name: options.name ?? CERT_OPERATOR, controllers: [...controllers, ...(options.extraControllers ?? [])] });
  return withTokenRenewal(manager, options.vault);
}

/**
 * `manager`, whose `start()` also renews `vault`'s token ({@link startTokenRenewal}) until it
 * resolves, leading or not: a standby's token must still be alive when it takes over. For a
 * manager that runs {@link certOperatorControllers} beside others.
 *
 * @example
 * ```ts
 * const operator = withTokenRenewal(createKvmOperator({ ...kvmOptions, extraControllers: certOperatorControllers({ pki }) }), client);
 * await operator.start();
 * ```
 */
export function withTokenRenewal(manager: Manager, vault: VaultClient, options: Omit<TokenRenewalOptions, 'signal'> = {}): Manager {
  return {
    ...manager,
    async start(signal) {
      const renewal = new AbortController();
      startTokenRenewal(vault, { ...options, signal: renewal.signal });
      try {
        await manager.start(signal);
      } finally {
        renewal.abort();
      }
    },
  };
}

/** What {@link withPkiControllers} runs the PKI controllers on: the Vault client, and their options. */
export interface PkiControllersOnVault extends Omit<CertOperatorControllersOptions, 'pki'> {
  /** node-vault client (`noCustomHTTPVerbs: true`) holding the operator's token: the controllers' backend, and the token renewed while the operator runs. */
  readonly vault: VaultClient;
}

/**
 * The operator `create` makes of `options` (a provider's: `createKvmOperator`,
 * `createAwsOperator`), running {@link certOperatorControllers} on `pki.vault` too, and renewing
 * that token ({@link withTokenRenewal}): one process for the Cluster controller and the PKI
 * controllers, instead of a cert-operator beside it.
 *
 * @example
 * ```ts
 * import vault from 'node-vault';
 * import { createKvmOperator } from '@kubeception/driver-kvm';
 * import { withPkiControllers } from '@kubeception/pki-vault';
 *
 * const client = vault({ endpoint: process.env.VAULT_ADDR, token: process.env.VAULT_TOKEN, noCustomHTTPVerbs: true });
 * await withPkiControllers(createKvmOperator, kvmOptions, { vault: client }).start();
 * ```
 */
export function withPkiControllers<O extends { readonly extraControllers?: readonly Controller[] }>(
  create: (options: O) => Manager,
  options: O,
  pki: PkiControllersOnVault,
): Manager {
  const controllers = certOperatorControllers({ ...pki, pki: createVaultPki({ client: pki.vault }) });
  return withTokenRenewal(create({ ...options, extraControllers: [...(options.extraControllers ?? []), ...controllers] }), pki.vault);
}

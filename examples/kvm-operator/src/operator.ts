/**
 * What the example runs: the kvm-operator of `@kubeception/driver-kvm` and, with `--with-pki`,
 * pki-vault's CertificateAuthority and Certificate controllers in the same manager (its Vault
 * token renewed while it runs) instead of a cert-operator beside it.
 */
import { createKvmOperator, type KvmOperatorOptions } from '@kubeception/driver-kvm';
import { withPkiControllers, type PkiControllersOnVault } from '@kubeception/pki-vault';
import type { Manager } from '@kubeception/sdk/runtime';

export { KVM_OPERATOR } from '@kubeception/driver-kvm';

/** Options of {@link createOperator}. */
export interface OperatorOptions extends KvmOperatorOptions {
  /** Also run the PKI controllers on this Vault, and keep its token alive. @default none (the cert-operator runs them) */
  readonly withPki?: PkiControllersOnVault;
}

/** The kvm-operator, with the PKI controllers on `withPki`. */
export function createOperator({ withPki, ...options }: OperatorOptions): Manager {
  return withPki ? withPkiControllers(createKvmOperator, options, withPki) : createKvmOperator(options);
}

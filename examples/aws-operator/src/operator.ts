/**
 * What the example runs: the aws-operator of `@kubeception/driver-aws`, giving nodes Vault boot
 * tokens (pki-vault's `nodeBootTokens`) when it has a Vault, and running pki-vault's
 * CertificateAuthority and Certificate controllers in the same manager with `withPki` (as
 * `--embedded` does; on a cluster the cert-operator runs them).
 */
import { createAwsOperator, type AwsOperatorOptions } from '@kubeception/driver-aws';
import { createVaultPki, nodeBootTokens, withPkiControllers, type PkiControllersOnVault, type VaultClient } from '@kubeception/pki-vault';
import type { Manager } from '@kubeception/sdk/runtime';

export { AWS_OPERATOR } from '@kubeception/driver-aws';

/** Options of {@link createOperator}. */
export interface OperatorOptions extends Omit<AwsOperatorOptions, 'bootToken' | 'vaultAddr'> {
  /** Give nodes single-use wrapped Vault boot tokens (the driver README, "Node boot"), minted with `vault`. @default none */
  readonly bootTokens?: { readonly vault: VaultClient; readonly vaultAddr: string };
  /** Also run the PKI controllers on this Vault, and keep its token alive. @default none (the cert-operator runs them) */
  readonly withPki?: PkiControllersOnVault;
}

/** The aws-operator, minting boot tokens with `bootTokens` and running the PKI controllers with `withPki`. */
export function createOperator({ bootTokens, withPki, ...rest }: OperatorOptions): Manager {
  const options: AwsOperatorOptions = bootTokens
    ? { ...rest, bootToken: nodeBootTokens(createVaultPki({ client: bootTokens.vault })), vaultAddr: bootTokens.vaultAddr }
    : rest;
  return withPki ? withPkiControllers(createAwsOperator, options, withPki) : createAwsOperator(options);
}

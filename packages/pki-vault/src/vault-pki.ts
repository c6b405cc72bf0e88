/**
 * `createVaultPki`: the SDK's `PkiBackend` on Vault's PKI secrets engine. One mount
 * `pki-<cluster>` per guest cluster holds its root CA (key generated inside Vault) and its
 * roles; certificates are issued per component. Every call is idempotent and writes only
 * what differs from what Vault already has.
 */
import { parseDuration, type PkiBackend } from '@kubeception/sdk';
import { okAsync } from 'neverthrow';
import { authorityCalls } from './authority.js';
import { issueCalls } from './issue.js';
import { tokenCalls } from './tokens.js';
import { vaultCalls, type VaultClient } from './vault-client.js';

/** Options of {@link createVaultPki}. */
export interface VaultPkiOptions {
  /** A node-vault client created with `noCustomHTTPVerbs: true`, holding the operator's token. */
  readonly client: VaultClient;
  /** Mount of cluster `c` is `${mountPrefix}${c}`. @default 'pki-' */
  readonly mountPrefix?: string;
  /** Policy of cluster `c` is `${policyPrefix}${c}`. @default 'kubeception-' */
  readonly policyPrefix?: string;
}

/** The naming scheme of a backend. */
export interface Naming {
  mount(cluster: string): string;
  policy(cluster: string): string;
}

/**
 * Creates the Vault PKI backend.
 *
 * @example
 * ```ts
 * import vault from 'node-vault';
 * const pki = createVaultPki({ client: vault({ endpoint: process.env.VAULT_ADDR, token: process.env.VAULT_TOKEN, noCustomHTTPVerbs: true }) });
 * const ca = await pki.ensureAuthority({ cluster: 'demo', commonName: 'demo.k8s.example.com', ttl: '87600h', keyType: 'ec' });
 * ```
 */
export function createVaultPki(options: VaultPkiOptions): PkiBackend {
  const naming: Naming = {
    mount: (cluster) => `${options.mountPrefix ?? 'pki-'}${cluster}`,
    policy: (cluster) => `${options.policyPrefix ?? 'kubeception-'}${cluster}`,
  };
  const vault = vaultCalls(options.client);
  return { ...authorityCalls(vault, naming), ...issueCalls(vault, naming), ...tokenCalls(vault, naming) };
}

/** Seconds of a Go duration (Vault accepts either; reads answer in seconds). */
export function seconds(duration: string | undefined): number | undefined {
  const ms = duration === undefined ? undefined : parseDuration(duration);
  return ms === undefined ? undefined : Math.round(ms / 1000);
}

export const nothing = () => okAsync<void, never>(undefined);

/**
 * `createVaultPki`: the SDK's `PkiBackend` on Vault's PKI secrets engine. One mount
 * `pki-<cluster-id>` per guest cluster holds its root CA (key generated inside Vault) and its
 * roles; certificates are issued per component. Every call is idempotent and writes only
 * what differs from what Vault already has.
 */
import type { PkiBackend } from '@kubeception/sdk';
import { authorityCalls } from './authority.js';
import { issueCalls } from './issue.js';
import { tokenCalls } from './tokens.js';
import { vaultCalls, type VaultClient } from './vault-client.js';
import { vaultNaming } from './vault-naming.js';

/** Options of {@link createVaultPki}. */
export interface VaultPkiOptions {
  /** A node-vault client created with `noCustomHTTPVerbs: true`, holding the operator's token. */
  readonly client: VaultClient;
  /** Mount of cluster `c` is `${mountPrefix}${clusterId(c)}`. @default 'pki-' */
  readonly mountPrefix?: string;
  /** Token policies of cluster `c` are `${policyPrefix}${clusterId(c)}-roles-<hash of the roles>`. @default 'kubeception-' */
  readonly policyPrefix?: string;
  /**
   * Vault token role tokens are minted with (`auth/token/create/<tokenRole>`), so that the
   * minting token needs no `auth/token/create` and what it mints is bounded by the role's
   * `allowed_policies_glob` (see README "Vault policies"). @default none: `auth/token/create`
   */
  readonly tokenRole?: string;
}

/**
 * Creates the Vault PKI backend.
 *
 * @example
 * ```ts
 * import vault from 'node-vault';
 * const pki = createVaultPki({ client: vault({ endpoint: process.env.VAULT_ADDR, token: process.env.VAULT_TOKEN, noCustomHTTPVerbs: true }) });
 * const cluster = { namespace: 'default', name: 'demo' };
 * const owner = { namespace: 'default', name: 'demo', uid: ca.metadata.uid };
 * const info = await pki.ensureAuthority({ cluster, owner, commonName: 'demo.k8s.example.com', ttl: '87600h', keyType: 'ec' });
 * ```
 */
export function createVaultPki(options: VaultPkiOptions): PkiBackend {
  const naming = vaultNaming(options);
  const vault = vaultCalls(options.client);
  return { ...authorityCalls(vault, naming), ...issueCalls(vault, naming), ...tokenCalls(vault, naming, options.tokenRole) };
}

/**
 * `createVaultPki`: the SDK's `PkiBackend` on Vault's PKI secrets engine. One mount
 * `pki-<cluster-id>` per guest cluster holds its root CA (key generated inside Vault) and its
 * roles; certificates are issued per component. Every call is idempotent and writes only
 * what differs from what Vault already has.
 */
import { createHash } from 'node:crypto';
import { clusterId, parseDuration, type ClusterCoordinates, type PkiBackend } from '@kubeception/sdk';
import { okAsync } from 'neverthrow';
import { authorityCalls } from './authority.js';
import { issueCalls } from './issue.js';
import { tokenCalls } from './tokens.js';
import { vaultCalls, type VaultClient } from './vault-client.js';

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

/** The naming scheme of a backend: everything is named from the cluster ID, never the name alone. */
export interface Naming {
  /** The PKI mount of a cluster: `pki-<cluster-id>` with the default prefix. */
  mount(cluster: ClusterCoordinates): string;
  /** The policy of one set of roles (order and repeats do not matter). */
  policy(cluster: ClusterCoordinates, roles: readonly string[]): string;
}

/** Ten hex characters of SHA-256 (fixed length, so no two inputs share a name by concatenation). */
function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 10);
}

/** The naming of {@link createVaultPki} with the given prefixes. */
export function vaultNaming(options: Pick<VaultPkiOptions, 'mountPrefix' | 'policyPrefix'> = {}): Naming {
  return {
    mount: (cluster) => `${options.mountPrefix ?? 'pki-'}${clusterId(cluster)}`,
    policy: (cluster, roles) => `${options.policyPrefix ?? 'kubeception-'}${clusterId(cluster)}-roles-${shortHash([...new Set(roles)].sort().join(','))}`,
  };
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

/** Seconds of a Go duration (Vault accepts either; reads answer in seconds). */
export function seconds(duration: string | undefined): number | undefined {
  const ms = duration === undefined ? undefined : parseDuration(duration);
  return ms === undefined ? undefined : Math.round(ms / 1000);
}

export const nothing = () => okAsync<void, never>(undefined);

/**
 * How the Vault backend names what it creates (from the cluster ID, never the name alone), and
 * the small helpers its call groups (`authority.ts`, `mount.ts`, `issue.ts`, `tokens.ts`) share.
 */
import { createHash } from 'node:crypto';
import { clusterId, parseDuration, type ClusterCoordinates } from '@kubeception/sdk';
import { okAsync } from 'neverthrow';

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

/** The naming of `createVaultPki` with the given prefixes (`pki-` and `kubeception-` by default). */
export function vaultNaming(options: { readonly mountPrefix?: string; readonly policyPrefix?: string } = {}): Naming {
  return {
    mount: (cluster) => `${options.mountPrefix ?? 'pki-'}${clusterId(cluster)}`,
    policy: (cluster, roles) => `${options.policyPrefix ?? 'kubeception-'}${clusterId(cluster)}-roles-${shortHash([...new Set(roles)].sort().join(','))}`,
  };
}

/** Seconds of a Go duration (Vault accepts either; reads answer in seconds). */
export function seconds(duration: string | undefined): number | undefined {
  const ms = duration === undefined ? undefined : parseDuration(duration);
  return ms === undefined ? undefined : Math.round(ms / 1000);
}

/** A successful step that did nothing. */
export const nothing = () => okAsync<void, never>(undefined);

/**
 * The host-unique identity of a guest cluster. A Cluster's name is unique only in its
 * namespace; everything an operator names outside that namespace (Vault mounts, policies,
 * roles and tokens, the KVM driver's host namespace, flannel keys, ledger entries, EC2 tags)
 * is named from this ID instead, so two tenants' `demo` Clusters never meet.
 *
 * The ID is derived, not generated: `<name>-<hash>`, where `<hash>` is ten base32 characters
 * of SHA-256 over `<namespace>/<name>`. Being a pure function of the Cluster's coordinates, it
 * is known before the first side effect and after a crash, without a status write in between
 * (see docs/decisions/004-cluster-identity.md).
 */
import { createHash } from 'node:crypto';
import { boundedMap } from './internal/bounded-map.js';

/** Characters of the hash part of a {@link clusterId}. */
export const CLUSTER_ID_HASH_LENGTH = 10;

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** The coordinates a cluster ID is derived from: a Cluster's namespace and name. */
export interface ClusterCoordinates {
  /** The Cluster's namespace. */
  readonly namespace: string;
  /** The Cluster's name. */
  readonly name: string;
}

/**
 * The host-unique ID of the Cluster `namespace/name`: a DNS-1123 label of at most
 * `name.length + 11` characters (51 for the longest Cluster name).
 *
 * @example
 * ```ts
 * clusterId({ namespace: 'default', name: 'demo' }); // 'demo-' + 10 base32 characters
 * ```
 */
export function clusterId(cluster: ClusterCoordinates): string {
  return `${cluster.name}-${clusterHash(cluster)}`;
}

/**
 * Hashes computed lately, by `<namespace>/<name>`: every pass of every controller names what it
 * owns from the ID (a SHA-256 each time otherwise).
 */
const hashes = boundedMap<string, string>(4096);

/** The hash part of {@link clusterId}: lower-case base32, {@link CLUSTER_ID_HASH_LENGTH} characters. */
export function clusterHash(cluster: ClusterCoordinates): string {
  const coordinates = `${cluster.namespace}/${cluster.name}`;
  return hashes.get(coordinates) ?? hashes.set(coordinates, base32Prefix(createHash('sha256').update(coordinates).digest()));
}

/** The first {@link CLUSTER_ID_HASH_LENGTH} characters of `digest` in lower-case base32. */
function base32Prefix(digest: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < CLUSTER_ID_HASH_LENGTH) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === CLUSTER_ID_HASH_LENGTH) break;
    value &= (1 << bits) - 1;
  }
  return out;
}

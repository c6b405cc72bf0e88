/**
 * Node boot tokens: what a driver hands a new node so that it issues its own certificates (the
 * AWS driver's `bootToken`). Each is single-use and response-wrapped, and can issue only the
 * node's roles of its cluster's mount ({@link nodeRoles}), never `admin`.
 */
import type { ClusterCoordinates, PkiBackend, PkiError, SecretValue } from '@kubeception/sdk';
import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { nodeRoles } from './tokens.js';

/** Options of {@link nodeBootTokens}. */
export interface NodeBootTokenOptions {
  /** Life of the unwrapped token (renewable by the node). @default '1h' */
  readonly ttl?: string;
  /** Life of the wrapping token, i.e. how long the node has to boot. @default '10m' */
  readonly wrapTTL?: string;
}

/** Why no boot token was minted: retried (the driver's `Transient`). */
export interface BootTokenError {
  /** Always retried: the node is launched on a later pass. */
  readonly kind: 'Transient';
  /** What Vault (or the backend) said. */
  readonly message: string;
  /** The backend's error, when it refused. */
  readonly cause?: PkiError;
}

/** Mints the boot token of a node of a cluster: the wrapping token to put in its user data. */
export type BootTokenMinter = (cluster: ClusterCoordinates, node: { readonly role: 'master' | 'worker' }) => ResultAsync<SecretValue, BootTokenError>;

/**
 * A {@link BootTokenMinter} on `pki`: `issueToken` for the node's roles, wrapped.
 *
 * @example
 * ```ts
 * import { createAwsOperator } from '@kubeception/driver-aws';
 * import { createVaultPki, nodeBootTokens } from '@kubeception/pki-vault';
 *
 * createAwsOperator({ bootToken: nodeBootTokens(createVaultPki({ client })), vaultAddr: 'https://vault.example.com:8200' });
 * ```
 */
export function nodeBootTokens(pki: PkiBackend, options: NodeBootTokenOptions = {}): BootTokenMinter {
  const ttl = options.ttl ?? '1h';
  const wrapTTL = options.wrapTTL ?? '10m';
  return (cluster, node) =>
    pki
      .issueToken({ cluster, roles: nodeRoles(node.role), ttl, wrapTTL })
      .mapErr((cause): BootTokenError => ({ kind: 'Transient', message: cause.message, cause }))
      .andThen((token) =>
        token.wrappingToken === undefined
          ? errAsync<SecretValue, BootTokenError>({ kind: 'Transient', message: 'Vault answered the boot token unwrapped' })
          : okAsync(token.wrappingToken),
      );
}

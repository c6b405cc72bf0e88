/**
 * The PKI backend contract: what the CertificateAuthority and Certificate controllers need
 * from a certificate authority service, one PKI (root CA) per guest cluster. Implemented by
 * `@kubeception/pki-vault`; a test double may implement it too.
 *
 * Every call is idempotent and returns `ResultAsync<_, PkiError>`.
 *
 * ## Isolation
 * - A cluster is named by its coordinates (`namespace`, `name`), never by its name alone: the
 *   backend names everything it creates from `clusterId`, so two tenants' `demo` Clusters
 *   get two PKIs.
 * - A PKI has exactly one owner (a CertificateAuthority, by uid), recorded with it in the
 *   backend. {@link PkiBackend.ensureAuthority} answers `Conflict` for a PKI another owner
 *   holds and writes nothing; {@link PkiBackend.destroyAuthority} removes only the caller's own.
 * - A token is minted for explicit roles only, never for one whose certificates carry
 *   `system:masters` (`Refused`).
 */
import type { ResultAsync } from 'neverthrow';
import type { ClusterCoordinates } from './cluster-id.js';
import type { SecretValue } from './secret.js';

/** The kinds of {@link PkiError}. */
export const PkiErrorKind = {
  /** The service cannot be reached or answered 5xx/429: retry with backoff. */
  Unavailable: 'Unavailable',
  /** The service is sealed: retry with backoff, someone must unseal it. */
  Sealed: 'Sealed',
  /** The credentials may not do this: terminal until the policy changes. */
  PermissionDenied: 'PermissionDenied',
  /** The role does not allow what was asked (a name, an IP SAN): terminal, the message says why. */
  RoleViolation: 'RoleViolation',
  /** The authority, role or certificate does not exist. */
  NotFound: 'NotFound',
  /** The request was malformed: terminal. */
  Invalid: 'Invalid',
  /** What would be written belongs to another owner (a PKI held by another CertificateAuthority): terminal, the message names the owner. */
  Conflict: 'Conflict',
  /** The backend refuses by its own rule (a token that could issue `system:masters` certificates): terminal. */
  Refused: 'Refused',
} as const;
/** The kinds of {@link PkiError}. */
export type PkiErrorKind = (typeof PkiErrorKind)[keyof typeof PkiErrorKind];

/** A failed PKI call. `terminal` errors are not retried by controllers. */
export interface PkiError {
  /** What failed. */
  readonly kind: PkiErrorKind;
  /** The service's own message (Vault's wording), or the backend's for `Conflict` and `Refused`. */
  readonly message: string;
  /** Set when retrying cannot fix the error (`PermissionDenied`, `RoleViolation`, `Invalid`, `Conflict`, `Refused`). */
  readonly terminal?: true;
  /** The underlying error, for logs. */
  readonly cause?: unknown;
}

const TERMINAL: ReadonlySet<PkiErrorKind> = new Set(['PermissionDenied', 'RoleViolation', 'Invalid', 'Conflict', 'Refused']);

/** Builds a {@link PkiError}, marking the kinds that retrying cannot fix as terminal. */
export function pkiError(kind: PkiErrorKind, message: string, cause?: unknown): PkiError {
  return { kind, message, ...(TERMINAL.has(kind) ? { terminal: true as const } : {}), ...(cause === undefined ? {} : { cause }) };
}

/** The object a cluster's PKI belongs to: the CertificateAuthority that made it. */
export interface AuthorityOwner {
  /** @default 'CertificateAuthority' */
  readonly kind?: string;
  /** Namespace of the owner. */
  readonly namespace: string;
  /** Name of the owner. */
  readonly name: string;
  /** Tells this object from an earlier one of the same name. */
  readonly uid: string;
}

/** The root CA of one guest cluster. */
export interface AuthoritySpec {
  /** The Cluster (namespace and name) the PKI serves. */
  readonly cluster: ClusterCoordinates;
  /** Recorded with the PKI; nobody else may change or remove it. */
  readonly owner: AuthorityOwner;
  /** Common name of the root certificate. */
  readonly commonName: string;
  /** Go duration, e.g. `87600h`. */
  readonly ttl: string;
  /** Key algorithm of the root CA. */
  readonly keyType: 'ec' | 'rsa';
}

/** What is known of an existing CA. Public data only. */
export interface AuthorityInfo {
  /** Where the PKI lives (Vault: the mount path `pki-<cluster-id>`). */
  readonly mountPath: string;
  /** The CA certificate, PEM. */
  readonly certificate: string;
  /** RFC 3339. */
  readonly notAfter: string;
  /** Serial number of the CA certificate. */
  readonly serialNumber: string;
}

/** A role: which certificates one component may get. */
export interface RoleSpec {
  /** The Cluster whose CA issues under the role. */
  readonly cluster: ClusterCoordinates;
  /** Role name, unique within the cluster's PKI. */
  readonly name: string;
  /** Domains certificates may be issued for. */
  readonly allowedDomains: readonly string[];
  /** Whether subdomains of `allowedDomains` are allowed. */
  readonly allowSubdomains: boolean;
  /** Whether the `allowedDomains` themselves are allowed. */
  readonly allowBareDomains: boolean;
  /** Whether IP subject alternative names are allowed. */
  readonly allowIPSANs: boolean;
  /** Organizations (`O=`) put in issued certificates, e.g. Kubernetes groups. */
  readonly organizations: readonly string[];
  /** Key type of issued certificates (Vault issues only with a concrete type). @default 'ec' */
  readonly keyType?: 'ec' | 'rsa';
  /** Default lifetime of issued certificates (Go duration). */
  readonly ttl?: string;
  /** Longest lifetime a request may ask for (Go duration). */
  readonly maxTTL?: string;
}

/** A certificate to issue. */
export interface IssueRequest {
  /** The Cluster whose CA issues. */
  readonly cluster: ClusterCoordinates;
  /** The role to issue under (see {@link RoleSpec}). */
  readonly role: string;
  /** Common name of the certificate. */
  readonly commonName: string;
  /** DNS subject alternative names. */
  readonly dnsNames: readonly string[];
  /** IP subject alternative names. */
  readonly ipAddresses: readonly string[];
  /** Go duration. */
  readonly ttl: string;
}

/** An issued certificate. The private key is a {@link SecretValue}: it prints as `[redacted]`. */
export interface IssuedCertificate {
  /** Leaf certificate, PEM. */
  readonly certificate: string;
  /** Issuing CA and any intermediates, PEM, leaf-first order. */
  readonly chain: readonly string[];
  /** The root CA, PEM. */
  readonly caCertificate: string;
  /** The private key, PEM, redacted when printed. */
  readonly privateKey: SecretValue;
  /** Serial number, to revoke the certificate. */
  readonly serialNumber: string;
  /** RFC 3339. */
  readonly notBefore: string;
  /** RFC 3339. */
  readonly notAfter: string;
}

/** A token to mint: it may issue from the named roles of one cluster's PKI and nothing else. */
export interface TokenRequest {
  /** The Cluster whose PKI the token may issue from. */
  readonly cluster: ClusterCoordinates;
  /**
   * Roles the token may issue from, e.g. `['worker']` for a worker node. A role whose
   * certificates carry `system:masters` (such as `admin`) is refused.
   */
  readonly roles: readonly string[];
  /** Go duration the token lives. */
  readonly ttl: string;
  /** When set, only a single-use wrapping token living this long is returned. */
  readonly wrapTTL?: string;
}

/** A token limited to some issue paths of one cluster, for guests that renew their own certificates. */
export interface ClusterToken {
  /** The token itself; absent when it was wrapped (only the guest unwraps it). */
  readonly token?: SecretValue;
  /** When wrapped: the single-use wrapping token to hand over instead. */
  readonly wrappingToken?: SecretValue;
  /** Policies attached to the token. */
  readonly policies: readonly string[];
  /** Seconds the token (or, when wrapped, the wrapping token) lives. */
  readonly ttl: number;
}

/** A PKI service with one authority per guest cluster. */
export interface PkiBackend {
  /**
   * Creates the cluster's CA for `spec.owner` if there is none; returns it either way. A CA that
   * belongs to another owner is a `Conflict`, with nothing written.
   */
  ensureAuthority(spec: AuthoritySpec): ResultAsync<AuthorityInfo, PkiError>;
  /** The cluster's CA, or `undefined` if there is none. */
  authorityInfo(cluster: ClusterCoordinates): ResultAsync<AuthorityInfo | undefined, PkiError>;
  /** Creates or updates a role (writes nothing if it is already as asked). Call only after `ensureAuthority` succeeded. */
  ensureRole(role: RoleSpec): ResultAsync<void, PkiError>;
  /** Issues a certificate under a role of the cluster's CA. */
  issue(request: IssueRequest): ResultAsync<IssuedCertificate, PkiError>;
  /** Revokes one certificate of the cluster's CA by serial number. */
  revoke(cluster: ClusterCoordinates, serialNumber: string): ResultAsync<void, PkiError>;
  /**
   * Revokes every certificate of the cluster and removes its PKI, if `owner` owns it. Succeeds,
   * touching nothing, if there is none or it belongs to someone else.
   */
  destroyAuthority(cluster: ClusterCoordinates, owner: AuthorityOwner): ResultAsync<void, PkiError>;
  /** Ensures a policy allowing exactly `issue/<role>` of each role (and reading the CA); returns its name. */
  ensureTokenPolicy(cluster: ClusterCoordinates, roles: readonly string[]): ResultAsync<string, PkiError>;
  /** Mints a token for {@link TokenRequest.roles}; `Refused` for a role that can issue `system:masters` certificates. */
  issueToken(request: TokenRequest): ResultAsync<ClusterToken, PkiError>;
}

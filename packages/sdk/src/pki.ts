/**
 * The PKI backend contract: what the CertificateAuthority and Certificate controllers need
 * from a certificate authority service, one PKI (root CA) per guest cluster. Implemented by
 * `@kubeception/pki-vault`; a test double may implement it too.
 *
 * Every call is idempotent and returns `ResultAsync<_, PkiError>`.
 */
import type { ResultAsync } from 'neverthrow';
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
  NotFound: 'NotFound',
  /** The request was malformed: terminal. */
  Invalid: 'Invalid',
} as const;
export type PkiErrorKind = (typeof PkiErrorKind)[keyof typeof PkiErrorKind];

/** A failed PKI call. `terminal` errors are not retried by controllers. */
export interface PkiError {
  readonly kind: PkiErrorKind;
  /** The service's own message (Vault's wording). */
  readonly message: string;
  readonly terminal?: true;
  readonly cause?: unknown;
}

/** Builds a {@link PkiError}, marking the kinds that retrying cannot fix as terminal. */
export function pkiError(kind: PkiErrorKind, message: string, cause?: unknown): PkiError {
  const terminal = kind === 'PermissionDenied' || kind === 'RoleViolation' || kind === 'Invalid';
  return { kind, message, ...(terminal ? { terminal: true as const } : {}), ...(cause === undefined ? {} : { cause }) };
}

/** The root CA of one guest cluster. */
export interface AuthoritySpec {
  readonly cluster: string;
  readonly commonName: string;
  /** Go duration, e.g. `87600h`. */
  readonly ttl: string;
  readonly keyType: 'ec' | 'rsa';
}

/** What is known of an existing CA. Public data only. */
export interface AuthorityInfo {
  /** Where the PKI lives (Vault: the mount path `pki-<cluster>`). */
  readonly mountPath: string;
  /** The CA certificate, PEM. */
  readonly certificate: string;
  /** RFC 3339. */
  readonly notAfter: string;
  readonly serialNumber: string;
}

/** A role: which certificates one component may get. */
export interface RoleSpec {
  readonly cluster: string;
  readonly name: string;
  readonly allowedDomains: readonly string[];
  readonly allowSubdomains: boolean;
  readonly allowBareDomains: boolean;
  readonly allowIPSANs: boolean;
  readonly organizations: readonly string[];
  /** Key type of issued certificates (Vault issues only with a concrete type). @default 'ec' */
  readonly keyType?: 'ec' | 'rsa';
  readonly ttl?: string;
  readonly maxTTL?: string;
}

/** A certificate to issue. */
export interface IssueRequest {
  readonly cluster: string;
  readonly role: string;
  readonly commonName: string;
  readonly dnsNames: readonly string[];
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
  readonly privateKey: SecretValue;
  readonly serialNumber: string;
  /** RFC 3339. */
  readonly notBefore: string;
  readonly notAfter: string;
}

/** A token limited to one cluster's issue paths, for guests that renew their own certificates. */
export interface ClusterToken {
  /** The token itself; absent when it was wrapped (only the guest unwraps it). */
  readonly token?: SecretValue;
  /** When wrapped: the single-use wrapping token to hand over instead. */
  readonly wrappingToken?: SecretValue;
  readonly policies: readonly string[];
  /** Seconds the token (or, when wrapped, the wrapping token) lives. */
  readonly ttl: number;
}

/** A PKI service with one authority per guest cluster. */
export interface PkiBackend {
  /** Creates the cluster's CA if it does not exist; returns it either way. */
  ensureAuthority(spec: AuthoritySpec): ResultAsync<AuthorityInfo, PkiError>;
  /** The cluster's CA, or `undefined` if there is none. */
  authorityInfo(cluster: string): ResultAsync<AuthorityInfo | undefined, PkiError>;
  /** Creates or updates a role (writes nothing if it is already as asked). */
  ensureRole(role: RoleSpec): ResultAsync<void, PkiError>;
  issue(request: IssueRequest): ResultAsync<IssuedCertificate, PkiError>;
  revoke(cluster: string, serialNumber: string): ResultAsync<void, PkiError>;
  /** Revokes every certificate of the cluster and removes its PKI. Succeeds if there is none. */
  destroyAuthority(cluster: string): ResultAsync<void, PkiError>;
  /** Ensures a policy that allows only the cluster's issue and CA paths; returns its name. */
  ensureClusterPolicy(cluster: string): ResultAsync<string, PkiError>;
  /** Mints a token with the cluster policy; `wrapTTL` returns a single-use wrapping token too. */
  issueClusterToken(cluster: string, options: { readonly ttl: string; readonly wrapTTL?: string }): ResultAsync<ClusterToken, PkiError>;
}

/**
 * What a Certificate asks of its CertificateAuthority that the CA cannot give (internal, pure).
 * Checked before anything is issued, and again on what Vault issued: a request the issuer cannot
 * fulfil is refused, never silently replaced by what the issuer would give instead.
 */
import { PkiErrorKind, Reason, parseDuration, type Certificate, type CertificateAuthority, type IssuedCertificate } from '@kubeception/sdk';
import { err, ok, type Result } from 'neverthrow';
import { subjectOrganizations } from './certificates.js';

/** Why a Certificate is not issued as asked: the reason and message of its `Ready=False`. */
export interface Refusal {
  /** `InvalidSpec` for a lifetime no certificate of the CA can have, `RoleViolation` for a subject its role cannot give. */
  readonly reason: typeof Reason.InvalidSpec | typeof PkiErrorKind.RoleViolation;
  /** Names the field, what was asked and what the CA allows. */
  readonly message: string;
}

type Role = CertificateAuthority['spec']['roles'][number];
type CertificateLike = Pick<Certificate, 'spec'>;
type AuthorityLike = Pick<CertificateAuthority, 'metadata' | 'spec'>;

/** The listed organizations, or `none`. */
const listOrganizations = (organizations: readonly string[]): string => (organizations.length > 0 ? organizations.join(', ') : 'none');

/**
 * Whether a certificate with `given` organizations is what was `asked`: any, when nothing was
 * asked (the role decides, as with cert-manager's Vault issuer); otherwise exactly those (as a
 * set: Kubernetes groups have no order).
 */
export function organizationsMatch(asked: readonly string[], given: readonly string[]): boolean {
  if (asked.length === 0) return true;
  const want = new Set(asked);
  const got = new Set(given);
  return want.size === got.size && [...want].every((o) => got.has(o));
}

/**
 * `spec.ttl` must fit the CA's validity (`spec.ttl` of the CA) and the role's `maxTTL`: Vault
 * would cap a longer request at the role's maxTTL, or refuse one outliving its CA. Cutting a TTL
 * to what is left of a CA is not this: `ttlWithin` does that, and `CAExpiring` reports a CA too
 * close to its end.
 */
function ttlRefusal({ spec }: CertificateLike, ca: AuthorityLike, role: Role | undefined): Refusal | undefined {
  const wanted = parseDuration(spec.ttl);
  const caTTL = parseDuration(ca.spec.ttl);
  if (wanted === undefined || caTTL === undefined) return undefined; // validation reports an unreadable ttl
  const roleMax = role?.maxTTL === undefined ? undefined : parseDuration(role.maxTTL);
  const byRole = roleMax !== undefined && roleMax < caTTL;
  if (wanted <= (byRole ? roleMax : caTTL)) return undefined;
  const maxOfRole = `the maxTTL of role ${role?.name}`;
  const message =
    wanted > caTTL
      ? `spec.ttl: ${spec.ttl} is longer than the CA's validity (${ca.spec.ttl}, CertificateAuthority ${ca.metadata.name}); at most ${byRole ? `${role?.maxTTL} (${maxOfRole})` : ca.spec.ttl}`
      : `spec.ttl: ${spec.ttl} is longer than ${maxOfRole}; at most ${role?.maxTTL}`;
  return { reason: Reason.InvalidSpec, message };
}

/**
 * `spec.organizations`, when set, must be the role's `organizations`: a Vault PKI role fixes the
 * subject's organizations and the issue endpoint takes none per request, so Vault would issue
 * the role's instead of the ones asked for.
 */
function organizationsRefusal({ spec }: CertificateLike, ca: AuthorityLike, role: Role): Refusal | undefined {
  const asked = spec.organizations ?? [];
  const given = role.organizations ?? [];
  if (organizationsMatch(asked, given)) return undefined;
  const message =
    `spec.organizations: ${listOrganizations(asked)} not allowed by role ${role.name} of CertificateAuthority ${ca.metadata.name}, which gives organizations ${listOrganizations(given)} ` +
    `(Vault puts a role's organizations in every certificate it issues); ask for exactly those or none (the role's), or use a role that gives ${listOrganizations(asked)}; nothing was issued`;
  return { reason: PkiErrorKind.RoleViolation, message };
}

/**
 * Checks a Certificate against its CA's spec before anything is issued: its lifetime, then its
 * organizations. A role the CA's spec does not have is left to Vault to answer (it may not
 * exist there yet, or any more).
 */
export function checkRequest(cert: CertificateLike, ca: AuthorityLike): Result<void, Refusal> {
  const role = (ca.spec.roles ?? []).find((r) => r.name === cert.spec.role);
  const refusal = ttlRefusal(cert, ca, role) ?? (role === undefined ? undefined : organizationsRefusal(cert, ca, role));
  return refusal === undefined ? ok(undefined) : err(refusal);
}

/**
 * Why the issued certificate is not what was asked, or `undefined`: its organizations must be
 * the requested ones. Checked on the leaf because Vault's role is what counts, and it can differ
 * from the CA's spec (an edit the CA controller has not written yet, a role changed in Vault).
 */
export function notAsAsked(cert: Pick<Certificate, 'spec'>, issued: Pick<IssuedCertificate, 'certificate' | 'serialNumber'>): string | undefined {
  const asked = cert.spec.organizations ?? [];
  const given = subjectOrganizations(issued.certificate);
  if (given !== undefined && organizationsMatch(asked, given)) return undefined;
  const got = given === undefined ? 'an unreadable subject' : `organizations ${listOrganizations(given)}`;
  return `spec.organizations: Vault issued certificate ${issued.serialNumber} under role ${cert.spec.role} with ${got}, not ${listOrganizations(asked)}; it was revoked and not written`;
}

/** When a certificate is renewed, and whether it must be re-issued now (internal, pure). */
import { createHash } from 'node:crypto';
import { parseDuration, renewBeforeMs, type Certificate, type Persisted } from '@kubeception/sdk';
import { boundedMap } from '@kubeception/sdk/runtime';
import { parsedCertificate, vaultSerial } from './certificates.js';
import { firstCertificate, issuedBy, sameCertificate } from './chain.js';

/** Up to this share of renewBefore is subtracted, per certificate, to spread renewals. */
export const RENEWAL_JITTER = 0.1;

/** notAfter − renewBefore − a jitter derived from the uid (stable for one certificate, spread across many). */
export function renewalTime(cert: Persisted<Certificate>, notAfter: string): Date {
  const before = renewBeforeMs(cert.spec);
  const hash = createHash('sha256').update(cert.metadata.uid).digest();
  const fraction = hash.readUInt32BE(0) / 0x1_0000_0000;
  return new Date(Date.parse(notAfter) - before - fraction * RENEWAL_JITTER * before);
}

/** What a Certificate's Secret holds, decoded: `tls.crt` (leaf first) and `ca.crt`. */
export interface SecretPems {
  /** `tls.crt`: the leaf, then its chain, PEM. */
  readonly certificate?: string;
  /** `ca.crt`: the CA certificate, PEM. */
  readonly ca?: string;
}

/** What a Certificate's Secret holds, checked against a CA's root (`checkPems`): what {@link issueReasonOf} decides from. */
export interface SecretCheck {
  /** `tls.crt` is there. */
  readonly certificate: boolean;
  /** Its leaf names the root as its issuer and carries a signature made with the root's key. */
  readonly issuedByCa: boolean;
  /** `ca.crt` is the root. */
  readonly caCurrent: boolean;
  /** The leaf's serial (Vault's form), when it parses. */
  readonly serial: string | undefined;
}

/** Checks a Secret's PEMs against `caPem` (the CertificateAuthority's current root); `undefined` for no Secret. */
export function checkPems(secret: SecretPems | undefined, caPem: string): SecretCheck | undefined {
  if (secret === undefined) return undefined;
  const leaf = secret.certificate === undefined ? undefined : firstCertificate(secret.certificate);
  return {
    certificate: secret.certificate !== undefined,
    issuedByCa: leaf !== undefined && issuedBy(leaf, caPem),
    caCurrent: secret.ca !== undefined && sameCertificate(secret.ca, caPem),
    serial: leaf === undefined ? undefined : serialOf(leaf),
  };
}

/**
 * Why the certificate must be issued now, or `undefined` if the current one is good. The
 * Secret's leaf must chain to `caPem` (the CertificateAuthority's current root, checked by its
 * signature) and `ca.crt` must be that root: a rotated or re-created CA re-issues everything.
 */
export function issueReason(cert: Persisted<Certificate>, secret: SecretPems | undefined, caPem: string, now: Date): string | undefined {
  return issueReasonOf(cert, checkPems(secret, caPem), now);
}

/** {@link issueReason}, from a Secret already checked against the CA's root. */
export function issueReasonOf(cert: Persisted<Certificate>, check: SecretCheck | undefined, now: Date): string | undefined {
  const status = cert.status;
  if (check?.certificate !== true) return 'the Secret is missing';
  if (!check.issuedByCa) return 'the Secret holds a certificate the current CA did not issue';
  if (!check.caCurrent) return 'the Secret’s ca.crt is not the current CA';
  if (status?.serialNumber === undefined || status.notAfter === undefined) return 'no certificate issued yet';
  if (check.serial !== status.serialNumber) return `the Secret holds certificate ${check.serial ?? 'unreadable'}, not ${status.serialNumber}`;
  // status.observedGeneration is written only when a certificate is issued: the generation it was issued for
  if (status.observedGeneration !== cert.metadata.generation) return 'the spec changed';
  if (now.getTime() >= renewalTime(cert, status.notAfter).getTime()) return 'renewal is due';
  return undefined;
}

/** The TTL to ask for: the spec's, cut so the certificate ends before its CA; `undefined` if that is too short to be worth it. */
export function ttlWithin(cert: Persisted<Certificate>, caNotAfter: string, now: Date): number | undefined {
  const wanted = parseDuration(cert.spec.ttl) ?? 0;
  const left = Date.parse(caNotAfter) - now.getTime() - 60_000;
  const ttl = Math.min(wanted, left);
  return ttl > renewBeforeMs(cert.spec) ? ttl : undefined;
}

/**
 * Serials of the certificates seen lately, by the hash of their PEM (not the PEM: a copy of every
 * certificate's text would cost a kilobyte or two per Certificate). Every reconcile of a
 * Certificate checks its Secret's certificate, and parsing the X.509 is most of what that check
 * costs; a certificate's serial never changes. Bounded: the oldest entry goes first.
 */
const serials = boundedMap<string, string | undefined>(16_384);

function serialOf(pem: string): string | undefined {
  const key = createHash('sha256').update(pem).digest('base64');
  if (serials.has(key)) return serials.get(key);
  let serial: string | undefined;
  try {
    serial = vaultSerial(parsedCertificate(pem).serialNumber);
  } catch {
    serial = undefined;
  }
  return serials.set(key, serial);
}

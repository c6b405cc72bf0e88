/** Reading public facts out of PEM certificates (internal). */
import { X509Certificate } from 'node:crypto';
import { boundedMap } from '@kubeception/sdk/runtime';

/**
 * The certificates parsed last, by their PEM. A newly issued certificate is read for its dates,
 * serial, subject and issuer within one pass, and a CA is read for each certificate it signs: one
 * parse each instead of one per question. A few, not all: a parsed certificate holds native memory.
 */
const recent = boundedMap<string, X509Certificate>(256);

/** `pem` parsed (throws as `new X509Certificate` does). */
export function parsedCertificate(pem: string): X509Certificate {
  return recent.get(pem) ?? recent.set(pem, new X509Certificate(pem));
}

/** Vault's serial format: lower-case hex pairs joined by colons. */
export function vaultSerial(hex: string): string {
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  return even.toLowerCase().match(/../g)?.join(':') ?? '';
}

/** notBefore, notAfter (RFC 3339) and the serial of a PEM certificate. */
export function certificateFacts(pem: string): { notBefore: string; notAfter: string; serialNumber: string } {
  const cert = parsedCertificate(pem);
  return {
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    serialNumber: vaultSerial(cert.serialNumber),
  };
}

/** The organizations (`O=`) of a PEM certificate's subject, or `undefined` if it cannot be read. */
export function subjectOrganizations(pem: string): string[] | undefined {
  try {
    // the legacy object gives the values unescaped (`subject` escapes `,` and `+` as RFC 2253 does)
    const o: unknown = parsedCertificate(pem).toLegacyObject().subject.O;
    return o === undefined ? [] : Array.isArray(o) ? o.map(String) : [String(o)];
  } catch {
    return undefined;
  }
}

/**
 * Does a certificate chain to a root? Decided by parsing both and checking the signature
 * (`X509Certificate.checkIssued` and `verify`), never by remembering serials (internal).
 */
import { type X509Certificate, createHash } from 'node:crypto';
import { boundedMap } from '@kubeception/sdk/runtime';
import { parsedCertificate } from './certificates.js';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** The first certificate of a PEM bundle (the leaf of `tls.crt`). */
export function firstCertificate(bundle: string): string | undefined {
  return PEM_BLOCK.exec(bundle)?.[0];
}

function parse(pem: string): X509Certificate | undefined {
  try {
    return parsedCertificate(pem);
  } catch {
    return undefined;
  }
}

/**
 * Results by the hash of both PEMs. Every reconcile of a Certificate checks its Secret against
 * the CA, and the signature check is most of what a steady-state reconcile costs; the answer for
 * two given certificates never changes. Bounded: the oldest entry goes first.
 */
const verdicts = boundedMap<string, boolean>(16_384);
const remember = (key: string, value: boolean): boolean => verdicts.set(key, value);

/** Whether `leafPem` names `caPem` as its issuer and carries a signature made with its key. */
export function issuedBy(leafPem: string, caPem: string): boolean {
  const key = createHash('sha256').update(leafPem).update('\0').update(caPem).digest('base64');
  const known = verdicts.get(key);
  if (known !== undefined) return known;
  const leaf = parse(leafPem);
  const ca = parse(caPem);
  if (leaf === undefined || ca === undefined) return remember(key, false);
  return remember(key, leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
}

/** Whether two PEM texts hold the same certificate (whitespace and line breaks aside). */
export function sameCertificate(a: string, b: string): boolean {
  const der = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
  return der(a) === der(b);
}

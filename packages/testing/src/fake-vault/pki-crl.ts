/**
 * CRLs as Vault builds them with Go's `x509.CreateRevocationList`: version 2, signed by the
 * issuer, with the Authority Key Identifier (the issuer's subject key id) and CRL Number
 * extensions, PEM-encoded as `X509 CRL` (internal).
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn from '@peculiar/asn1-x509';
import { signingAlgorithm, x509, type Issuer } from './pki-crypto.js';

/** What goes into one CRL. */
export interface CrlParams {
  readonly issuer: Issuer;
  /** Revoked certificates: serial as `aa:bb:..` and revocation time. */
  readonly revoked: readonly { readonly serial: string; readonly at: Date }[];
  /** The CRL Number (RFC 5280 §5.2.3). */
  readonly number: number;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
}

/** A built CRL: its number, DER and PEM. */
export interface BuiltCrl {
  readonly number: number;
  readonly der: Uint8Array;
  /** `-----BEGIN X509 CRL-----`, the label OpenSSL and Go read. */
  readonly pem: string;
}

/** Builds and signs a CRL. */
export async function createCrl(p: CrlParams): Promise<BuiltCrl> {
  const extensions: x509.Extension[] = [];
  const ski = p.issuer.certificate.getExtension(x509.SubjectKeyIdentifierExtension);
  if (ski) extensions.push(new x509.AuthorityKeyIdentifierExtension(ski.keyId));
  extensions.push(new x509.Extension(asn.id_ce_cRLNumber, false, AsnConvert.serialize(new asn.CRLNumber(p.number))));
  const crl = await x509.X509CrlGenerator.create({
    issuer: p.issuer.certificate.subjectName,
    thisUpdate: p.thisUpdate,
    nextUpdate: p.nextUpdate,
    extensions,
    entries: p.revoked.map((r) => ({ serialNumber: r.serial.replace(/:/g, ''), revocationDate: r.at })),
    signingKey: p.issuer.keys.privateKey,
    signingAlgorithm: signingAlgorithm(p.issuer.spec),
  });
  return { number: p.number, der: new Uint8Array(crl.rawData), pem: x509.PemConverter.encode(crl.rawData, 'X509 CRL') };
}

/**
 * Real X.509 for the PKI engine with `@peculiar/x509`: key pairs (ECDSA or RSA), self-signed
 * roots, leaves signed by a root, CSR parsing, CRLs, serials in Vault's `aa:bb:..` form (internal).
 */
import 'reflect-metadata';
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { VaultError } from './errors.js';

x509.cryptoProvider.set(webcrypto);

type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** A key type and size. */
export interface KeySpec {
  readonly type: 'ec' | 'rsa';
  readonly bits: number;
}

/** The parts of a subject Vault fills from requests and roles. */
export interface SubjectSpec {
  readonly commonName: string;
  readonly organization?: readonly string[];
  readonly ou?: readonly string[];
  readonly country?: readonly string[];
}

/** Subject alternative names. */
export interface SanSpec {
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  readonly email: readonly string[];
}

const CURVES: Readonly<Record<number, { curve: string; hash: string }>> = {
  256: { curve: 'P-256', hash: 'SHA-256' },
  384: { curve: 'P-384', hash: 'SHA-384' },
  521: { curve: 'P-521', hash: 'SHA-512' },
};

/** Validates `key_type`/`key_bits` like Vault (0 bits = the type's default). */
export function keySpec(type: string, bits: number): KeySpec {
  if (type === 'ec') {
    const b = bits === 0 ? 256 : bits;
    if (!CURVES[b]) throw VaultError.badRequest(`unsupported bit length for EC key: ${bits}`);
    return { type, bits: b };
  }
  if (type === 'rsa') {
    const b = bits === 0 ? 2048 : bits;
    if (![2048, 3072, 4096, 8192].includes(b)) throw VaultError.badRequest(`unsupported bit length for RSA key: ${bits}`);
    return { type, bits: b };
  }
  throw VaultError.badRequest(`unknown key type: ${type}`);
}

function keyAlgorithm(spec: KeySpec): webcrypto.EcKeyGenParams | webcrypto.RsaHashedKeyGenParams {
  if (spec.type === 'ec') return { name: 'ECDSA', namedCurve: CURVES[spec.bits]?.curve ?? 'P-256' };
  return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', modulusLength: spec.bits, publicExponent: new Uint8Array([1, 0, 1]) };
}

/** The algorithm a key of this spec signs with. */
export function signingAlgorithm(spec: KeySpec): webcrypto.EcdsaParams | webcrypto.Algorithm {
  if (spec.type === 'ec') return { name: 'ECDSA', hash: CURVES[spec.bits]?.hash ?? 'SHA-256' };
  return { name: 'RSASSA-PKCS1-v1_5' };
}

/** Generates a key pair (extractable, for signing). */
export function generateKeys(spec: KeySpec): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(keyAlgorithm(spec), true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

/** Exports a private key as Vault does: SEC1 (`EC PRIVATE KEY`) / PKCS#1 (`RSA PRIVATE KEY`), or PKCS#8. */
export async function exportPrivateKey(key: webcrypto.CryptoKey, spec: KeySpec, format: 'der' | 'pem' | 'pkcs8'): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const keyObject = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  if (format === 'pkcs8') return keyObject.export({ format: 'pem', type: 'pkcs8' }).toString();
  return keyObject.export({ format: 'pem', type: spec.type === 'ec' ? 'sec1' : 'pkcs1' }).toString();
}

/** A random 20-byte serial (positive, no leading zero byte) as hex. */
export function newSerialHex(): string {
  const bytes = randomBytes(20);
  bytes[0] = ((bytes[0] ?? 1) & 0x7f) | 0x01;
  return bytes.toString('hex');
}

/** `0a1b..` → `0a:1b:..` (Vault's serial_number format). */
export function formatSerial(hex: string): string {
  const even = hex.length % 2 === 1 ? `0${hex}` : hex;
  return (even.match(/../g) ?? []).join(':').toLowerCase();
}

/** Accepts `aa:bb`, `aa-bb` or `aabb`; returns `aa:bb`. */
export function normalizeSerial(serial: string): string {
  return formatSerial(serial.replace(/[:-]/g, '').toLowerCase().replace(/^(00)+(?=..)/, ''));
}

function subjectName(s: SubjectSpec): x509.JsonName {
  const name: x509.JsonName = [];
  if (s.country?.length) name.push({ C: [...s.country] });
  if (s.organization?.length) name.push({ O: [...s.organization] });
  if (s.ou?.length) name.push({ OU: [...s.ou] });
  if (s.commonName) name.push({ CN: [s.commonName] });
  return name;
}

function sanExtension(sans: SanSpec): x509.Extension[] {
  const names: x509.JsonGeneralName[] = [
    ...sans.dns.map((value) => ({ type: 'dns' as const, value })),
    ...sans.email.map((value) => ({ type: 'email' as const, value })),
    ...sans.ip.map((value) => ({ type: 'ip' as const, value })),
  ];
  return names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names, false)] : [];
}

/** Parameters of a self-signed root. */
export interface RootParams {
  readonly subject: SubjectSpec;
  readonly sans: SanSpec;
  readonly keys: CryptoKeyPair;
  readonly spec: KeySpec;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** -1 = unlimited. */
  readonly maxPathLength: number;
}

/** Creates a self-signed CA certificate like `root/generate`. */
export async function createRoot(p: RootParams): Promise<x509.X509Certificate> {
  const ski = await x509.SubjectKeyIdentifierExtension.create(p.keys.publicKey);
  return x509.X509CertificateGenerator.create({
    serialNumber: newSerialHex(),
    subject: subjectName(p.subject),
    issuer: subjectName(p.subject),
    notBefore: p.notBefore,
    notAfter: p.notAfter,
    publicKey: p.keys.publicKey,
    signingKey: p.keys.privateKey,
    signingAlgorithm: signingAlgorithm(p.spec),
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      new x509.BasicConstraintsExtension(true, p.maxPathLength >= 0 ? p.maxPathLength : undefined, true),
      ski,
      new x509.AuthorityKeyIdentifierExtension(ski.keyId),
      ...sanExtension(p.sans),
    ],
  });
}

/** The issuing CA: its certificate, keys and key spec. */
export interface Issuer {
  readonly certificate: x509.X509Certificate;
  readonly keys: CryptoKeyPair;
  readonly spec: KeySpec;
}

/** Parameters of a leaf certificate. */
export interface LeafParams {
  readonly issuer: Issuer;
  readonly publicKey: x509.PublicKeyType;
  readonly subject: SubjectSpec;
  readonly sans: SanSpec;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly keyUsage: number;
  readonly extKeyUsage: readonly string[];
}

/** Creates a leaf certificate signed by the issuer. */
export async function createLeaf(p: LeafParams): Promise<x509.X509Certificate> {
  const caSki = p.issuer.certificate.getExtension(x509.SubjectKeyIdentifierExtension);
  const extensions: x509.Extension[] = [await x509.SubjectKeyIdentifierExtension.create(p.publicKey)];
  if (caSki) extensions.push(new x509.AuthorityKeyIdentifierExtension(caSki.keyId));
  if (p.keyUsage !== 0) extensions.push(new x509.KeyUsagesExtension(p.keyUsage, true));
  if (p.extKeyUsage.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension([...p.extKeyUsage], false));
  extensions.push(...sanExtension(p.sans));
  return x509.X509CertificateGenerator.create({
    serialNumber: newSerialHex(),
    subject: subjectName(p.subject),
    issuer: p.issuer.certificate.subjectName,
    notBefore: p.notBefore,
    notAfter: p.notAfter,
    publicKey: p.publicKey,
    signingKey: p.issuer.keys.privateKey,
    signingAlgorithm: signingAlgorithm(p.issuer.spec),
    extensions,
  });
}

/** What `sign/:role` reads from a CSR. */
export interface ParsedCsr {
  readonly commonName: string;
  readonly sans: SanSpec;
  readonly publicKey: x509.PublicKey;
  readonly keyType: 'ec' | 'rsa' | 'other';
}

/** Parses and verifies a PEM CSR; 400 with Vault's wording when it is not one. */
export async function parseCsr(pem: string): Promise<ParsedCsr> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(pem);
  } catch {
    throw VaultError.badRequest('certificate request could not be parsed');
  }
  if (!(await csr.verify())) throw VaultError.badRequest('request signature invalid');
  const san = csr.extensions.find((e): e is x509.SubjectAlternativeNameExtension => e instanceof x509.SubjectAlternativeNameExtension);
  const items = san?.names.items ?? [];
  const pick = (type: string): string[] => items.filter((n) => n.type === type).map((n) => n.value);
  const alg = csr.publicKey.algorithm.name;
  return {
    commonName: csr.subjectName.getField('CN')[0] ?? '',
    sans: { dns: pick('dns'), ip: pick('ip'), email: pick('email') },
    publicKey: csr.publicKey,
    keyType: alg === 'ECDSA' ? 'ec' : alg.startsWith('RS') ? 'rsa' : 'other',
  };
}

/** A CRL of the revoked serials, signed by the issuer, PEM. */
export async function createCrl(issuer: Issuer, revoked: readonly { serial: string; at: Date }[], now: Date, nextUpdate: Date): Promise<x509.X509Crl> {
  return x509.X509CrlGenerator.create({
    issuer: issuer.certificate.subjectName,
    thisUpdate: now,
    nextUpdate,
    entries: revoked.map((r) => ({ serialNumber: r.serial.replace(/:/g, ''), revocationDate: r.at })),
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: signingAlgorithm(issuer.spec),
  });
}

export { x509 };

/**
 * Real X.509 for the PKI engine with `@peculiar/x509`: key pairs (ECDSA or RSA), self-signed
 * roots, CSR parsing, serials in Vault's `aa:bb:..` form (internal; CRLs are in `pki-crl.ts`).
 *
 * Leaves, issued thousands of times where a root is made once, are built from
 * `@peculiar/asn1-x509` structures and signed with Node's crypto: `@peculiar/x509`'s generator
 * signs through WebCrypto and parses every certificate it made back into an object, which cost
 * about five times as much per certificate.
 */
import 'reflect-metadata';
import { createHash, createPrivateKey, generateKeyPair, KeyObject, randomBytes, sign, webcrypto } from 'node:crypto';
import { promisify } from 'node:util';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as asn from '@peculiar/asn1-x509';
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
  return formatSerial(
    serial
      .replace(/[:-]/g, '')
      .toLowerCase()
      .replace(/^(00)+(?=..)/, ''),
  );
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

/** A leaf's key pair: the public key as SPKI DER, the private key as a Node key object. */
export interface LeafKeys {
  readonly publicKey: Uint8Array;
  readonly privateKey: KeyObject;
}

const generateKeyPairAsync = promisify(generateKeyPair);
const NODE_CURVES: Readonly<Record<number, string>> = { 256: 'prime256v1', 384: 'secp384r1', 521: 'secp521r1' };

/** Generates a leaf's key pair (off the event loop: RSA takes hundreds of milliseconds). */
export async function generateLeafKeys(spec: KeySpec): Promise<LeafKeys> {
  const { publicKey, privateKey } =
    spec.type === 'ec'
      ? await generateKeyPairAsync('ec', { namedCurve: NODE_CURVES[spec.bits] ?? 'prime256v1' })
      : await generateKeyPairAsync('rsa', { modulusLength: spec.bits, publicExponent: 0x10001 });
  return { publicKey: publicKey.export({ type: 'spki', format: 'der' }), privateKey };
}

/** Exports a leaf's private key as Vault does: SEC1 / PKCS#1 PEM, or PKCS#8. */
export function exportLeafKey(key: KeyObject, spec: KeySpec, format: 'der' | 'pem' | 'pkcs8'): string {
  if (format === 'pkcs8') return key.export({ format: 'pem', type: 'pkcs8' }).toString();
  return key.export({ format: 'pem', type: spec.type === 'ec' ? 'sec1' : 'pkcs1' }).toString();
}

/** Parameters of a leaf certificate. */
export interface LeafParams {
  readonly issuer: Issuer;
  /** The subject's public key, SPKI DER (a generated key's, or a CSR's). */
  readonly publicKey: Uint8Array | ArrayBuffer;
  readonly subject: SubjectSpec;
  readonly sans: SanSpec;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly keyUsage: number;
  readonly extKeyUsage: readonly string[];
}

/** A leaf certificate as PEM, and its serial number as hex. */
export interface Leaf {
  readonly pem: string;
  readonly serialNumber: string;
}

/** What a leaf needs of its issuer, worked out once per issuer. */
interface SigningIssuer {
  readonly name: asn.Name;
  readonly keyId: ArrayBuffer | undefined;
  readonly key: KeyObject;
  readonly hash: string;
  readonly algorithm: asn.AlgorithmIdentifier;
  /** `algorithm`, DER. */
  readonly algorithmDer: Buffer;
}

const SIGNATURE_OIDS: Readonly<Record<string, string>> = {
  'SHA-256': '1.2.840.10045.4.3.2',
  'SHA-384': '1.2.840.10045.4.3.3',
  'SHA-512': '1.2.840.10045.4.3.4',
};
const signingIssuers = new WeakMap<Issuer, SigningIssuer>();

function signingIssuer(issuer: Issuer): SigningIssuer {
  let known = signingIssuers.get(issuer);
  if (known === undefined) {
    const hash = issuer.spec.type === 'ec' ? (CURVES[issuer.spec.bits]?.hash ?? 'SHA-256') : 'SHA-256';
    // ECDSA signature algorithms have no parameters; sha256WithRSAEncryption has an explicit NULL
    const algorithm =
      issuer.spec.type === 'ec'
        ? new asn.AlgorithmIdentifier({ algorithm: SIGNATURE_OIDS[hash] ?? '1.2.840.10045.4.3.2' })
        : new asn.AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.11', parameters: null });
    const ski = issuer.certificate.getExtension(x509.SubjectKeyIdentifierExtension);
    known = {
      name: AsnConvert.parse(issuer.certificate.subjectName.toArrayBuffer(), asn.Name),
      keyId: ski ? hexBytes(ski.keyId) : undefined,
      key: KeyObject.from(issuer.keys.privateKey),
      hash: hash.replace('-', '').toLowerCase(),
      algorithm,
      algorithmDer: Buffer.from(AsnConvert.serialize(algorithm)),
    };
    signingIssuers.set(issuer, known);
  }
  return known;
}

/** A DER tag-length-value: `tag`, the definite length of `content` (short or long form), `content`. */
function derTlv(tag: number, content: Buffer): Buffer {
  if (content.length < 0x80) return Buffer.concat([Buffer.of(tag, content.length), content]);
  const length: number[] = [];
  for (let n = content.length; n > 0; n = Math.floor(n / 256)) length.unshift(n % 256);
  return Buffer.concat([Buffer.of(tag, 0x80 | length.length, ...length), content]);
}

const hexBytes = (hex: string): ArrayBuffer => new Uint8Array(Buffer.from(hex, 'hex')).buffer;
const extension = (id: string, critical: boolean, value: unknown) =>
  new asn.Extension({ extnID: id, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });

/** Creates a leaf certificate signed by the issuer. */
export function createLeaf(p: LeafParams): Leaf {
  const issuer = signingIssuer(p.issuer);
  const spki = AsnConvert.parse(p.publicKey, asn.SubjectPublicKeyInfo);
  // the key identifier of RFC 5280 §4.2.1.2 (1): SHA-1 of the subject public key's bits
  const extensions = [
    extension(asn.id_ce_subjectKeyIdentifier, false, new asn.SubjectKeyIdentifier(createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest())),
  ];
  if (issuer.keyId)
    extensions.push(extension(asn.id_ce_authorityKeyIdentifier, false, new asn.AuthorityKeyIdentifier({ keyIdentifier: new asn.KeyIdentifier(issuer.keyId) })));
  if (p.keyUsage !== 0) extensions.push(extension(asn.id_ce_keyUsage, true, new asn.KeyUsage(p.keyUsage)));
  if (p.extKeyUsage.length > 0) extensions.push(extension(asn.id_ce_extKeyUsage, false, new asn.ExtendedKeyUsage([...p.extKeyUsage])));
  const names = [
    ...p.sans.dns.map((dNSName) => new asn.GeneralName({ dNSName })),
    ...p.sans.email.map((rfc822Name) => new asn.GeneralName({ rfc822Name })),
    ...p.sans.ip.map((iPAddress) => new asn.GeneralName({ iPAddress })),
  ];
  if (names.length > 0) extensions.push(extension(asn.id_ce_subjectAltName, false, new asn.SubjectAlternativeName(names)));
  const serialNumber = newSerialHex();
  const tbsCertificate = new asn.TBSCertificate({
    version: asn.Version.v3,
    serialNumber: hexBytes(serialNumber),
    signature: issuer.algorithm,
    issuer: issuer.name,
    validity: new asn.Validity({ notBefore: p.notBefore, notAfter: p.notAfter }),
    subject: AsnConvert.parse(new x509.Name(subjectName(p.subject)).toArrayBuffer(), asn.Name),
    subjectPublicKeyInfo: spki,
    extensions: new asn.Extensions(extensions),
  });
  const tbs = Buffer.from(AsnConvert.serialize(tbsCertificate));
  const signatureValue = sign(issuer.hash, tbs, p.issuer.spec.type === 'ec' ? { key: issuer.key, dsaEncoding: 'der' } : issuer.key);
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }:
  // the encoded TBS is reused rather than encoded a second time inside the whole certificate
  const der = derTlv(0x30, Buffer.concat([tbs, issuer.algorithmDer, derTlv(0x03, Buffer.concat([Buffer.of(0), signatureValue]))]));
  return { pem: `-----BEGIN CERTIFICATE-----\n${(der.toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`, serialNumber };
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

export { x509 };

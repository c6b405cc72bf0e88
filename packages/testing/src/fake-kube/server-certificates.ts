/**
 * The certificates of a fake served over HTTPS: a self-signed CA and a server certificate for
 * `127.0.0.1` (IP SAN) and `localhost` (DNS SAN), ECDSA P-256, made at start, and client
 * certificates the CA signs on request.
 * Loaded only when `tls` is on or `generateServerCertificates` (./serving-certificates.ts) is
 * called, so plain-HTTP users do not load `reflect-metadata`.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

type KeyPair = webcrypto.CryptoKeyPair;

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' };
const HOUR_MS = 3_600_000;
const YEAR_MS = 365 * 24 * HOUR_MS;

/** PEM-encoded CA certificate, server certificate and the server's PKCS #8 private key. */
export interface ServerCertificates {
  /** The self-signed CA (what a kubeconfig's `certificate-authority-data` carries). */
  readonly caCertificate: string;
  /** The server certificate, signed by the CA. */
  readonly certificate: string;
  /** The server certificate's private key (PKCS #8). */
  readonly privateKey: string;
}

function generateKeys(): Promise<KeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

/** Validity from an hour ago (clock skew) to a year from now. */
function validity(): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - HOUR_MS), notAfter: new Date(now + YEAR_MS) };
}

async function createCa(keys: KeyPair): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=fake-kube-ca,O=kubeception',
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    ...validity(),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
}

/** A certificate the CA signs for `keys`: not a CA, for digital signatures, with `usage` and `extra` extensions. */
async function createSigned(
  ca: x509.X509Certificate,
  caKeys: KeyPair,
  keys: KeyPair,
  subject: x509.Name | string,
  usage: x509.ExtendedKeyUsage,
  extra: x509.Extension[],
): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.create({
    subject,
    issuer: ca.subject,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    ...validity(),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([usage]),
      ...extra,
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
}

/** The names a server certificate is for. */
export interface ServerNames {
  /** IP addresses (IP SANs), e.g. `127.0.0.1`. */
  readonly ip: readonly string[];
  /** DNS names (DNS SANs), e.g. `localhost`. */
  readonly dns: readonly string[];
}

const LOCAL: ServerNames = { ip: ['127.0.0.1'], dns: ['localhost'] };

/** The server certificate: for 127.0.0.1 and localhost, unless told other names. */
async function createLeaf(ca: x509.X509Certificate, caKeys: KeyPair, keys: KeyPair, names: ServerNames): Promise<x509.X509Certificate> {
  const sans = new x509.SubjectAlternativeNameExtension([
    ...names.ip.map((value) => ({ type: 'ip' as const, value })),
    ...names.dns.map((value) => ({ type: 'dns' as const, value })),
  ]);
  return createSigned(ca, caKeys, keys, 'CN=fake-kube-apiserver', x509.ExtendedKeyUsage.serverAuth, [
    sans,
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ]);
}

/** A client certificate and its private key (PKCS #8), PEM. */
export interface ClientCertificate {
  /** The certificate, PEM. */
  readonly certificate: string;
  /** Its private key, PKCS #8 PEM. */
  readonly privateKey: string;
}

/** A client certificate for `commonName` with `groups` as its organizations, as kube-apiserver's x509 authenticator reads them. */
function createClient(ca: x509.X509Certificate, caKeys: KeyPair, keys: KeyPair, commonName: string, groups: readonly string[]): Promise<x509.X509Certificate> {
  return createSigned(
    ca,
    caKeys,
    keys,
    new x509.Name([{ CN: [commonName] }, ...groups.map((group) => ({ O: [group] }))]),
    x509.ExtendedKeyUsage.clientAuth,
    [],
  );
}

const pem = async (keys: KeyPair) => x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');

/** The server's certificates, and its CA's signing of client certificates. */
export interface ServerPki extends ServerCertificates {
  /** Signs a client certificate for `commonName` with `groups` as its organizations (kube-apiserver reads them as user and groups). */
  issueClientCertificate(commonName: string, groups?: readonly string[]): Promise<ClientCertificate>;
}

/** Generates a fresh CA and a server certificate for 127.0.0.1 and localhost (or `names`). */
export async function generateServerCertificates(names: ServerNames = LOCAL): Promise<ServerPki> {
  const [caKeys, keys] = await Promise.all([generateKeys(), generateKeys()]);
  const ca = await createCa(caKeys);
  const leaf = await createLeaf(ca, caKeys, keys, names);
  return {
    caCertificate: ca.toString('pem'),
    certificate: leaf.toString('pem'),
    privateKey: await pem(keys),
    issueClientCertificate: async (commonName, groups = []) => {
      const clientKeys = await generateKeys();
      const certificate = await createClient(ca, caKeys, clientKeys, commonName, groups);
      return { certificate: certificate.toString('pem'), privateKey: await pem(clientKeys) };
    },
  };
}

/**
 * Throwaway mutual-TLS material for system tests (a CA, a server and a client certificate, ECDSA
 * P-256), made with the Vault fake's X.509 helpers: enough for etcd's `--client-cert-auth`.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createLeaf, createRoot, exportLeafKey, generateKeys, generateLeafKeys, keySpec } from '../fake-vault/pki-crypto.js';

/** PEM files for a server requiring client certificates, and one client. */
export interface TestTls {
  /** The throwaway CA's certificate, PEM: what clients trust and the server checks clients against. */
  readonly caCert: string;
  /** The server's certificate (for `127.0.0.1` and `localhost`), PEM. */
  readonly serverCert: string;
  /** The server's private key, PKCS #8 PEM. */
  readonly serverKey: string;
  /** A client certificate the CA signed, PEM. */
  readonly clientCert: string;
  /** The client certificate's private key, PKCS #8 PEM. */
  readonly clientKey: string;
}

/** Creates a CA and a server certificate for `127.0.0.1` and `localhost`, plus a client certificate `commonName`. */
export async function createTestTls(commonName = 'kubeception-test-client'): Promise<TestTls> {
  const spec = keySpec('ec', 256);
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 24 * 3600_000);
  const caKeys = await generateKeys(spec);
  const ca = await createRoot({
    subject: { commonName: 'kubeception test CA' },
    sans: { dns: [], ip: [], email: [] },
    keys: caKeys,
    spec,
    notBefore,
    notAfter,
    maxPathLength: 0,
  });
  const issuer = { certificate: ca, keys: caKeys, spec };
  const leaf = async (cn: string, sans: { dns: string[]; ip: string[] }, usages: string[]) => {
    const keys = await generateLeafKeys(spec);
    const usage = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment;
    const certificate = createLeaf({
      issuer,
      publicKey: keys.publicKey,
      subject: { commonName: cn },
      sans: { ...sans, email: [] },
      notBefore,
      notAfter,
      keyUsage: usage,
      extKeyUsage: usages,
    });
    return { cert: certificate.pem, key: exportLeafKey(keys.privateKey, spec, 'pkcs8') };
  };
  const server = await leaf('127.0.0.1', { dns: ['localhost'], ip: ['127.0.0.1'] }, [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]);
  const client = await leaf(commonName, { dns: [], ip: [] }, [x509.ExtendedKeyUsage.clientAuth]);
  return { caCert: ca.toString('pem'), serverCert: server.cert, serverKey: server.key, clientCert: client.cert, clientKey: client.key };
}

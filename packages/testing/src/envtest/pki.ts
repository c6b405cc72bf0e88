/**
 * The control plane's key material, written into its temporary folder (internal): a CA and a
 * serving certificate for 127.0.0.1 and localhost (the fake's own generator), an admin client
 * certificate (`kubernetes-admin`, O=`system:masters`), and an RSA key pair signing service-account
 * tokens.
 */
import { generateKeyPair } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateServerCertificates, type ClientCertificate, type ServerPki } from '../fake-kube/server-certificates.js';

/** The files' paths, and the PEMs a kubeconfig needs. */
export interface ControlPlanePki {
  readonly pki: ServerPki;
  readonly admin: ClientCertificate;
  readonly files: {
    readonly caCertificate: string;
    readonly servingCertificate: string;
    readonly servingKey: string;
    readonly serviceAccountKey: string;
    readonly serviceAccountPublicKey: string;
  };
}

/** Creates the key material and writes it to `dir` (mode 0600). */
export async function writeControlPlanePki(dir: string): Promise<ControlPlanePki> {
  const [pki, serviceAccount] = await Promise.all([
    generateServerCertificates(),
    promisify(generateKeyPair)('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    }),
  ]);
  const admin = await pki.issueClientCertificate('kubernetes-admin', ['system:masters']);
  const files = {
    caCertificate: join(dir, 'ca.crt'),
    servingCertificate: join(dir, 'apiserver.crt'),
    servingKey: join(dir, 'apiserver.key'),
    serviceAccountKey: join(dir, 'sa.key'),
    serviceAccountPublicKey: join(dir, 'sa.pub'),
  };
  const contents: [string, string][] = [
    [files.caCertificate, pki.caCertificate],
    [files.servingCertificate, pki.certificate],
    [files.servingKey, pki.privateKey],
    [files.serviceAccountKey, serviceAccount.privateKey],
    [files.serviceAccountPublicKey, serviceAccount.publicKey],
  ];
  await Promise.all(contents.map(([path, pem]) => writeFile(path, pem, { mode: 0o600 })));
  return { pki, admin, files };
}

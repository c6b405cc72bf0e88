/**
 * Throwaway certificates for serving a fake over HTTPS under names of your choosing (the public
 * face of `./server-certificates.ts`, which it loads on first use so that importing the package
 * does not load the X.509 code for the fake API server).
 */
import type { ServerNames, ServerPki } from './server-certificates.js';

/**
 * Generates a fresh CA and a server certificate it signs for `names` (by default `127.0.0.1` as an
 * IP SAN and `localhost` as a DNS SAN), ECDSA P-256, valid from an hour ago for a year, and signs
 * client certificates on request: what `startFakeKube({ tls: true })` makes for itself, for when a
 * test needs the server under another name, e.g. a guest cluster's API domain that the code under
 * test verifies while it dials `127.0.0.1`.
 *
 * @example
 * ```ts
 * const pki = await generateServerCertificates({ ip: [], dns: ['api.demo.example.com'] });
 * const guest = await startFakeKube({ tls: pki, clientCertificates: true });
 * const admin = await pki.issueClientCertificate('admin', ['system:masters']);
 * ```
 */
export async function generateServerCertificates(names?: ServerNames): Promise<ServerPki> {
  const { generateServerCertificates: generate } = await import('./server-certificates.js');
  return generate(names);
}

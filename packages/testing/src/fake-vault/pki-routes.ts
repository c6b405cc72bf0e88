/** The PKI engine's API paths, relative to its mount (internal). */
import { VaultError } from './errors.js';
import type { PkiEngine } from './pki-engine.js';
import { normalizeSerial } from './pki-crypto.js';
import { parseRole, roleData } from './pki-roles.js';
import { noContent, ok, type Reply, type Route } from './types.js';

const MOUNT_TYPE = { mount_type: 'pki' };

function keys(names: Iterable<string>): Reply {
  const sorted = [...names].sort();
  if (sorted.length === 0) return { status: 404, body: { errors: [] } };
  return ok({ data: { keys: sorted }, ...MOUNT_TYPE });
}

function pemReply(pem: string): Reply {
  return { status: 200, raw: { contentType: 'application/pem-certificate-chain', data: pem } };
}

function certData(pem: string, revokedAt: Date | undefined): Reply {
  const revocation = revokedAt ? Math.floor(revokedAt.getTime() / 1000) : 0;
  return ok({
    data: {
      certificate: pem,
      revocation_time: revocation,
      revocation_time_rfc3339: revokedAt ? revokedAt.toISOString().replace(/\.\d+Z$/, 'Z') : '',
      ca_chain: null,
    },
    ...MOUNT_TYPE,
  });
}

function fetchRoutes(pki: PkiEngine): Route[] {
  const caPem = () => pki.requireIssuer().pem;
  return [
    {
      pattern: /^ca$/,
      unauthenticated: true,
      read: () => ({ status: 200, raw: { contentType: 'application/pkix-cert', data: new Uint8Array(pki.requireIssuer().certificate.rawData) } }),
    },
    { pattern: /^ca\/pem$/, unauthenticated: true, read: () => pemReply(caPem()) },
    { pattern: /^ca_chain$/, unauthenticated: true, read: () => pemReply(caPem()) },
    { pattern: /^cert\/ca$/, unauthenticated: true, read: () => certData(caPem(), undefined) },
    {
      pattern: /^cert\/ca_chain$/,
      unauthenticated: true,
      read: () => ok({ data: { certificate: caPem(), ca_chain: [caPem()], revocation_time: 0 }, ...MOUNT_TYPE }),
    },
    { pattern: /^crl$/, unauthenticated: true, read: async () => ({ status: 200, raw: { contentType: 'application/pkix-crl', data: (await pki.crl()).der } }) },
    { pattern: /^crl\/pem$/, unauthenticated: true, read: async () => pemReply((await pki.crl()).pem) },
    {
      pattern: /^cert\/crl$/,
      unauthenticated: true,
      read: async () => ok({ data: { certificate: (await pki.crl()).pem, revocation_time: 0 }, ...MOUNT_TYPE }),
    },
    {
      pattern: /^crl\/rotate$/,
      read: async () => {
        await pki.rebuildCrl();
        return ok({ data: { success: true }, ...MOUNT_TYPE });
      },
    },
    {
      pattern: /^cert\/([^/]+)$/,
      unauthenticated: true,
      read: (_req, [serial = '']) => {
        const c = pki.certs.get(normalizeSerial(serial));
        if (!c) throw VaultError.notFound();
        return certData(c.pem, c.revokedAt);
      },
    },
    { pattern: /^certs$/, list: () => keys(pki.certs.keys()) },
    { pattern: /^certs\/revoked$/, list: () => keys([...pki.certs.values()].filter((c) => c.revokedAt).map((c) => c.serial)) },
  ];
}

function roleRoutes(pki: PkiEngine): Route[] {
  return [
    { pattern: /^roles$/, list: () => keys(pki.roles.keys()) },
    {
      pattern: /^roles\/([^/]+)$/,
      exists: ([name = '']) => pki.roles.has(name),
      read: (_req, [name = '']) => {
        const role = pki.roles.get(name);
        if (!role) throw VaultError.notFound();
        return ok({ data: roleData(role), ...MOUNT_TYPE });
      },
      write: (req, [name = '']) => {
        pki.roles.set(name, parseRole(req.body, pki.defaultKeyType));
        return noContent();
      },
      delete: (_req, [name = '']) => {
        pki.roles.delete(name);
        return noContent();
      },
    },
  ];
}

/** Every path of a PKI mount. */
export function pkiRoutes(pki: PkiEngine): Route[] {
  let lastTidy = { cert_store_deleted_count: 0, revoked_cert_deleted_count: 0, state: 'Inactive' };
  return [
    ...fetchRoutes(pki),
    ...roleRoutes(pki),
    {
      pattern: /^root\/generate\/([^/]+)$/,
      write: async (req, [type = '']) => ok({ ...(await pki.generateRoot(type, req.body)), ...MOUNT_TYPE }),
    },
    {
      pattern: /^root$/,
      delete: () => {
        pki.deleteRoot();
        return noContent();
      },
    },
    { pattern: /^issue\/([^/]+)$/, write: async (req, [role = '']) => ok({ ...(await pki.issue(role, req.body, false)), ...MOUNT_TYPE }) },
    { pattern: /^sign\/([^/]+)$/, write: async (req, [role = '']) => ok({ ...(await pki.issue(role, req.body, true)), ...MOUNT_TYPE }) },
    { pattern: /^revoke$/, write: async (req) => ok({ data: await pki.revoke(req.body), ...MOUNT_TYPE }) },
    {
      pattern: /^tidy$/,
      write: async (req) => {
        const result = await pki.tidy(req.body);
        lastTidy = { cert_store_deleted_count: result.removedCerts, revoked_cert_deleted_count: result.removedRevoked, state: 'Finished' };
        return { ...ok({ warnings: result.warnings, ...MOUNT_TYPE }), status: 202 };
      },
    },
    { pattern: /^tidy-status$/, read: () => ok({ data: lastTidy, ...MOUNT_TYPE }) },
  ];
}

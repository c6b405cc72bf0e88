import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeys, keySpec, x509 } from './pki-crypto.js';
import { failure, inProcess, setupPki, type InProcess } from './test-support.js';

type Issued = {
  data: {
    certificate: string;
    issuing_ca: string;
    ca_chain: string[];
    private_key: string;
    private_key_type: string;
    serial_number: string;
    expiration: number;
  };
  warnings: string[] | null;
};

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
})();

let t: InProcess;
let caPem: string;
beforeAll(async () => {
  t = inProcess();
  caPem = await setupPki(t.root, 'pki-a', {
    api: { allowed_domains: ['example.com'], allow_subdomains: true, organization: ['system:masters'], max_ttl: '72h', ttl: '24h' },
  });
});
afterAll(() => t.close());

describe('mounts', () => {
  it('enables, lists, tunes, reads and disables a pki mount', async () => {
    await t.root.mount({ mount_point: 'pki-m', type: 'pki', config: { max_lease_ttl: '1h' } });
    const mounts = (await t.root.mounts()) as Record<string, { type: string; config: { max_lease_ttl: number } }>;
    expect(mounts['pki-m/']).toMatchObject({ type: 'pki', config: { max_lease_ttl: 3600 } });
    expect(mounts['sys/']?.type).toBe('system');
    await t.root.write('sys/mounts/pki-m/tune', { max_lease_ttl: '2h', default_lease_ttl: '30m' });
    expect((await t.root.read('sys/mounts/pki-m/tune')).data).toMatchObject({ max_lease_ttl: 7200, default_lease_ttl: 1800 });
    expect((await t.root.read('sys/mounts/pki-m')).data).toMatchObject({ type: 'pki', config: { max_lease_ttl: 7200 } });
    expect(await failure(t.root.read('sys/mounts/pki-none'))).toEqual({ status: 400, message: 'No secret engine mount at pki-none/' });
    expect(await failure(t.root.mount({ mount_point: 'pki-m', type: 'pki' }))).toEqual({ status: 400, message: 'path is already in use at pki-m/' });
    expect(await failure(t.root.mount({ mount_point: 'kv-x', type: 'kv' }))).toMatchObject({ status: 400 });
    await t.root.unmount({ mount_point: 'pki-m' });
    await t.root.unmount({ mount_point: 'pki-m' }); // idempotent like Vault
    expect(t.vault.state.mounts()).toEqual(['pki-a/']);
  });

  it('answers 404 with Vault wording on paths nothing serves', async () => {
    expect(await failure(t.root.read('nothing/here'))).toEqual({ status: 404, message: 'no handler for route "nothing/here". route entry not found.' });
  });
});

describe('root CA', () => {
  it('generates an internal root (no key returned) and serves it on cert/ca, ca/pem, ca_chain, cert/ca_chain', async () => {
    const ca = new X509Certificate(caPem);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toBe('CN=pki-a-ca');
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect((await t.root.read('pki-a/cert/ca')).data.certificate).toBe(caPem);
    expect((await t.root.read('pki-a/cert/ca_chain')).data.ca_chain).toEqual([caPem]);
    const raw = await fetch('http://vault.test:8200/v1/pki-a/ca_chain');
    expect(raw.headers.get('content-type')).toContain('pem');
    expect(await raw.text()).toBe(caPem);
    expect(await (await fetch('http://vault.test:8200/v1/pki-a/ca/pem')).text()).toBe(caPem);
    const der = new Uint8Array(await (await fetch('http://vault.test:8200/v1/pki-a/ca')).arrayBuffer());
    expect(new X509Certificate(der).fingerprint256).toBe(ca.fingerprint256);
  });

  it('exported roots return the private key; a missing issuer is Vault’s 400', async () => {
    await t.root.mount({ mount_point: 'pki-x', type: 'pki' });
    expect(await failure(t.root.read('pki-x/cert/ca'))).toEqual({ status: 400, message: 'no default issuer currently configured' });
    const res = (await t.root.write('pki-x/root/generate/exported', { common_name: 'x-ca', ttl: '87600h' })) as Issued;
    expect(res.data.private_key).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    expect(res.data.serial_number).toMatch(/^([0-9a-f]{2}:){19}[0-9a-f]{2}$/);
    expect(res.warnings?.[0]).toBe('TTL "87600h0m0s" is longer than permitted maxTTL "768h0m0s", so maxTTL is being used');
    await t.root.unmount({ mount_point: 'pki-x' });
  });
});

describe('issue', () => {
  it('issues an ECDSA P-256 leaf with SANs, key usage, EKU, O and a chain to the CA', async () => {
    const res = (await t.root.write('pki-a/issue/api', {
      common_name: 'api.example.com',
      alt_names: 'kubernetes.example.com',
      ip_sans: '10.0.0.1,127.0.0.1',
    })) as Issued;
    const leaf = new X509Certificate(res.data.certificate);
    const ca = new X509Certificate(caPem);
    expect(leaf.subject.split('\n')).toEqual(['O=system:masters', 'CN=api.example.com']);
    expect(leaf.subjectAltName).toBe('DNS:api.example.com, DNS:kubernetes.example.com, IP Address:10.0.0.1, IP Address:127.0.0.1');
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(leaf.checkHost('api.example.com')).toBe('api.example.com');
    expect(leaf.checkIP('10.0.0.1')).toBe('10.0.0.1');
    expect(leaf.serialNumber.toLowerCase()).toBe(res.data.serial_number.replace(/:/g, ''));
    expect(res.data).toMatchObject({ issuing_ca: caPem, ca_chain: [caPem], private_key_type: 'ec' });
    const parsed = new x509.X509Certificate(res.data.certificate);
    const ku = parsed.getExtension(x509.KeyUsagesExtension);
    expect(ku?.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement | x509.KeyUsageFlags.keyEncipherment);
    expect(ku?.critical).toBe(true);
    expect(new Date(leaf.validTo).getTime() - Date.now()).toBeGreaterThan(23 * 3600_000); // role ttl 24h
    expect((await t.root.read(`pki-a/cert/${res.data.serial_number}`)).data.certificate).toBe(res.data.certificate);
    expect((await t.root.list('pki-a/certs')).data.keys).toContain(res.data.serial_number);
  });

  it('issues RSA-2048 when the role asks for it', async () => {
    await t.root.write('pki-a/roles/rsa', { allowed_domains: 'example.com', allow_subdomains: true, key_type: 'rsa', key_bits: 2048 });
    const res = (await t.root.write('pki-a/issue/rsa', { common_name: 'r.example.com', private_key_format: 'pkcs8' })) as Issued;
    const leaf = new X509Certificate(res.data.certificate);
    expect(leaf.publicKey.asymmetricKeyType).toBe('rsa');
    expect(leaf.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(res.data.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(leaf.verify(new X509Certificate(caPem).publicKey)).toBe(true);
  });

  it('signs leaves with an RSA root (sha256WithRSAEncryption) and a P-384 root (ecdsa-with-SHA384)', async () => {
    for (const [mount, root] of [
      ['pki-rsa', { key_type: 'rsa', key_bits: 2048 }],
      ['pki-p384', { key_type: 'ec', key_bits: 384 }],
    ] as const) {
      await t.root.mount({ mount_point: mount, type: 'pki', config: { max_lease_ttl: '87600h' } });
      const ca = (await t.root.write(`${mount}/root/generate/internal`, { common_name: `${mount}.example.com`, ttl: '8760h', ...root })).data
        .certificate as string;
      await t.root.write(`${mount}/roles/web`, { allowed_domains: 'example.com', allow_subdomains: true, key_type: 'ec' });
      const res = (await t.root.write(`${mount}/issue/web`, { common_name: 'w.example.com', ip_sans: '10.1.2.3' })) as Issued;
      const leaf = new X509Certificate(res.data.certificate);
      expect(leaf.verify(new X509Certificate(ca).publicKey)).toBe(true);
      expect(leaf.checkIssued(new X509Certificate(ca))).toBe(true);
      expect(leaf.subjectAltName).toBe('DNS:w.example.com, IP Address:10.1.2.3');
      const parsed = new x509.X509Certificate(res.data.certificate);
      expect(parsed.signatureAlgorithm).toMatchObject(
        root.key_type === 'rsa' ? { name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } } : { name: 'ECDSA', hash: { name: 'SHA-384' } },
      );
      expect(res.data.private_key).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    }
  });

  it.skipIf(!hasOpenssl)('leaf chains pass `openssl verify` (skipped when openssl is missing)', async () => {
    const res = (await t.root.write('pki-a/issue/api', { common_name: 'etcd.example.com', ip_sans: '127.0.0.1' })) as Issued;
    const dir = mkdtempSync(join(tmpdir(), 'fake-vault-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), caPem);
      writeFileSync(join(dir, 'leaf.pem'), res.data.certificate);
      const out = execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'leaf.pem')]).toString();
      expect(out.trim()).toBe(`${join(dir, 'leaf.pem')}: OK`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('signs a CSR with the CSR’s names and key, enforcing the role', async () => {
    const keys = await generateKeys(keySpec('ec', 256));
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=worker.example.com',
      keys,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      extensions: [
        new x509.SubjectAlternativeNameExtension([
          { type: 'dns', value: 'w1.example.com' },
          { type: 'ip', value: '10.1.0.1' },
        ]),
      ],
    });
    const res = (await t.root.write('pki-a/sign/api', { csr: csr.toString('pem') })) as Issued;
    expect(res.data.private_key).toBeUndefined();
    const leaf = new X509Certificate(res.data.certificate);
    expect(leaf.subjectAltName).toBe('DNS:w1.example.com, DNS:worker.example.com, IP Address:10.1.0.1');
    const spki = Buffer.from(await globalThis.crypto.subtle.exportKey('spki', keys.publicKey));
    expect(leaf.publicKey.export({ type: 'spki', format: 'der' }).equals(spki)).toBe(true);
    const bad = await x509.Pkcs10CertificateRequestGenerator.create({ name: 'CN=evil.org', keys, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } });
    expect(await failure(t.root.write('pki-a/sign/api', { csr: bad.toString('pem') }))).toEqual({
      status: 400,
      message: 'common name evil.org not allowed by this role',
    });
    expect(await failure(t.root.write('pki-a/sign/rsa', { csr: csr.toString('pem') }))).toEqual({ status: 400, message: 'role requires keys of type rsa' });
  });
});

describe('revoke, CRL, tidy', () => {
  it('revokes by serial, lists revoked certs and puts them in the CRL', async () => {
    const res = (await t.root.write('pki-a/issue/api', { common_name: 'gone.example.com' })) as Issued;
    const revoked = await t.root.write('pki-a/revoke', { serial_number: res.data.serial_number });
    expect(revoked.data).toMatchObject({ state: 'revoked' });
    expect(revoked.data.revocation_time).toBeGreaterThan(0);
    expect((await t.root.read(`pki-a/cert/${res.data.serial_number}`)).data.revocation_time).toBe(revoked.data.revocation_time);
    expect((await t.root.list('pki-a/certs/revoked')).data.keys).toEqual([res.data.serial_number]);
    const crl = new x509.X509Crl(await (await fetch('http://vault.test:8200/v1/pki-a/crl/pem')).text());
    expect(crl.entries.map((e) => e.serialNumber.toLowerCase())).toEqual([res.data.serial_number.replace(/:/g, '')]);
    expect(await crl.verify({ publicKey: await new x509.X509Certificate(caPem).publicKey.export() })).toBe(true);
    expect(await failure(t.root.write('pki-a/revoke', { serial_number: '01:02' }))).toEqual({
      status: 400,
      message: 'certificate with serial 01:02 not found',
    });
  });

  it('tidy removes expired certificates past the safety buffer', async () => {
    let now = Date.now();
    const clocked = inProcess({ now: () => new Date(now) });
    try {
      await setupPki(clocked.root, 'pki-t', { r: { allow_any_name: true, ttl: '1h' } });
      await clocked.root.write('pki-t/issue/r', { common_name: 'old' });
      now += 2 * 3600_000;
      // Vault answers tidy with 202 Accepted, which node-vault 0.12 rejects as "Status 202".
      expect(await failure(clocked.root.write('pki-t/tidy', { tidy_cert_store: true, safety_buffer: '30m' }))).toEqual({ status: 202, message: 'Status 202' });
      expect((await clocked.root.read('pki-t/tidy-status')).data).toMatchObject({ cert_store_deleted_count: 1, state: 'Finished' });
      expect(clocked.vault.state.certificates('pki-t')).toHaveLength(1); // the CA only
    } finally {
      clocked.close();
    }
  });
});

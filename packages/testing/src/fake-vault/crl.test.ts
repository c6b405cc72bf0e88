import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CRLNumber, id_ce_cRLNumber } from '@peculiar/asn1-x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemTestGate } from '../system/tools.js';
import { x509 } from './pki-crypto.js';
import { ENDPOINT, inProcess, setupPki, type InProcess } from './test-support.js';

type Issued = { data: { certificate: string; serial_number: string } };

let t: InProcess;
let caPem: string;
let dir: string;
beforeAll(async () => {
  t = inProcess();
  caPem = await setupPki(t.root, 'pki-c', { web: { allowed_domains: 'example.com', allow_subdomains: true } });
  dir = mkdtempSync(join(tmpdir(), 'fake-vault-crl-'));
});
afterAll(() => {
  t.close();
  rmSync(dir, { recursive: true, force: true });
});

const issue = async (cn: string) => (await t.root.write('pki-c/issue/web', { common_name: cn })) as Issued;
const crlPem = async () => (await fetch(`${ENDPOINT}/v1/pki-c/crl/pem`)).text();
const crlNumber = (pem: string) => {
  const ext = new x509.X509Crl(pem).extensions.find((e) => e.type === id_ce_cRLNumber);
  return ext === undefined ? undefined : AsnConvert.parse(ext.value, CRLNumber).value;
};

describe('the CRL', () => {
  it('is PEM `X509 CRL` with a CRL Number that grows on each rebuild, not on each read', async () => {
    const first = await crlPem();
    expect(first).toMatch(/^-----BEGIN X509 CRL-----\n[\s\S]+\n-----END X509 CRL-----\n?$/);
    expect(crlNumber(first)).toBe(1); // built with the root, numbered from 1 like Vault
    expect(await crlPem()).toBe(first); // served from store, not rebuilt per read
    await t.root.write('pki-c/revoke', { serial_number: (await issue('gone.example.com')).data.serial_number });
    expect(crlNumber(await crlPem())).toBe(2);
    await t.root.read('pki-c/crl/rotate');
    expect(crlNumber(await crlPem())).toBe(3);
    const der = new Uint8Array(await (await fetch(`${ENDPOINT}/v1/pki-c/crl`)).arrayBuffer());
    expect(Buffer.from(der).equals(Buffer.from(new x509.X509Crl(await crlPem()).rawData))).toBe(true);
  });

  it('names its issuer’s key in the Authority Key Identifier', async () => {
    const ski = new x509.X509Certificate(caPem).getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    const aki = new x509.X509Crl(await crlPem()).getExtension(x509.AuthorityKeyIdentifierExtension);
    expect(ski).toMatch(/^[0-9a-f]{40}$/);
    expect(aki?.keyId).toBe(ski);
  });

  const openssl = systemTestGate(['openssl']);
  describe.skipIf(!openssl.run)(`with openssl${openssl.run ? '' : ` (skipped: ${openssl.why})`}`, () => {
    const run = (...args: string[]) => {
      const r = spawnSync('openssl', args, { encoding: 'utf8' });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    };

    it('`openssl crl` parses it and shows the CRL Number and Authority Key Identifier', async () => {
      writeFileSync(join(dir, 'crl.pem'), await crlPem());
      const { status, out } = run('crl', '-in', join(dir, 'crl.pem'), '-noout', '-text');
      expect(status).toBe(0);
      expect(out).toMatch(/X509v3 CRL Number:\s*\n\s*\d+/);
      expect(out).toMatch(/X509v3 Authority Key Identifier:\s*\n\s*(keyid:)?([0-9A-F]{2}:){19}[0-9A-F]{2}/);
      expect(out).toContain('Issuer: CN = pki-c-ca');
    });

    it('`openssl verify -crl_check` refuses a revoked leaf and accepts an unrevoked one', async () => {
      const revoked = await issue('revoked.example.com');
      const kept = await issue('kept.example.com');
      await t.root.write('pki-c/revoke', { serial_number: revoked.data.serial_number });
      writeFileSync(join(dir, 'ca.pem'), caPem);
      writeFileSync(join(dir, 'crl.pem'), await crlPem());
      writeFileSync(join(dir, 'revoked.pem'), revoked.data.certificate);
      writeFileSync(join(dir, 'kept.pem'), kept.data.certificate);
      const verify = (leaf: string) => run('verify', '-crl_check', '-CAfile', join(dir, 'ca.pem'), '-CRLfile', join(dir, 'crl.pem'), join(dir, leaf));
      const bad = verify('revoked.pem');
      expect(bad.status).not.toBe(0);
      expect(bad.out).toContain('certificate revoked');
      expect(verify('kept.pem')).toEqual({ status: 0, out: `${join(dir, 'kept.pem')}: OK\n` });
    });
  });
});

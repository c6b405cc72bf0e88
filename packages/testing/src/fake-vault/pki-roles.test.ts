import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, inProcess, setupPki, type InProcess } from './test-support.js';

let t: InProcess;
beforeAll(async () => {
  t = inProcess();
  await setupPki(t.root, 'pki-r');
});
afterAll(() => t.close());

const issue = (role: string, body: Record<string, unknown>) =>
  t.root.write(`pki-r/issue/${role}`, body) as Promise<{ data: { certificate: string }; warnings: string[] | null }>;

describe('roles CRUD', () => {
  it('creates, reads, lists (GET ?list=1) and deletes roles', async () => {
    await t.root.write('pki-r/roles/crud', { allowed_domains: ['a.io', 'b.io'], organization: 'org-1', ttl: '1h', max_ttl: '2h' });
    const role = (await t.root.read('pki-r/roles/crud')).data;
    expect(role).toMatchObject({
      allowed_domains: ['a.io', 'b.io'],
      organization: ['org-1'],
      ttl: 3600,
      max_ttl: 7200,
      key_type: 'ec',
      key_bits: 256,
      allow_localhost: true,
      enforce_hostnames: true,
      allow_ip_sans: true,
      server_flag: true,
      client_flag: true,
    });
    expect((await t.root.list('pki-r/roles')).data.keys).toContain('crud');
    await t.root.delete('pki-r/roles/crud');
    expect(await failure(t.root.read('pki-r/roles/crud'))).toEqual({ status: 404, message: 'Status 404' });
    expect(await failure(issue('crud', { common_name: 'a.io' }))).toEqual({ status: 400, message: 'unknown role: crud' });
  });
});

type Case = readonly [name: string, role: Record<string, unknown>, request: Record<string, unknown>, refusal?: string];

/** A case whose common name the role refuses, with Vault's wording. */
const cnRefused = (name: string, role: Record<string, unknown>, cn: string): Case => [
  name,
  role,
  { common_name: cn },
  `common name ${cn} not allowed by this role`,
];

const SUBDOMAINS = { allowed_domains: 'example.com', allow_subdomains: true };
const BARE = { allowed_domains: 'example.com', allow_bare_domains: true };

const CASES: readonly Case[] = [
  ['allowed_domains + allow_subdomains: subdomain', SUBDOMAINS, { common_name: 'a.b.example.com' }],
  cnRefused('allow_subdomains does not allow the bare domain', SUBDOMAINS, 'example.com'),
  ['allow_bare_domains: bare domain', BARE, { common_name: 'example.com' }],
  cnRefused('allow_bare_domains alone refuses subdomains', BARE, 'x.example.com'),
  cnRefused('suffix without a dot is not a subdomain', SUBDOMAINS, 'badexample.com'),
  ['allow_glob_domains: glob match', { allowed_domains: 'node-*.cluster.local', allow_glob_domains: true }, { common_name: 'node-7.cluster.local' }],
  cnRefused('allow_glob_domains off: glob is literal', { allowed_domains: 'node-*.cluster.local' }, 'node-7.cluster.local'),
  ['allow_localhost (default true)', { allowed_domains: 'example.com' }, { common_name: 'localhost' }],
  cnRefused('allow_localhost false', { allowed_domains: 'example.com', allow_localhost: false }, 'localhost'),
  [
    'alt_names are checked',
    SUBDOMAINS,
    { common_name: 'a.example.com', alt_names: 'b.example.com,evil.org' },
    'subject alternate name evil.org not allowed by this role',
  ],
  ['allow_ip_sans (default true)', SUBDOMAINS, { common_name: 'a.example.com', ip_sans: '10.0.0.1' }],
  [
    'allow_ip_sans false',
    { ...SUBDOMAINS, allow_ip_sans: false },
    { common_name: 'a.example.com', ip_sans: '10.0.0.1,10.0.0.2' },
    'IP Subject Alternative Names are not allowed in this role, but was provided [10.0.0.1 10.0.0.2]',
  ],
  ['invalid IP SAN', SUBDOMAINS, { common_name: 'a.example.com', ip_sans: 'not-an-ip' }, 'the value "not-an-ip" is not a valid IP address'],
  cnRefused('enforce_hostnames refuses non-hostnames', { allow_any_name: true }, 'system:kube-proxy'),
  ['enforce_hostnames false allows them', { allow_any_name: true, enforce_hostnames: false }, { common_name: 'system:kube-proxy' }],
  ['allow_any_name', { allow_any_name: true }, { common_name: 'anything.example.org' }],
  ['wildcards under allow_subdomains', SUBDOMAINS, { common_name: '*.example.com' }],
  [
    'common name required',
    { allow_any_name: true },
    {},
    'the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false',
  ],
];

describe('role rules, allowed and refused, with Vault wording', () => {
  it.each(CASES.map((c, i) => [i, ...c] as const))('%i %s', async (i, _name, role, request, refusal) => {
    await t.root.write(`pki-r/roles/case-${i}`, role);
    if (refusal === undefined) {
      const res = await issue(`case-${i}`, request);
      expect(new X509Certificate(res.data.certificate).subject).toContain(`CN=${String(request.common_name)}`);
    } else {
      expect(await failure(issue(`case-${i}`, request))).toEqual({ status: 400, message: refusal });
    }
  });
});

describe('TTLs', () => {
  it('caps a TTL above max_ttl at max_ttl with Vault’s warning', async () => {
    await t.root.write('pki-r/roles/short', { allow_any_name: true, max_ttl: '72h' });
    const before = Date.now();
    const res = await issue('short', { common_name: 'x.io', ttl: '100h' });
    expect(res.warnings).toEqual(['TTL "100h0m0s" is longer than permitted maxTTL "72h0m0s", so maxTTL is being used']);
    const notAfter = new Date(new X509Certificate(res.data.certificate).validTo).getTime();
    expect(Math.abs(notAfter - (before + 72 * 3600_000))).toBeLessThan(60_000);
  });

  it('uses the role ttl, else the mount default, and never goes past the CA notAfter', async () => {
    let now = Date.now();
    const clocked = inProcess({ now: () => new Date(now) });
    try {
      await setupPki(clocked.root, 'pki-c', { r: { allow_any_name: true, ttl: '48h' } }, { ttl: '100h' });
      const caNotAfter = new Date(new X509Certificate((await clocked.root.read('pki-c/cert/ca')).data.certificate).validTo);
      const first = (await clocked.root.write('pki-c/issue/r', { common_name: 'a.io' })) as { data: { expiration: number } };
      expect(first.data.expiration).toBe(Math.floor((now + 48 * 3600_000) / 1000));
      now += 60 * 3600_000; // 40 h of CA life left, role asks for 48 h
      const refused = await failure(clocked.root.write('pki-c/issue/r', { common_name: 'a.io' }));
      expect(refused.status).toBe(400);
      expect(refused.message).toMatch(
        /^cannot satisfy request, as TTL would result in notAfter of \S+ that is beyond the expiration of the CA certificate at \S+$/,
      );
      expect(refused.message).toContain(caNotAfter.toISOString().replace('.000Z', 'Z'));
      const fits = (await clocked.root.write('pki-c/issue/r', { common_name: 'a.io', ttl: '24h' })) as { data: { expiration: number } };
      expect(fits.data.expiration * 1000).toBeLessThanOrEqual(caNotAfter.getTime());
    } finally {
      clocked.close();
    }
  });
});

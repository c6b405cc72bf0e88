import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateCertificate, validateCertificateAuthority, type Certificate, type CertificateAuthority, type Persisted } from '@kubeception/sdk';
import { describe, expect, it } from 'vitest';
import { checkRequest, notAsAsked } from './certificate-request.js';
import { subjectOrganizations } from './certificates.js';
import { ttlWithin } from './renewal.js';

const metadata = (name: string) => ({
  name,
  namespace: 'mallory',
  uid: `uid-${name}`,
  resourceVersion: '1',
  generation: 1,
  creationTimestamp: '2026-01-01T00:00:00Z',
});

/** The hostile suite's fixture CA: a 10-year root, worker (system:nodes) and admin (system:masters) roles of 720h. */
const ca = validateCertificateAuthority({
  apiVersion: 'kubeception.io/v1alpha1',
  kind: 'CertificateAuthority',
  metadata: metadata('own'),
  spec: {
    clusterRef: { name: 'own' },
    commonName: 'own.example.com',
    allowedDomains: ['own.example.com'],
    roles: [
      { name: 'worker', allowSubdomains: true, organizations: ['system:nodes'], maxTTL: '720h' },
      { name: 'admin', allowSubdomains: true, organizations: ['system:masters'], maxTTL: '720h' },
      { name: 'web', allowSubdomains: true },
      { name: 'groups', allowSubdomains: true, organizations: ['a', 'b'] },
    ],
  },
})._unsafeUnwrap() as Persisted<CertificateAuthority>;

const certificate = (spec: Partial<Certificate['spec']>): Persisted<Certificate> =>
  validateCertificate({
    apiVersion: 'kubeception.io/v1alpha1',
    kind: 'Certificate',
    metadata: metadata('c'),
    spec: { clusterRef: { name: 'own' }, component: 'worker', role: 'worker', commonName: 'w.own.example.com', dnsNames: ['w.own.example.com'], ...spec },
  })._unsafeUnwrap() as Persisted<Certificate>;

const refusal = (cert: Persisted<Certificate>, authority = ca) =>
  checkRequest(cert, authority).match(
    () => undefined,
    (r) => r,
  );

describe('checkRequest: organizations', () => {
  it('refuses system:masters from a worker role, naming what was asked and what the role gives', () => {
    const r = refusal(certificate({ organizations: ['system:masters'] }));
    expect(r?.reason).toBe('RoleViolation');
    expect(r?.message).toContain(
      'spec.organizations: system:masters not allowed by role worker of CertificateAuthority own, which gives organizations system:nodes',
    );
    expect(r?.message).toContain('nothing was issued');
  });

  it('refuses asking for fewer, more or other organizations than the role gives', () => {
    expect(refusal(certificate({ role: 'groups', organizations: ['a'] }))?.message).toContain(
      'a not allowed by role groups of CertificateAuthority own, which gives organizations a, b',
    );
    expect(refusal(certificate({ organizations: ['system:nodes', 'system:masters'] }))?.reason).toBe('RoleViolation');
    expect(refusal(certificate({ role: 'web', organizations: ['team'] }))?.message).toContain('which gives organizations none');
  });

  it('accepts the role’s own organizations, in any order, and no organizations at all (the role decides)', () => {
    expect(checkRequest(certificate({ organizations: ['system:nodes'] }), ca).isOk()).toBe(true);
    expect(checkRequest(certificate({ role: 'groups', organizations: ['b', 'a', 'b'] }), ca).isOk()).toBe(true);
    expect(checkRequest(certificate({ organizations: [] }), ca).isOk()).toBe(true);
    expect(checkRequest(certificate({}), ca).isOk()).toBe(true);
  });

  it('leaves a role the CA does not have to Vault (it answers unknown role)', () => {
    expect(checkRequest(certificate({ role: 'nope', organizations: ['system:masters'] }), ca).isOk()).toBe(true);
  });
});

describe('checkRequest: ttl', () => {
  it('refuses a TTL longer than the CA lives as InvalidSpec, not CAExpiring', () => {
    const r = refusal(certificate({ ttl: '876000h' }));
    expect(r).toEqual({
      reason: 'InvalidSpec',
      message: "spec.ttl: 876000h is longer than the CA's validity (87600h, CertificateAuthority own); at most 720h (the maxTTL of role worker)",
    });
    const noMax = refusal(certificate({ role: 'web', ttl: '876000h' }));
    expect(noMax?.message).toBe("spec.ttl: 876000h is longer than the CA's validity (87600h, CertificateAuthority own); at most 87600h");
  });

  it('refuses a TTL longer than the role’s maxTTL (Vault would cap it, and renewBefore could outlast the certificate)', () => {
    expect(refusal(certificate({ ttl: '8760h' }))).toEqual({
      reason: 'InvalidSpec',
      message: 'spec.ttl: 8760h is longer than the maxTTL of role worker; at most 720h',
    });
  });

  it('accepts a TTL up to the bound', () => {
    expect(checkRequest(certificate({ ttl: '720h' }), ca).isOk()).toBe(true);
    expect(checkRequest(certificate({ role: 'web', ttl: '87600h' }), ca).isOk()).toBe(true);
  });

  it('leaves a CA near its end to CAExpiring: the spec fits the CA, what is left of it does not', () => {
    const cert = certificate({ ttl: '72h' });
    expect(checkRequest(cert, ca).isOk()).toBe(true);
    expect(ttlWithin(cert, '2036-01-02T00:00:00Z', new Date('2036-01-01T00:00:00Z'))).toBeUndefined(); // 24h left ≤ renewBefore 24h
  });
});

/** Real leaves from openssl, with the given organizations. */
function leaf(...organizations: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'kc-request-'));
  const subject = ['/CN=w.own.example.com', ...organizations.map((o) => `/O=${o}`)].join('');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-subj', subject, '-days', '1'],
    { cwd: dir, stdio: 'pipe' },
  );
  return readFileSync(join(dir, 'c.pem'), 'utf8');
}

describe('what Vault issued', () => {
  const nodes = leaf('system:nodes');
  const two = leaf('b', 'a, with a comma');

  it('reads the organizations of a leaf, unescaped', () => {
    expect(subjectOrganizations(nodes)).toEqual(['system:nodes']);
    expect(subjectOrganizations(two)).toEqual(['b', 'a, with a comma']);
    expect(subjectOrganizations(leaf())).toEqual([]);
    expect(subjectOrganizations('not a certificate')).toBeUndefined();
  });

  it('is as asked when the leaf has exactly the requested organizations, or none were requested', () => {
    expect(notAsAsked(certificate({ organizations: ['system:nodes'] }), { certificate: nodes, serialNumber: 'aa' })).toBeUndefined();
    expect(notAsAsked(certificate({ role: 'groups', organizations: ['a, with a comma', 'b'] }), { certificate: two, serialNumber: 'aa' })).toBeUndefined();
    expect(notAsAsked(certificate({}), { certificate: nodes, serialNumber: 'aa' })).toBeUndefined();
  });

  it('is not as asked when Vault’s role gave other organizations than the CA’s spec promised', () => {
    expect(notAsAsked(certificate({ organizations: ['system:masters'] }), { certificate: nodes, serialNumber: 'aa:bb' })).toBe(
      'spec.organizations: Vault issued certificate aa:bb under role worker with organizations system:nodes, not system:masters; it was revoked and not written',
    );
    expect(notAsAsked(certificate({ organizations: ['system:nodes'] }), { certificate: 'garbage', serialNumber: 'aa:bb' })).toContain(
      'with an unreadable subject',
    );
  });
});

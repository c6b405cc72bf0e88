import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Certificate, Persisted } from '@kubeception/sdk';
import { describe, expect, it } from 'vitest';
import { RENEWAL_JITTER, issueReason, renewalTime, ttlWithin } from './renewal.js';

const HOUR = 3_600_000;
const cert = (uid: string, status?: Certificate['status'], generation = 1): Persisted<Certificate> => ({
  apiVersion: 'kubeception.io/v1alpha1',
  kind: 'Certificate',
  metadata: { name: 'c', namespace: 'default', uid, resourceVersion: '1', generation, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: {
    clusterRef: { name: 'demo' },
    component: 'api',
    role: 'api',
    commonName: 'api',
    dnsNames: [],
    ipAddresses: [],
    organizations: [],
    ttl: '72h',
    renewBefore: '48h',
  },
  ...(status ? { status } : {}),
});

describe('renewalTime', () => {
  const notAfter = '2030-01-04T00:00:00.000Z';
  it('is renewBefore ahead of expiry, minus a jitter of at most 10% of renewBefore', () => {
    const t = renewalTime(cert('a'), notAfter).getTime();
    const latest = Date.parse(notAfter) - 48 * HOUR;
    expect(t).toBeLessThanOrEqual(latest);
    expect(t).toBeGreaterThanOrEqual(latest - RENEWAL_JITTER * 48 * HOUR);
  });

  it('is stable for one certificate and spread across 1,000', () => {
    expect(renewalTime(cert('same'), notAfter)).toEqual(renewalTime(cert('same'), notAfter));
    const times = Array.from({ length: 1000 }, (_, i) => Math.floor(renewalTime(cert(`uid-${i}`), notAfter).getTime() / 1000));
    const perSecond = new Map<number, number>();
    for (const t of times) perSecond.set(t, (perSecond.get(t) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(3); // no thundering herd
    const window = RENEWAL_JITTER * 48 * 3600; // seconds
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(0.9 * window);
  });
});

/** Real certificates from openssl: two roots with the same subject (different keys) and leaves. */
function pki() {
  const dir = mkdtempSync(join(tmpdir(), 'kc-renewal-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const root = (name: string) => {
    run(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-subj',
      '/CN=demo-ca',
      '-days',
      '30',
    );
    return readFileSync(join(dir, `${name}.pem`), 'utf8');
  };
  const leaf = (name: string, ca: string, serial: string) => {
    run('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=api');
    run('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-set_serial', `0x${serial}`, '-out', `${name}.pem`, '-days', '3');
    return readFileSync(join(dir, `${name}.pem`), 'utf8');
  };
  const a = root('a');
  const impostor = root('impostor'); // same subject as a, another key
  return { a, impostor, leafOfA: leaf('leaf-a', 'a', 'aabb'), leafOfImpostor: leaf('leaf-i', 'impostor', 'aabb') };
}

describe('issueReason', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const issued = { serialNumber: 'aa:bb', notAfter: '2030-01-04T00:00:00Z', observedGeneration: 1 };
  const { a, impostor, leafOfA, leafOfImpostor } = pki();

  it('issues when there is no Secret or no certificate yet', () => {
    expect(issueReason(cert('a', issued), undefined, a, now)).toBe('the Secret is missing');
    expect(issueReason(cert('a'), { certificate: leafOfA, ca: a }, a, now)).toBe('no certificate issued yet');
  });

  it('keeps a certificate the current CA signed, with that CA in ca.crt', () => {
    expect(issueReason(cert('a', issued), { certificate: `${leafOfA}\n${a}`, ca: a }, a, now)).toBeUndefined();
  });

  it('re-issues a certificate another root signed, even one with the same issuer name (the signature decides)', () => {
    expect(issueReason(cert('a', issued), { certificate: leafOfImpostor, ca: a }, a, now)).toBe('the Secret holds a certificate the current CA did not issue');
    expect(issueReason(cert('a', issued), { certificate: leafOfA, ca: a }, impostor, now)).toBe('the Secret holds a certificate the current CA did not issue');
    expect(issueReason(cert('a', issued), { certificate: 'not a certificate', ca: a }, a, now)).toBe(
      'the Secret holds a certificate the current CA did not issue',
    );
  });

  it('re-issues when ca.crt is not the current root', () => {
    expect(issueReason(cert('a', issued), { certificate: leafOfA, ca: impostor }, a, now)).toBe('the Secret’s ca.crt is not the current CA');
    expect(issueReason(cert('a', issued), { certificate: leafOfA }, a, now)).toBe('the Secret’s ca.crt is not the current CA');
  });

  it('re-issues when the Secret holds another certificate than the one recorded', () => {
    expect(issueReason(cert('a', { ...issued, serialNumber: 'cc:dd' }), { certificate: leafOfA, ca: a }, a, now)).toBe(
      'the Secret holds certificate aa:bb, not cc:dd',
    );
  });
});

describe('ttlWithin', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  it('keeps the spec TTL when the CA outlives it', () => expect(ttlWithin(cert('a'), '2040-01-01T00:00:00Z', now)).toBe(72 * HOUR));
  it('cuts the TTL to end before the CA', () => expect(ttlWithin(cert('a'), '2030-01-03T12:00:00Z', now)).toBe(60 * HOUR - 60_000));
  it('refuses when what is left is not longer than renewBefore', () => expect(ttlWithin(cert('a'), '2030-01-02T00:00:00Z', now)).toBeUndefined());
});

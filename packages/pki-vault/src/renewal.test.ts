import type { Certificate, Persisted } from '@kubeception/sdk';
import { describe, expect, it } from 'vitest';
import { RENEWAL_JITTER, issueReason, renewalTime, ttlWithin } from './renewal.js';

const HOUR = 3_600_000;
const cert = (uid: string, status?: Certificate['status'], generation = 1): Persisted<Certificate> => ({
  apiVersion: 'kubeception.io/v1alpha1',
  kind: 'Certificate',
  metadata: { name: 'c', namespace: 'default', uid, resourceVersion: '1', generation, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { clusterRef: { name: 'demo' }, component: 'api', role: 'api', commonName: 'api', dnsNames: [], ipAddresses: [], organizations: [], ttl: '72h', renewBefore: '48h' },
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

describe('issueReason', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const issued = { serialNumber: 'aa:bb', notAfter: '2030-01-04T00:00:00Z', observedGeneration: 1 };
  it('issues when there is no Secret or no certificate yet', () => {
    expect(issueReason(cert('a', issued), undefined, now)).toBe('the Secret is missing');
    expect(issueReason(cert('a'), 'pem', now)).toBe('no certificate issued yet');
  });

  it('issues when the Secret holds another certificate', () => {
    expect(issueReason(cert('a', issued), 'not a certificate', now)).toBe('the Secret holds certificate unreadable, not aa:bb');
  });
});

describe('ttlWithin', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  it('keeps the spec TTL when the CA outlives it', () => expect(ttlWithin(cert('a'), '2040-01-01T00:00:00Z', now)).toBe(72 * HOUR));
  it('cuts the TTL to end before the CA', () => expect(ttlWithin(cert('a'), '2030-01-03T12:00:00Z', now)).toBe(60 * HOUR - 60_000));
  it('refuses when what is left is not longer than renewBefore', () => expect(ttlWithin(cert('a'), '2030-01-02T00:00:00Z', now)).toBeUndefined());
});

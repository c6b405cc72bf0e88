/**
 * How 1,000 certificates issued in the same second spread their renewals: the busiest second
 * with our per-certificate jitter, against the baseline of no jitter (every renewal due in the
 * same second, a thundering herd on Vault).
 */
import { renewalTime } from '@kubeception/pki-vault';
import type { Certificate, Persisted } from '@kubeception/sdk';
import type { Figure } from './figure.js';

export async function run(): Promise<Figure[]> {
  const notAfter = '2030-01-04T00:00:00.000Z';
  const seconds = Array.from({ length: 1000 }, (_, i) => {
    const cert = {
      metadata: { uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` },
      spec: { ttl: '72h' },
    } as unknown as Persisted<Certificate>;
    return Math.floor(renewalTime(cert, notAfter).getTime() / 1000);
  });
  const perSecond = new Map<number, number>();
  for (const s of seconds) perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
  const busiest = Math.max(...perSecond.values());
  const spreadHours = (Math.max(...seconds) - Math.min(...seconds)) / 3600;
  return [
    { name: 'renewals of 1,000 certificates: busiest second', value: busiest, unit: 'renewals', baseline: 1000, ratio: busiest / 1000 },
    { name: 'renewals of 1,000 certificates: spread', value: spreadHours, unit: 'hours' },
  ];
}

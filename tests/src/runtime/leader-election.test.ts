import { CertificateResource } from '@kubeception/sdk';
import { LeaseResource } from '@kubeception/sdk/kube';
import { createController, done, type LeaderElectionOptions, type Manager } from '@kubeception/sdk/runtime';
import { okAsync } from 'neverthrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type RuntimeHarness } from './harness.js';

let h: RuntimeHarness;
beforeEach(async () => (h = await startHarness()));
afterEach(() => h.stop());

const election = (identity: string, extra: Partial<LeaderElectionOptions> = {}): LeaderElectionOptions => ({
  name: 'test-operator',
  namespace: 'default',
  identity,
  leaseDurationMs: 1000,
  renewDeadlineMs: 700,
  retryPeriodMs: 100,
  ...extra,
});

function candidate(identity: string, reconciledBy: string[], extra: Partial<LeaderElectionOptions> = {}): Manager {
  const controller = createController({
    name: `c-${identity}`,
    resource: CertificateResource,
    reconcile: () => (reconciledBy.push(identity), okAsync(done())),
  });
  return h.start([controller], { leaderElection: election(identity, extra) });
}

async function createCert(name: string) {
  await h.kube.resource(CertificateResource).create({
    apiVersion: 'kubeception.io/v1alpha1',
    kind: 'Certificate',
    metadata: { name, namespace: 'default' },
    spec: { clusterRef: { name: 'demo' }, component: 'api', role: 'api', commonName: name },
  });
}

describe('leader election', () => {
  it('lets exactly one of two managers reconcile', async () => {
    const by: string[] = [];
    const a = candidate('a', by);
    const b = candidate('b', by);
    await expect.poll(() => a.leading() || b.leading()).toBe(true);
    await createCert('one');
    await createCert('two');
    await expect.poll(() => by.length).toBe(2);
    await new Promise((r) => setTimeout(r, 400));
    expect(new Set(by).size).toBe(1);
    expect([a.leading(), b.leading()].filter(Boolean)).toHaveLength(1);
    const lease = (await h.kube.resource(LeaseResource).get('test-operator', { namespace: 'default' }))._unsafeUnwrap();
    expect(lease.spec?.holderIdentity).toBe(by[0]);
    expect(lease.spec?.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
  });

  it('after the leader dies without releasing, the other leads within lease duration + retry period', async () => {
    const by: string[] = [];
    const a = candidate('a', by, { releaseOnCancel: false });
    await expect.poll(() => a.leading()).toBe(true);
    const b = candidate('b', by);
    await new Promise((r) => setTimeout(r, 300));
    expect(b.leading()).toBe(false);
    const died = performance.now();
    await a.stop();
    await expect.poll(() => b.leading(), { timeout: 3000, interval: 10 }).toBe(true);
    expect(performance.now() - died).toBeLessThan(1000 + 100 * 1.2 + 500); // lease + retry (+ scheduling slack)
    await createCert('after-failover');
    await expect.poll(() => by).toContain('b');
  });

  it('after a graceful shutdown of the leader, the other takes over in under a second', async () => {
    const a = candidate('a', [], { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 100 });
    await expect.poll(() => a.leading()).toBe(true);
    const b = candidate('b', [], { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 100 });
    const stopped = performance.now();
    await a.stop();
    await expect.poll(() => b.leading(), { timeout: 3000, interval: 10 }).toBe(true);
    expect(performance.now() - stopped).toBeLessThan(1000);
  });

  it('stops the controllers at once when leadership is lost', async () => {
    const by: string[] = [];
    const a = candidate('a', by);
    await expect.poll(() => a.leading()).toBe(true);
    await createCert('while-leading');
    await expect.poll(() => by.length).toBe(1);
    h.fake.faults.fail({ resource: 'leases', status: 500, times: 1_000_000 }); // renewals (and re-acquisition) fail from now on
    await expect.poll(() => a.leading(), { timeout: 3000 }).toBe(false);
    await createCert('after-losing');
    await new Promise((r) => setTimeout(r, 300));
    expect(by).toEqual(['a']);
    h.fake.faults.clear();
  });
});

/** Runs the SDK README's example controller against the fake API server. */
import { CertificateResource } from '@kubeception/sdk';
import { ConfigMapResource } from '@kubeception/sdk/kube';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { certificateSummaries } from '../../../packages/sdk/examples/certificate-summaries.js';
import { startHarness, type RuntimeHarness } from './harness.js';

let h: RuntimeHarness;
beforeEach(async () => (h = await startHarness()));
afterEach(() => h.stop());

it('keeps a summary ConfigMap per Certificate, updates it, writes nothing when unchanged, and lets GC remove it', async () => {
  h.start([certificateSummaries]);
  const certs = h.kube.resource(CertificateResource);
  const summary = async () =>
    (await h.kube.resource(ConfigMapResource).get('web-summary', { namespace: 'default' })).match(
      (cm) => cm.data,
      () => undefined,
    );
  await certs.create({
    apiVersion: 'kubeception.io/v1alpha1',
    kind: 'Certificate',
    metadata: { name: 'web', namespace: 'default' },
    spec: { clusterRef: { name: 'demo' }, component: 'api', role: 'api', commonName: 'web.demo' },
  });
  await expect.poll(summary).toEqual({ commonName: 'web.demo', notAfter: 'not issued yet' });

  await certs.patchStatus('web', { type: 'merge', body: { status: { notAfter: '2030-01-01T00:00:00Z' } } }, { namespace: 'default' });
  await expect.poll(summary).toEqual({ commonName: 'web.demo', notAfter: '2030-01-01T00:00:00Z' });

  h.fake.requests.clear();
  certificateSummaries.resync();
  await new Promise((r) => setTimeout(r, 200));
  expect(h.fake.requests.count({ verb: 'patch' })).toBe(0);

  await certs.delete('web', { namespace: 'default' });
  await expect.poll(summary).toBeUndefined();
});

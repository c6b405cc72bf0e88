/**
 * Fault lane: the CertificateAuthority and Certificate controllers while the host API answers
 * 429, 500 or 503 to everything, or cuts every watch (also after a compaction: they resume into
 * 410 Gone and relist), for a window just after a cluster's
 * CertificateAuthority and Certificates are created. Their requests stay capped, and once the
 * fault is lifted the authority and every Certificate are Ready, each Certificate with its Secret.
 */
import { certificateSecretName, CertificateResource } from '@kubeception/sdk';
import { SecretResource } from '@kubeception/sdk/kube';
import type { FakeKube } from '@kubeception/testing';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { allReady, createClusterPki, readyOf } from '../pki/e2e-support.js';
import { startPkiHarness, type PkiHarness } from '../pki/harness.js';
import { CALL_RATE_CAP, runFaultCase } from './fault-window.js';
import { HOST_FAULTS, hostFaultCase } from './host-faults.js';

let h: PkiHarness;
beforeEach(async () => (h = await startPkiHarness()));
afterEach(() => h.stop());

/** The User-Agent of the harness's operator (its test client has it too, unused while a fault persists). */
const OPERATOR = 'kubeception-sdk';

/** Waits until the authority and the 7 Certificates of `name` are Ready, then checks each Certificate has its Secret. */
async function expectPkiConverged(name: string): Promise<void> {
  await expect.poll(async () => (await readyOf(h, 'ca', name))?.status === 'True' && (await allReady(h, name)), { timeout: 60_000, interval: 100 }).toBe(true);
  const certificates = (await h.kube.resource(CertificateResource).list({ namespace: 'default' }))._unsafeUnwrap().items;
  const secrets = (await h.kube.resource(SecretResource).list({ namespace: 'default' }))._unsafeUnwrap().items.map((s) => s.metadata.name);
  expect(secrets.filter((s) => certificates.some((c) => certificateSecretName(c) === s))).toHaveLength(certificates.length);
}

const fakeHost = (): FakeKube => {
  if (!h.fakeKube) throw new Error('the fault lanes inject faults into the fake host: they run on the fake only');
  return h.fakeKube;
};

it.each((['throttled', 'erring', 'unavailable', 'dropped', 'gone'] as const).map((name) => ({ name, ...HOST_FAULTS[name] })))(
  'host API $fault while the PKI is issued',
  async ({ name, ...fault }) => {
    await createClusterPki(h, name);
    await runFaultCase({
      lane: 'pki-host',
      cap: CALL_RATE_CAP,
      ...hostFaultCase(fakeHost(), fault, OPERATOR),
      converged: () => expectPkiConverged(name),
    });
  },
  90_000,
);

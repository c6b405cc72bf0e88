/**
 * The Certificate controller caches the Certificates' Secrets with their data values as digests
 * (no key or certificate text in memory) and remembers which digests it checked against the CA's
 * root. A restarted cert-operator has checked nothing: it reads each Secret whole once, finds every
 * certificate good, issues and writes nothing, and reads nothing more on the next resync.
 */
import { certOperatorControllers, createVaultPki } from '@kubeception/pki-vault';
import { CertificateResource, certificateSecretName, Label } from '@kubeception/sdk';
import { createKubeClient, SecretResource } from '@kubeception/sdk/kube';
import { createManager, dataDigests, DIGEST_PREFIX, InformerCache } from '@kubeception/sdk/runtime';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWithReadyClusters } from './e2e-support.js';
import type { PkiHarness } from './harness.js';

const AGENT = 'cert-operator-restarted';
let h: PkiHarness;
beforeAll(async () => (h = await startWithReadyClusters({ clusters: ['restarted'] })), 60_000);
afterAll(() => h.stop());

const requests = () => {
  if (!h.fakeKube) throw new Error('this suite reads the fake host’s request log');
  return h.fakeKube.requests;
};
/** The name a request read one object by: a GET's, or a LIST's `metadata.name` field selector. */
const readOf = (r: { verb: string; name?: string | undefined; url: string }) =>
  r.verb === 'get' ? r.name : r.verb === 'list' ? /[?&]fieldSelector=metadata\.name%3D([^&]+)/.exec(r.url)?.[1] : undefined;
/** The restarted operator's requests on Secrets since `from`: reads by name, and every write. */
const secretRequests = (from: number) => {
  const mine = requests()
    .all()
    .slice(from)
    .filter((r) => r.userAgent.startsWith(AGENT) && r.resource === 'secrets');
  return {
    gets: mine.flatMap((r) => readOf(r) ?? []),
    writes: mine.filter((r) => !['get', 'list', 'watch'].includes(r.verb)),
  };
};

describe('a restarted cert-operator', () => {
  it('keeps no certificate or key text in its Secret cache', async () => {
    const stop = new AbortController();
    const informers = new InformerCache(createKubeClient({ kubeConfig: h.server.kubeConfig, qps: 0 }), stop.signal);
    const labelled = informers.get(SecretResource, { labelSelector: Label.Cluster, transform: dataDigests });
    await labelled.synced();
    const values = labelled.store.list().flatMap((s) => Object.values(s.data ?? {}));
    expect(values.length).toBeGreaterThan(0);
    expect(values.every((v) => v.startsWith(DIGEST_PREFIX))).toBe(true);
    stop.abort();
  });

  it('reads each Certificate’s Secret whole once (by a LIST of its name: its role grants no get), issues and writes nothing, and reads nothing on the next resync', async () => {
    await h.manager.stop();
    const certificates = (await h.kube.resource(CertificateResource).list({ namespace: 'default' }))._unsafeUnwrap().items;
    const expected = certificates.map((c) => certificateSecretName(c)).sort();
    const from = requests().all().length;
    const [authorities, certs] = certOperatorControllers({ pki: createVaultPki({ client: h.vaultClient() }), now: () => h.now() });
    const manager = createManager({
      kube: createKubeClient({ kubeConfig: h.server.kubeConfig, qps: 0, userAgent: AGENT }),
      controllers: [authorities, certs],
      logger: pino({ level: 'silent' }),
      shutdownTimeoutMs: 2_000,
    });
    void manager.start();
    try {
      await expect.poll(() => secretRequests(from).gets.sort(), { timeout: 15_000 }).toEqual(expected);
      // settled: the CA and Certificates keep their Ready status, nothing is issued
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(secretRequests(from)).toEqual({ gets: expected, writes: [] });
      const resynced = requests().all().length;
      certs.resync();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(secretRequests(resynced)).toEqual({ gets: [], writes: [] });
      const after = (await h.kube.resource(CertificateResource).list({ namespace: 'default' }))._unsafeUnwrap().items;
      expect(after.map((c) => c.status?.serialNumber)).toEqual(certificates.map((c) => c.status?.serialNumber));
    } finally {
      await manager.stop();
    }
  }, 30_000);
});

/** X.509 client authentication of the fake API server (`clientCertificates`), with client-node, the SDK's client and kubectl. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigMapResource, createKubeClient, kubeConfigFromCertificate } from '@kubeception/sdk/kube';
import { ApiException, CoreV1Api, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNAUTHORIZED, eventually, httpsGet, rejectionOf, run, runs, tokenKubeConfig } from './fixtures.js';
import { generateServerCertificates } from './server-certificates.js';
import { startFakeKube, type FakeKube } from './server.js';

const hasKubectl = runs('kubectl', 'version', '--client');

let kube: FakeKube;
let other: FakeKube;
let dir: string;
beforeAll(async () => {
  [kube, other] = await Promise.all([
    startFakeKube({ tls: true, clientCertificates: true, namespaces: ['default', 'auth'] }),
    startFakeKube({ tls: true, clientCertificates: true }),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'fake-kube-client-certs-'));
});
afterAll(async () => {
  await Promise.all([kube.stop(), other.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

/** A client-node KubeConfig for `kube` as the holder of `cert`. */
const as = (cert: { certificate: string; privateKey: string }, server: FakeKube = kube) =>
  kubeConfigFromCertificate({ server: server.url, caPem: server.caCertificate!, certPem: cert.certificate, keyPem: cert.privateKey, name: 'as' });

describe('a fake API server that authenticates clients by certificate', () => {
  it('accepts its own kubeconfig, which carries a certificate for kubernetes-admin, and logs the user', async () => {
    kube.requests.clear();
    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'auth', body: { metadata: { name: 'by-admin' } } });
    expect(kube.requests.filter({ verb: 'create', resource: 'configmaps' }).map((r) => [r.user, r.code])).toEqual([['kubernetes-admin', 201]]);
    expect(kube.kubeConfig.getCurrentUser()?.token).toBeUndefined();
  });

  it('takes the user of a certificate it signed, over the SDK client and a watch', async () => {
    const alice = await kube.issueClientCertificate('alice', ['developers']);
    const client = createKubeClient({ kubeConfig: as(alice), qps: 0 });
    kube.requests.clear();
    (
      await client.resource(ConfigMapResource).create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'by-alice', namespace: 'auth' } })
    )._unsafeUnwrap();
    const events: string[] = [];
    const watch = await new Watch(as(alice)).watch(
      '/api/v1/namespaces/auth/configmaps',
      {},
      (type, obj: { metadata?: { name?: string } }) => events.push(`${type} ${obj.metadata?.name}`),
      () => undefined,
    );
    await eventually(() => (events.length === 2 ? true : undefined));
    watch.abort();
    expect(events.sort()).toEqual(['ADDED by-admin', 'ADDED by-alice']);
    expect(kube.requests.filter({ user: 'alice' }).map((r) => r.verb)).toEqual(['create', 'watch']);
  });

  it('answers 401 Unauthorized, in kube-apiserver’s words, to a client without a certificate or with one another CA signed', async () => {
    const tokenOnly = tokenKubeConfig(kube.url, 'a-token', kube.caCertificate);
    const stranger = await other.issueClientCertificate('mallory', ['system:masters']);
    kube.requests.clear();
    for (const config of [tokenOnly, as(stranger)]) {
      const error = await rejectionOf(config.makeApiClient(CoreV1Api).listNamespace());
      expect(error).toBeInstanceOf(ApiException);
      expect((error as ApiException<unknown>).code).toBe(401);
    }
    // client-node drops a 401's body; the body is kube-apiserver's Status
    const answer = await httpsGet(`${kube.url}/api/v1/namespaces`, { ca: kube.caCertificate });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toEqual(UNAUTHORIZED);
    expect(kube.requests.all().map((r) => [r.code, r.user])).toEqual([
      [401, undefined],
      [401, undefined],
      [401, undefined],
    ]);
    // the other server's own certificate works there
    await expect(as(stranger, other).makeApiClient(CoreV1Api).listNamespace()).resolves.toBeDefined();
  });

  it('signs client certificates only when it authenticates with them', async () => {
    const plain = await startFakeKube({ tls: true });
    try {
      await expect(plain.issueClientCertificate('x')).rejects.toThrow(/clientCertificates/);
    } finally {
      await plain.stop();
    }
    await expect(startFakeKube({ clientCertificates: true })).rejects.toThrow(/needs tls/);
  });

  it('serves with a given certificate and verifies clients against its CA, which its kubeconfigs carry', async () => {
    const pki = await generateServerCertificates();
    const given = await startFakeKube({
      tls: { certificate: pki.certificate, privateKey: pki.privateKey, caCertificate: pki.caCertificate },
      clientCertificates: true,
    });
    try {
      expect(given.caCertificate).toBe(pki.caCertificate);
      expect(Buffer.from(given.kubeConfig.getCurrentCluster()?.caData ?? '', 'base64').toString()).toBe(pki.caCertificate);
      await expect(given.issueClientCertificate('x')).rejects.toThrow(/no CA key/);
      const bob = await pki.issueClientCertificate('bob');
      await as(bob, given).makeApiClient(CoreV1Api).listNamespace();
      expect(given.requests.all().map((r) => [r.user, r.code])).toEqual([['bob', 200]]);
    } finally {
      await given.stop();
    }
  });

  it.skipIf(!hasKubectl)(
    hasKubectl ? 'serves kubectl with the client certificate from the kubeconfig' : 'serves kubectl (skipped: kubectl is not on PATH)',
    async () => {
      const file = join(dir, 'kubeconfig');
      writeFileSync(file, kube.kubeconfigYaml);
      kube.requests.clear();
      const { stdout } = await run('kubectl', ['--kubeconfig', file, 'get', 'configmaps', '-n', 'auth', '-o', 'name']);
      expect(stdout.split('\n').filter((l) => l !== '')).toEqual(['configmap/by-admin', 'configmap/by-alice']);
      expect(kube.requests.filter({ verb: 'list', resource: 'configmaps' }).map((r) => r.user)).toEqual(['kubernetes-admin']);
    },
  );
});

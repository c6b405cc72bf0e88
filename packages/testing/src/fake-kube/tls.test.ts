import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { ConfigMapResource, createKubeClient, kubeConfigFromCertificate } from '@kubeception/sdk/kube';
import { ApiException, CoreV1Api, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { eventually, rejectionOf, run, runs, tokenKubeConfig } from './fixtures.js';
import { startFakeKube, type FakeKube } from './server.js';

const hasKubectl = runs('kubectl', 'version', '--client');
const hasOpenssl = runs('openssl', 'version');

let kube: FakeKube;
let core: CoreV1Api;
let dir: string;
beforeAll(async () => {
  kube = await startFakeKube({ tls: true, namespaces: ['default', 'kube-system', 'secure'] });
  core = kube.kubeConfig.makeApiClient(CoreV1Api);
  dir = mkdtempSync(join(tmpdir(), 'fake-kube-tls-'));
});
afterAll(async () => {
  await kube.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The certificate the server presents on the wire, as PEM. */
function servedCertificate(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port: Number(port), ca: kube.caCertificate }, () => {
      const der = socket.getPeerCertificate().raw;
      socket.end();
      resolve(new X509Certificate(der).toString());
    });
    socket.on('error', reject);
  });
}

/** The error and its causes, flattened to `message (code)` lines. */
function causes(e: unknown): string {
  const out: string[] = [];
  for (let cur = e as { message?: string; code?: unknown; cause?: unknown } | undefined; cur; cur = cur.cause as typeof cur)
    out.push(`${cur.message ?? ''} (${String(cur.code)})`);
  return out.join('\n');
}

describe('HTTPS with a generated CA', () => {
  it('hands out https kubeconfigs that carry the CA and verify TLS', () => {
    expect(kube.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(kube.caCertificate).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    const cluster = kube.kubeConfig.getCurrentCluster();
    expect(cluster).toMatchObject({ server: kube.url, skipTLSVerify: false });
    expect(Buffer.from(cluster?.caData ?? '', 'base64').toString()).toBe(kube.caCertificate);
    const yaml = parse(kube.kubeconfigYaml);
    const entry = yaml.clusters[0].cluster;
    expect(entry.server).toBe(kube.url);
    expect(Buffer.from(entry['certificate-authority-data'], 'base64').toString()).toBe(kube.caCertificate);
    expect(entry['insecure-skip-tls-verify']).toBeUndefined();
  });

  it('serves the real client-node with verification on', async () => {
    await core.createNamespacedConfigMap({ namespace: 'secure', body: { metadata: { name: 'over-tls', labels: { via: 'https' } } } });
    expect((await core.readNamespacedConfigMap({ namespace: 'secure', name: 'over-tls' })).metadata?.labels).toEqual({ via: 'https' });
    const names = (await core.listNamespacedConfigMap({ namespace: 'secure', labelSelector: 'via=https' })).items.map((i) => i.metadata?.name);
    expect(names).toEqual(['over-tls']);
  });

  it('rejects a client whose kubeconfig lacks the CA with a TLS error', async () => {
    const error = await rejectionOf(tokenKubeConfig(kube.url, 't').makeApiClient(CoreV1Api).listNamespace());
    expect(error).toBeDefined();
    expect(error).not.toBeInstanceOf(ApiException);
    expect(causes(error)).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|unable to verify|self[- ]signed/i);
  });

  it("serves the SDK's client (Dispatcher.request on client-node's TLS agent) with the CA, and refuses it without", async () => {
    const trusted = createKubeClient({ kubeConfig: kubeConfigFromCertificate({ server: kube.url, caPem: kube.caCertificate }), qps: 0 });
    (
      await trusted
        .resource(ConfigMapResource)
        .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'sdk-over-tls', namespace: 'secure' }, data: { a: 'b' } })
    )._unsafeUnwrap();
    expect((await trusted.resource(ConfigMapResource).get('sdk-over-tls', { namespace: 'secure' }))._unsafeUnwrap().data).toEqual({ a: 'b' });
    const untrusted = createKubeClient({ kubeConfig: kubeConfigFromCertificate({ server: kube.url }), qps: 0, retry: { maxAttempts: 1 } });
    const refused = (await untrusted.resource(ConfigMapResource).get('sdk-over-tls', { namespace: 'secure' }))._unsafeUnwrapErr();
    expect(refused.kind).toBe('Transport');
    expect(causes(refused.cause)).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|unable to verify|self[- ]signed/i);
  });

  it('streams watches, injects faults and logs requests over TLS', async () => {
    const events: string[] = [];
    let finish: (v: unknown) => void = () => {};
    const done = new Promise((r) => (finish = r));
    const ctl = await new Watch(kube.kubeConfig).watch(
      '/api/v1/namespaces/secure/configmaps',
      { resourceVersion: kube.resourceVersion() },
      (type, obj: { metadata?: { name?: string } }) => events.push(`${type} ${obj.metadata?.name}`),
      (err) => finish(err ?? 'closed'),
    );
    try {
      await core.createNamespacedConfigMap({ namespace: 'secure', body: { metadata: { name: 'watched' } } });
      await eventually(() => (events.includes('ADDED watched') ? true : undefined));
      expect(kube.faults.dropWatches()).toBe(1);
      await done;
    } finally {
      ctl.abort();
    }
    kube.faults.fail({ verb: 'get', resource: 'configmaps', name: 'watched', status: 503, times: 1 });
    const failed = await core.readNamespacedConfigMap({ namespace: 'secure', name: 'watched' }).then(
      () => 200,
      (e: unknown) => (e instanceof ApiException ? e.code : e),
    );
    expect(failed).toBe(503);
    expect(kube.requests.filter({ verb: 'get', resource: 'configmaps', name: 'watched' }).map((r) => [r.code, r.fault])).toEqual([[503, 'status 503']]);
  });

  it('presents a server certificate for 127.0.0.1 and localhost, issued by the CA', async () => {
    const served = new X509Certificate(await servedCertificate(kube.url));
    const ca = new X509Certificate(kube.caCertificate as string);
    expect(served.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(served.checkHost('localhost')).toBe('localhost');
    expect(served.checkIssued(ca)).toBe(true);
    expect(served.verify(ca.publicKey)).toBe(true);
    expect(ca.ca).toBe(true);
    expect(served.ca).toBe(false);
  });

  it.skipIf(!hasOpenssl)(hasOpenssl ? 'passes openssl verify' : 'passes openssl verify (skipped: openssl is not on PATH)', async () => {
    writeFileSync(join(dir, 'ca.pem'), kube.caCertificate as string);
    writeFileSync(join(dir, 'server.pem'), await servedCertificate(kube.url));
    const { stdout } = await run('openssl', [
      'verify',
      '-purpose',
      'sslserver',
      '-verify_ip',
      '127.0.0.1',
      '-CAfile',
      join(dir, 'ca.pem'),
      join(dir, 'server.pem'),
    ]);
    expect(stdout.trim()).toBe(`${join(dir, 'server.pem')}: OK`);
  });

  it.skipIf(!hasKubectl)(hasKubectl ? 'serves kubectl with the CA from the kubeconfig' : 'serves kubectl (skipped: kubectl is not on PATH)', async () => {
    writeFileSync(join(dir, 'kubeconfig'), kube.kubeconfigYaml);
    const args = ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache'), 'get', 'ns', '-o', 'name'];
    const { stdout } = await run('kubectl', args, { timeout: 15_000 });
    expect(stdout.split('\n').filter((l) => l !== '')).toEqual(['namespace/default', 'namespace/kube-system', 'namespace/secure']);
    const withoutCa = parse(kube.kubeconfigYaml);
    delete withoutCa.clusters[0].cluster['certificate-authority-data'];
    writeFileSync(join(dir, 'kubeconfig-no-ca'), stringify(withoutCa));
    const refused = await run('kubectl', ['--kubeconfig', join(dir, 'kubeconfig-no-ca'), ...args.slice(2)], { timeout: 15_000 }).then(
      () => '',
      (e: { stderr?: string }) => e.stderr ?? '',
    );
    expect(refused).toMatch(/x509: certificate signed by unknown authority/);
  });
});

describe('plain HTTP stays the default', () => {
  it('serves http:// without a CA and with TLS verification off', async () => {
    const plain = await startFakeKube();
    try {
      expect(plain.url).toMatch(/^http:\/\//);
      expect(plain.caCertificate).toBeUndefined();
      expect(parse(plain.kubeconfigYaml).clusters[0].cluster).toEqual({ server: plain.url, 'insecure-skip-tls-verify': true });
      expect((await plain.kubeConfig.makeApiClient(CoreV1Api).listNamespace()).items.length).toBe(4);
    } finally {
      await plain.stop();
    }
  });
});

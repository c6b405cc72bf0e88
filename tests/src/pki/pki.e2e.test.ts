/**
 * Issue 6 end to end: a Cluster's PKI on the fake host and the fake Vault, through the real
 * node-vault client and the real client-node.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateAuthorityResource, CertificateResource, ClusterResource, clusterId, isTrue, type Certificate, type Persisted } from '@kubeception/sdk';
import { ConfigMapResource, EventResource, SecretResource } from '@kubeception/sdk/kube';
import { clusterPki, createVaultPki } from '@kubeception/pki-vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPkiHarness, type PkiHarness } from './harness.js';

let h: PkiHarness;
beforeAll(async () => (h = await startPkiHarness()));
afterAll(() => h.stop());

const HOUR = 3_600_000;
const mount = (name: string) => `pki-${clusterId({ namespace: 'default', name })}`;
const cluster = (name: string) => ({
  apiVersion: 'kubeception.io/v1alpha1' as const,
  kind: 'Cluster' as const,
  metadata: { name, namespace: 'default' },
  spec: {
    provider: { kvm: {} },
    kubernetes: { version: '1.33.1' as const, api: { domain: `api.${name}.k8s.example.com` } },
    ingress: { domain: `${name}.k8s.example.com` },
    network: { podCIDR: '10.2.0.0/16' },
    masters: { cpus: 2, memory: '4Gi', disk: '20Gi' },
  },
});
const certs = () => h.kube.resource(CertificateResource);
const secretPem = async (name: string, key: 'tls.crt' | 'ca.crt' | 'tls.key') =>
  (await h.kube.resource(SecretResource).get(name, { namespace: 'default' })).match(
    (s) => Buffer.from(s.data?.[key] ?? '', 'base64').toString(),
    () => undefined,
  );
const allReady = async (name: string) => {
  const list = (await certs().list({ namespace: 'default', labelSelector: `kubeception.io/cluster=${name}` }))._unsafeUnwrap().items;
  return list.length === 7 && list.every((c) => isTrue(c.status?.conditions, 'Ready'));
};
const pemBlocks = (text: string) => text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function createClusterPki(name: string) {
  const created = (await h.kube.resource(ClusterResource).create(cluster(name) as never))._unsafeUnwrap();
  const { authority, certificates } = clusterPki(created as never);
  (await h.kube.resource(CertificateAuthorityResource).create(authority))._unsafeUnwrap();
  for (const c of certificates) (await certs().create(c))._unsafeUnwrap();
}

describe('a cluster PKI end to end', () => {
  beforeAll(async () => {
    await createClusterPki('alpha');
    await createClusterPki('beta');
    await until(() => allReady('alpha'), 30_000, 'cluster alpha certificates Ready');
    await until(() => allReady('beta'), 30_000, 'cluster beta certificates Ready');
  }, 60_000);

  it('makes the CA and the 7 component certificates Ready, one mount per cluster', async () => {
    const ca = (await h.kube.resource(CertificateAuthorityResource).get('alpha', { namespace: 'default' }))._unsafeUnwrap();
    expect(ca.status).toMatchObject({ mountPath: mount('alpha'), serialNumber: expect.stringMatching(/^[0-9a-f]{2}(:[0-9a-f]{2})+$/) });
    expect(h.fakeVault.state.mounts().sort()).toEqual([`${mount('alpha')}/`, `${mount('beta')}/`].sort());
  });

  it('writes chains that openssl and X509Certificate accept, with the right SANs, usages and O', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-pki-'));
    for (const component of ['api', 'etcd', 'worker', 'admin', 'service-account', 'flanneld-etcd-client', 'calico-etcd-client']) {
      const chain = pemBlocks((await secretPem(`alpha-${component}`, 'tls.crt')) ?? '');
      const ca = (await secretPem(`alpha-${component}`, 'ca.crt')) ?? '';
      const leaf = new X509Certificate(chain[0] ?? '');
      expect(leaf.verify(new X509Certificate(ca).publicKey)).toBe(true);
      writeFileSync(join(dir, 'ca.pem'), ca);
      writeFileSync(join(dir, 'leaf.pem'), chain[0] ?? '');
      expect(execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'leaf.pem')]).toString()).toContain('OK');
      if (component === 'api') {
        expect(leaf.subjectAltName).toContain('DNS:kubernetes.default.svc.cluster.local');
        expect(leaf.subjectAltName).toContain('IP Address:172.31.0.1');
        expect(leaf.keyUsage ?? []).toEqual(expect.arrayContaining(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
      }
      if (component === 'admin') expect(leaf.subject).toContain('O=system:masters');
    }
  });

  it('keeps clusters apart: A’s certificate does not verify against B’s CA, A’s token cannot use B’s mount', async () => {
    const leafA = new X509Certificate(pemBlocks((await secretPem('alpha-api', 'tls.crt')) ?? '')[0] ?? '');
    const caB = new X509Certificate((await secretPem('beta-api', 'ca.crt')) ?? '');
    expect(leafA.verify(caB.publicKey)).toBe(false);

    const pki = createVaultPki({ client: h.vaultClient() });
    const token =
      (await pki.issueToken({ cluster: { namespace: 'default', name: 'alpha' }, roles: ['worker'], ttl: '1h' }))._unsafeUnwrap().token?.reveal() ?? '';
    const asAlpha = h.vaultClient(token);
    await expect(asAlpha.write(`${mount('alpha')}/issue/worker`, { common_name: 'worker.alpha.k8s.example.com' })).resolves.toBeDefined();
    await expect(asAlpha.write(`${mount('beta')}/issue/worker`, { common_name: 'worker.beta.k8s.example.com' })).rejects.toMatchObject({
      response: { statusCode: 403 },
    });
  });

  it('ends a certificate its role does not allow as Ready=False with Vault’s reason, without a retry storm', async () => {
    await certs().create({
      apiVersion: 'kubeception.io/v1alpha1',
      kind: 'Certificate',
      metadata: { name: 'alpha-rogue', namespace: 'default' },
      spec: { clusterRef: { name: 'alpha' }, component: 'rogue', role: 'etcd', commonName: 'evil.example.com' },
    });
    const condition = async () =>
      (await certs().get('alpha-rogue', { namespace: 'default' }))._unsafeUnwrap().status?.conditions?.find((c) => c.type === 'Ready');
    await expect.poll(async () => (await condition())?.reason, { timeout: 10_000 }).toBe('RoleViolation');
    expect((await condition())?.message).toContain('not allowed by this role');
    const issues = () => h.fakeVault.requests.filter({ path: `${mount('alpha')}/issue/etcd` }).length;
    const before = issues();
    await new Promise((r) => setTimeout(r, 500));
    expect(issues() - before).toBe(0);
  });

  it('re-issues with a new serial once the clock passes the renewal time, and updates the Secret', async () => {
    const before = (await certs().get('alpha-worker', { namespace: 'default' }))._unsafeUnwrap() as Persisted<Certificate>;
    h.advance(60 * HOUR); // 72h certificates renew 24h (+ jitter) before expiry
    h.resyncCertificates();
    await expect
      .poll(async () => (await certs().get('alpha-worker', { namespace: 'default' }))._unsafeUnwrap().status?.serialNumber, { timeout: 10_000 })
      .not.toBe(before.status?.serialNumber);
    const serial = (await certs().get('alpha-worker', { namespace: 'default' }))._unsafeUnwrap().status?.serialNumber;
    const inSecret = new X509Certificate(pemBlocks((await secretPem('alpha-worker', 'tls.crt')) ?? '')[0] ?? '').serialNumber.toLowerCase();
    expect(inSecret.match(/../g)?.join(':')).toBe(serial);
  });

  it('re-creates a deleted Secret', async () => {
    await h.kube.resource(SecretResource).delete('alpha-etcd', { namespace: 'default' });
    await expect.poll(async () => (await secretPem('alpha-etcd', 'tls.crt')) !== undefined, { timeout: 10_000 }).toBe(true);
  });

  it('converges after Vault is sealed and unsealed mid-way', async () => {
    h.fakeVault.faults.seal();
    await certs().create({
      apiVersion: 'kubeception.io/v1alpha1',
      kind: 'Certificate',
      metadata: { name: 'alpha-extra', namespace: 'default' },
      spec: { clusterRef: { name: 'alpha' }, component: 'extra', role: 'admin', commonName: 'admin', organizations: ['system:masters'] },
    });
    await expect
      .poll(async () => (await certs().get('alpha-extra', { namespace: 'default' }))._unsafeUnwrap().status?.conditions?.[0]?.reason, { timeout: 10_000 })
      .toBe('RetryingSealed');
    h.fakeVault.faults.unseal();
    await expect
      .poll(async () => isTrue((await certs().get('alpha-extra', { namespace: 'default' }))._unsafeUnwrap().status?.conditions, 'Ready'), { timeout: 15_000 })
      .toBe(true);
  });

  it('never shows a private key in logs, events, status, ConfigMaps or specs', async () => {
    const text = JSON.stringify([
      h.logs(),
      (await h.kube.resource(EventResource).list())._unsafeUnwrap().items,
      (await certs().list())._unsafeUnwrap().items,
      (await h.kube.resource(CertificateAuthorityResource).list())._unsafeUnwrap().items,
      (await h.kube.resource(ConfigMapResource).list())._unsafeUnwrap().items,
      (await h.kube.resource(ClusterResource).list())._unsafeUnwrap().items,
    ]);
    expect(h.logs().length).toBeGreaterThan(0);
    expect(text).not.toMatch(/PRIVATE KEY/);
    expect((await secretPem('alpha-api', 'tls.key')) ?? '').toMatch(/PRIVATE KEY/); // where it belongs
  });

  it('deleting the CA revokes its certificates and unmounts (no leaked mounts)', async () => {
    await h.kube.resource(CertificateAuthorityResource).delete('beta', { namespace: 'default' });
    await expect.poll(() => h.fakeVault.state.mounts(), { timeout: 10_000 }).toEqual([`${mount('alpha')}/`]);
    // the mount goes before the finalizer: the CA object follows a moment later
    await expect
      .poll(async () => (await h.kube.resource(CertificateAuthorityResource).get('beta', { namespace: 'default' })).isErr() && 'gone', { timeout: 10_000 })
      .toBe('gone');
    expect((await h.kube.resource(CertificateAuthorityResource).get('beta', { namespace: 'default' }))._unsafeUnwrapErr().kind).toBe('NotFound');
  });
});

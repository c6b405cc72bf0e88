/**
 * Issue 6 end to end: a Cluster's PKI on the fake host and the fake Vault, through the real
 * node-vault client and the real client-node.
 */
import { X509Certificate } from 'node:crypto';
import { CertificateAuthorityResource, CertificateResource, ClusterResource, isTrue, type Certificate, type Persisted } from '@kubeception/sdk';
import { ConfigMapResource, EventResource, SecretResource } from '@kubeception/sdk/kube';
import { createVaultPki } from '@kubeception/pki-vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountOf, opensslVerifies, pemBlocks, secretText, startWithReadyClusters } from './e2e-support.js';
import type { PkiHarness } from './harness.js';

let h: PkiHarness;
beforeAll(async () => (h = await startWithReadyClusters({ clusters: ['alpha', 'beta'] })), 60_000);
afterAll(() => h.stop());

const HOUR = 3_600_000;
const certs = () => h.kube.resource(CertificateResource);
const secretPem = (name: string, key: 'tls.crt' | 'ca.crt' | 'tls.key') => secretText(h, name, key);

describe('a cluster PKI end to end', () => {
  it('makes the CA and the 7 component certificates Ready, one mount per cluster', async () => {
    const ca = (await h.kube.resource(CertificateAuthorityResource).get('alpha', { namespace: 'default' }))._unsafeUnwrap();
    expect(ca.status).toMatchObject({ mountPath: mountOf('alpha'), serialNumber: expect.stringMatching(/^[0-9a-f]{2}(:[0-9a-f]{2})+$/) });
    expect(h.fakeVault.state.mounts().sort()).toEqual([`${mountOf('alpha')}/`, `${mountOf('beta')}/`].sort());
  });

  it('writes chains that openssl and X509Certificate accept, with the right SANs, usages and O', async () => {
    for (const component of ['api', 'etcd', 'worker', 'admin', 'service-account', 'flanneld-etcd-client', 'calico-etcd-client']) {
      const chain = pemBlocks((await secretPem(`alpha-${component}`, 'tls.crt')) ?? '');
      const ca = (await secretPem(`alpha-${component}`, 'ca.crt')) ?? '';
      const leaf = new X509Certificate(chain[0] ?? '');
      expect(leaf.verify(new X509Certificate(ca).publicKey)).toBe(true);
      expect(opensslVerifies(ca, chain[0] ?? ''), `openssl verify alpha-${component}`).toBe(true);
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
    await expect(asAlpha.write(`${mountOf('alpha')}/issue/worker`, { common_name: 'worker.alpha.k8s.example.com' })).resolves.toBeDefined();
    await expect(asAlpha.write(`${mountOf('beta')}/issue/worker`, { common_name: 'worker.beta.k8s.example.com' })).rejects.toMatchObject({
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
    const issues = () => h.fakeVault.requests.filter({ path: `${mountOf('alpha')}/issue/etcd` }).length;
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
    await expect.poll(() => h.fakeVault.state.mounts(), { timeout: 10_000 }).toEqual([`${mountOf('alpha')}/`]);
    // the mount goes before the finalizer: the CA object follows a moment later
    await expect
      .poll(async () => (await h.kube.resource(CertificateAuthorityResource).get('beta', { namespace: 'default' })).isErr() && 'gone', { timeout: 10_000 })
      .toBe('gone');
    expect((await h.kube.resource(CertificateAuthorityResource).get('beta', { namespace: 'default' }))._unsafeUnwrapErr().kind).toBe('NotFound');
  });
});

/**
 * Review items 1–3 and the CA without a Cluster: two tenants' same-named Clusters never share a
 * PKI; a CertificateAuthority or Certificate reaches only its own namespace; a mount has one
 * owner. Real client-node and node-vault against the fake API server and the fake Vault.
 */
import { X509Certificate } from 'node:crypto';
import { CertificateAuthorityResource, CertificateResource, ClusterResource } from '@kubeception/sdk';
import { SecretResource } from '@kubeception/sdk/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allReady,
  clusterInput,
  createClusterPki,
  createNamespace,
  mountOf,
  opensslVerifies,
  pemBlocks,
  readyOf,
  secretText,
  startWithReadyClusters,
  until,
} from './e2e-support.js';
import type { PkiHarness } from './harness.js';

let h: PkiHarness;
beforeAll(async () => (h = await startWithReadyClusters({ clusters: ['demo', 'other/demo'], namespaces: ['third', 'fourth'] })), 60_000);
afterAll(() => h.stop());

const caOf = async (namespace: string, name = 'demo') => (await h.kube.resource(CertificateAuthorityResource).get(name, { namespace }))._unsafeUnwrap();
/** Where default/demo's PKI is, as its CA reports it. */
const victimMount = async () => (await caOf('default')).status?.mountPath ?? '';
const adminRole = async () => (await h.vaultClient().read(`${await victimMount()}/roles/admin`)) as { data: Record<string, unknown> };
const rogueCa = (name: string, namespace: string) => ({
  apiVersion: 'kubeception.io/v1alpha1' as const,
  kind: 'CertificateAuthority' as const,
  metadata: { name, namespace },
  spec: {
    clusterRef: { name: 'demo' },
    commonName: 'rogue',
    roles: [{ name: 'admin', allowedDomains: ['rogue.example.com'], allowBareDomains: true, organizations: ['system:masters'] }],
  },
});

const rogueCert = (namespace: string) => ({
  apiVersion: 'kubeception.io/v1alpha1' as const,
  kind: 'Certificate' as const,
  metadata: { name: 'rogue-admin', namespace },
  spec: {
    clusterRef: { name: 'demo' },
    component: 'admin',
    role: 'admin',
    commonName: 'rogue.example.com',
    organizations: ['system:masters'],
    secretName: 'rogue-admin',
  },
});

describe('two namespaces, one Cluster name (item 1)', () => {
  it('gives each Cluster its own mount, named from its cluster ID', async () => {
    const [mine, theirs] = [await caOf('default'), await caOf('other')];
    expect(mine.status?.mountPath).toBe(mountOf('demo', 'default'));
    expect(theirs.status?.mountPath).toBe(mountOf('demo', 'other'));
    expect(mine.status?.mountPath).not.toBe(theirs.status?.mountPath);
    const leaf = new X509Certificate(pemBlocks((await secretText(h, 'demo-api', 'tls.crt', 'other')) ?? '')[0] ?? '');
    expect(leaf.verify(new X509Certificate(mine.status?.certificate ?? '').publicKey)).toBe(false);
  });
});

describe('a CertificateAuthority reaches only its own namespace (item 2 and a CA without a Cluster)', () => {
  it('reports ClusterNotFound for a clusterRef with no Cluster in its namespace, and creates nothing in Vault', async () => {
    const mounts = h.fakeVault.state.mounts();
    const roleBefore = (await adminRole()).data;
    const victim = await victimMount();
    const issued = () => h.fakeVault.requests.filter({ path: `${victim}/issue/admin` }).length;
    const before = issued();
    await h.kube.resource(CertificateAuthorityResource).create(rogueCa('demo', 'third'));
    await h.kube.resource(CertificateResource).create(rogueCert('third'));
    await expect.poll(async () => (await readyOf(h, 'ca', 'demo', 'third'))?.reason, { timeout: 10_000 }).toBe('ClusterNotFound');
    expect((await readyOf(h, 'ca', 'demo', 'third'))?.message).toContain('Cluster demo not found in namespace third');
    // item 3: its Certificate waits; it is not issued from default/demo's CA
    await expect.poll(async () => (await readyOf(h, 'cert', 'rogue-admin', 'third'))?.reason, { timeout: 10_000 }).toBe('Waiting');
    expect(issued()).toBe(before);
    expect(h.fakeVault.state.mounts()).toEqual(mounts);
    expect((await adminRole()).data).toEqual(roleBefore);
  });

  it('converges once that Cluster appears, on a mount of its own', async () => {
    await h.kube.resource(ClusterResource).create(clusterInput('demo', 'third') as never);
    await expect.poll(async () => (await readyOf(h, 'ca', 'demo', 'third'))?.status, { timeout: 10_000 }).toBe('True');
    expect((await caOf('third')).status?.mountPath).toBe(mountOf('demo', 'third'));
    expect(h.fakeVault.state.mounts()).toContain(`${mountOf('demo', 'default')}/`);
    // its Certificate is issued from its own namespace's CA, not default/demo's
    await expect.poll(async () => (await readyOf(h, 'cert', 'rogue-admin', 'third'))?.status, { timeout: 10_000 }).toBe('True');
    const leaf = new X509Certificate(pemBlocks((await secretText(h, 'rogue-admin', 'tls.crt', 'third')) ?? '')[0] ?? '');
    expect(leaf.verify(new X509Certificate((await caOf('third')).status?.certificate ?? '').publicKey)).toBe(true);
    expect(leaf.verify(new X509Certificate((await caOf('default')).status?.certificate ?? '').publicKey)).toBe(false);
  });

  it('gives a second CA of the same Cluster MountConflict naming the owner; it rewrites no role and unmounts nothing when deleted', async () => {
    const roleBefore = (await adminRole()).data;
    const certificate = (await caOf('default')).status?.certificate;
    await h.kube.resource(CertificateAuthorityResource).create(rogueCa('rogue', 'default'));
    await expect.poll(async () => (await readyOf(h, 'ca', 'rogue'))?.reason, { timeout: 10_000 }).toBe('MountConflict');
    expect((await readyOf(h, 'ca', 'rogue'))?.message).toContain('belongs to CertificateAuthority default/demo');
    expect((await adminRole()).data).toEqual(roleBefore);
    await h.kube.resource(CertificateAuthorityResource).delete('rogue', { namespace: 'default' });
    await until(async () => (await h.kube.resource(CertificateAuthorityResource).get('rogue', { namespace: 'default' })).isErr(), 10_000, 'the rogue CA gone');
    expect(h.fakeVault.state.mounts()).toContain(`${await victimMount()}/`);
    expect(h.fakeVault.state.certificates(await victimMount()).every((c) => !c.revoked)).toBe(true);
    expect((await caOf('default')).status?.certificate).toBe(certificate);
  });
});

describe('a Certificate uses only the CA of its namespace (item 3)', () => {
  it('issues nothing for a clusterRef without a CertificateAuthority in its namespace', async () => {
    const victim = await victimMount();
    const issues = () => h.fakeVault.requests.filter({ path: `${victim}/issue/admin` }).length;
    const before = issues();
    await h.kube.resource(CertificateResource).create({
      apiVersion: 'kubeception.io/v1alpha1',
      kind: 'Certificate',
      metadata: { name: 'steal-admin', namespace: 'fourth' },
      spec: { clusterRef: { name: 'demo' }, component: 'admin', role: 'admin', commonName: 'admin', organizations: ['system:masters'] },
    });
    await expect.poll(async () => (await readyOf(h, 'cert', 'steal-admin', 'fourth'))?.reason, { timeout: 10_000 }).toBe('AuthorityNotFound');
    expect((await h.kube.resource(SecretResource).get('demo-admin', { namespace: 'fourth' })).isErr()).toBe(true);
    expect(issues()).toBe(before);
  });
});

describe('deleting one tenant’s PKI (item 1)', () => {
  it('leaves the other tenant’s mount, CA and certificates as they were', async () => {
    const mine = await caOf('default');
    await h.kube.resource(CertificateAuthorityResource).delete('demo', { namespace: 'other' });
    await until(
      async () => (await h.kube.resource(CertificateAuthorityResource).get('demo', { namespace: 'other' })).isErr(),
      10_000,
      'the other tenant’s CA gone',
    );
    expect(h.fakeVault.state.mounts()).not.toContain(`${mountOf('demo', 'other')}/`);
    expect(h.fakeVault.state.mounts()).toContain(`${mine.status?.mountPath}/`);
    expect(h.fakeVault.state.certificates(mine.status?.mountPath ?? '').every((c) => !c.revoked)).toBe(true);
    expect((await caOf('default')).status?.certificate).toBe(mine.status?.certificate);
    const leaf = new X509Certificate(pemBlocks((await secretText(h, 'demo-admin', 'tls.crt')) ?? '')[0] ?? '');
    expect(leaf.verify(new X509Certificate(mine.status?.certificate ?? '').publicKey)).toBe(true);
    expect(await allReady(h, 'demo', 'default')).toBe(true);
  });

  it('after a same-named Cluster in another namespace is created and deleted, openssl verifies every certificate of the first against its own CA', async () => {
    const mine = (await caOf('default')).status?.certificate ?? '';
    await createNamespace(h, 'fifth');
    await createClusterPki(h, 'demo', 'fifth');
    await until(() => allReady(h, 'demo', 'fifth'), 30_000, 'fifth/demo Ready');
    expect(mountOf('demo', 'fifth')).not.toBe(mountOf('demo', 'default'));
    (await h.kube.resource(ClusterResource).delete('demo', { namespace: 'fifth' }))._unsafeUnwrap();
    // its CertificateAuthority goes with it (owned by the Cluster), and its finalizer unmounts its PKI
    await until(async () => (await h.kube.resource(CertificateAuthorityResource).get('demo', { namespace: 'fifth' })).isErr(), 20_000, 'fifth/demo’s CA gone');
    expect(h.fakeVault.state.mounts()).not.toContain(`${mountOf('demo', 'fifth')}/`);
    expect((await caOf('default')).status?.certificate).toBe(mine);
    for (const component of ['api', 'etcd', 'worker', 'admin', 'service-account', 'flanneld-etcd-client', 'calico-etcd-client']) {
      const leaf = pemBlocks((await secretText(h, `demo-${component}`, 'tls.crt')) ?? '')[0] ?? '';
      expect(opensslVerifies(mine, leaf), `demo-${component} verifies against default/demo's CA`).toBe(true);
      expect((await secretText(h, `demo-${component}`, 'ca.crt'))?.trim()).toBe(mine.trim());
    }
    expect(await allReady(h, 'demo', 'default')).toBe(true);
  }, 60_000);
});

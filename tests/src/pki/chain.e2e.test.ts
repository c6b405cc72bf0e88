/**
 * Review item 8: a Certificate is Ready only while its Secret chains to the CA's current root.
 * After the CA is deleted and re-created (with a new root), and after the root is rotated in
 * Vault, every Secret is re-issued and `openssl verify` accepts it against the new root.
 */
import {
  CertificateAuthorityResource,
  CertificateResource,
  ClusterResource,
  isTrue,
  type CertificateAuthority,
  type Cluster,
  type Persisted,
} from '@kubeception/sdk';
import { clusterPki } from '@kubeception/sdk/cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allReady, mountOf, opensslVerifies, pemBlocks, secretText, startWithReadyClusters, until } from './e2e-support.js';
import type { PkiHarness } from './harness.js';

let h: PkiHarness;
beforeAll(async () => (h = await startWithReadyClusters({ clusters: ['rot'] })), 60_000);
afterAll(() => h.stop());

const COMPONENTS = ['api', 'etcd', 'worker', 'admin', 'service-account', 'flanneld-etcd-client', 'calico-etcd-client'];
const cas = () => h.kube.resource(CertificateAuthorityResource);
const root = async () =>
  (await cas().get('rot', { namespace: 'default' })).match(
    (ca: Persisted<CertificateAuthority>) => (isTrue(ca.status?.conditions, 'Ready') ? ca.status?.certificate : undefined),
    () => undefined,
  );

/** Every component Secret's leaf verifies against `caPem` with openssl, and ca.crt is that root. */
async function everySecretChainsTo(caPem: string): Promise<boolean> {
  for (const component of COMPONENTS) {
    const leaf = pemBlocks((await secretText(h, `rot-${component}`, 'tls.crt')) ?? '')[0] ?? '';
    if (!opensslVerifies(caPem, leaf)) return false;
    if ((await secretText(h, `rot-${component}`, 'ca.crt'))?.trim() !== caPem.trim()) return false;
  }
  return true;
}

const readyNames = async () =>
  (await h.kube.resource(CertificateResource).list({ namespace: 'default', labelSelector: 'kubeception.io/cluster=rot' }))
    ._unsafeUnwrap()
    .items.filter((c) => isTrue(c.status?.conditions, 'Ready'))
    .map((c) => c.metadata.name);

describe('certificates follow their CA', () => {
  it('start out chained to the CA', async () => {
    expect(await everySecretChainsTo((await root()) ?? '')).toBe(true);
  });

  it('after the CA is deleted and re-created with a new root: not Ready meanwhile, then every Secret re-issued and verifying against the new root', async () => {
    const old = (await root()) ?? '';
    await cas().delete('rot', { namespace: 'default' });
    await until(async () => (await cas().get('rot', { namespace: 'default' })).isErr(), 10_000, 'the CA gone');
    expect(h.fakeVault.state.mounts()).not.toContain(`${mountOf('rot')}/`);
    // nothing chains to a CA that is gone: no Certificate may stay Ready
    await expect.poll(readyNames, { timeout: 10_000 }).toEqual([]);
    // what the Cluster controller does: create the CA again
    const cluster = (await h.kube.resource(ClusterResource).get('rot', { namespace: 'default' }))._unsafeUnwrap() as Persisted<Cluster>;
    (await cas().create(clusterPki(cluster).authority))._unsafeUnwrap();
    await until(async () => ((await root()) ?? old) !== old, 10_000, 'a new root');
    const fresh = (await root()) ?? '';
    await until(() => allReady(h, 'rot'), 15_000, 'every Certificate Ready again');
    expect(await everySecretChainsTo(fresh)).toBe(true);
    expect(opensslVerifies(fresh, pemBlocks((await secretText(h, 'rot-admin', 'tls.crt')) ?? '')[0] ?? '')).toBe(true);
    expect(opensslVerifies(old, pemBlocks((await secretText(h, 'rot-admin', 'tls.crt')) ?? '')[0] ?? '')).toBe(false);
  });

  it('after the root is rotated in Vault: every Secret re-issued and verifying against the new root', async () => {
    const old = (await root()) ?? '';
    const mount = (await cas().get('rot', { namespace: 'default' }))._unsafeUnwrap().status?.mountPath ?? '';
    await h.vaultClient().delete(`${mount}/root`); // an administrator rotates: the CA controller generates the next root
    h.resyncAuthorities();
    await until(async () => ((await root()) ?? old) !== old, 10_000, 'the rotated root in the CA status');
    const fresh = (await root()) ?? '';
    await until(() => everySecretChainsTo(fresh), 15_000, 'every Secret chained to the rotated root');
    await until(() => allReady(h, 'rot'), 15_000, 'every Certificate Ready');
    expect(opensslVerifies(old, pemBlocks((await secretText(h, 'rot-api', 'tls.crt')) ?? '')[0] ?? '')).toBe(false);
  });
});

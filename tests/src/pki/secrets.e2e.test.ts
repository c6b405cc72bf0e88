/**
 * Review items 4–6: a Certificate creates its Secret and writes only a Secret it owns. Naming
 * another Certificate's Secret, or an unrelated one, ends in SecretConflict with nothing written,
 * and deleting the Certificate leaves that Secret alone; two Certificates never fight over one.
 */
import { CertificateResource, type CertificateInput } from '@kubeception/sdk';
import { SecretResource } from '@kubeception/sdk/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readyOf, startWithReadyClusters, until } from './e2e-support.js';
import type { PkiHarness } from './harness.js';

let h: PkiHarness;
beforeAll(async () => (h = await startWithReadyClusters({ clusters: ['victim'] })), 60_000);
afterAll(() => h.stop());

const secrets = () => h.kube.resource(SecretResource);
const secret = async (name: string) => (await secrets().get(name, { namespace: 'default' }))._unsafeUnwrap();
const certificate = (name: string, secretName: string): CertificateInput => ({
  apiVersion: 'kubeception.io/v1alpha1',
  kind: 'Certificate',
  metadata: { name, namespace: 'default' },
  spec: {
    clusterRef: { name: 'victim' },
    component: 'worker',
    role: 'worker',
    commonName: 'worker.victim.k8s.example.com',
    organizations: ['system:nodes'],
    secretName,
  },
});
const gone = (name: string) =>
  until(async () => (await h.kube.resource(CertificateResource).get(name, { namespace: 'default' })).isErr(), 10_000, `Certificate ${name} gone`);
/** Secret writes (not reads) since `from`. */
const requests = () => {
  if (!h.fakeKube) throw new Error('this suite reads the fake host’s request log');
  return h.fakeKube.requests;
};
const secretWrites = (name: string, from: number) =>
  requests()
    .all()
    .slice(from)
    .filter((r) => r.resource === 'secrets' && r.name === name && r.verb !== 'get' && r.verb !== 'list' && r.verb !== 'watch');

describe('a Certificate naming a Secret it does not own', () => {
  it('does not take over another cluster component’s Secret, and deleting it leaves that Secret (item 4)', async () => {
    const before = await secret('victim-admin');
    const from = requests().all().length;
    await h.kube.resource(CertificateResource).create(certificate('attacker', 'victim-admin'));
    await expect.poll(async () => (await readyOf(h, 'cert', 'attacker'))?.reason, { timeout: 10_000 }).toBe('SecretConflict');
    expect((await readyOf(h, 'cert', 'attacker'))?.message).toContain('belongs to Certificate victim-admin');
    expect(secretWrites('victim-admin', from)).toEqual([]);
    await h.kube.resource(CertificateResource).delete('attacker', { namespace: 'default' });
    await gone('attacker');
    const after = await secret('victim-admin');
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.data).toEqual(before.data);
    expect(after.metadata.ownerReferences).toEqual(before.metadata.ownerReferences);
    expect((await readyOf(h, 'cert', 'victim-admin'))?.status).toBe('True');
  });

  it('does not take over an unrelated Secret, and deleting it leaves that Secret (item 5)', async () => {
    await secrets().create({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { name: 'app-config', namespace: 'default' },
      data: { password: Buffer.from('hunter2').toString('base64') },
    });
    const before = await secret('app-config');
    await h.kube.resource(CertificateResource).create(certificate('grabber', 'app-config'));
    await expect.poll(async () => (await readyOf(h, 'cert', 'grabber'))?.reason, { timeout: 10_000 }).toBe('SecretConflict');
    expect((await readyOf(h, 'cert', 'grabber'))?.message).toContain('not owned by a Certificate');
    await h.kube.resource(CertificateResource).delete('grabber', { namespace: 'default' });
    await gone('grabber');
    const after = await secret('app-config');
    expect({ uid: after.metadata.uid, type: after.type, data: after.data, owners: after.metadata.ownerReferences ?? [] }).toEqual({
      uid: before.metadata.uid,
      type: 'Opaque',
      data: before.data,
      owners: [],
    });
  });

  it('lets the first of two Certificates for one Secret have it; the later one conflicts and nothing fights (item 6)', async () => {
    await h.kube.resource(CertificateResource).create(certificate('first', 'shared-tls'));
    await expect.poll(async () => (await readyOf(h, 'cert', 'first'))?.status, { timeout: 10_000 }).toBe('True');
    const owned = await secret('shared-tls');
    await h.kube.resource(CertificateResource).create(certificate('second', 'shared-tls'));
    await expect.poll(async () => (await readyOf(h, 'cert', 'second'))?.reason, { timeout: 10_000 }).toBe('SecretConflict');
    expect((await readyOf(h, 'cert', 'second'))?.message).toContain('belongs to Certificate first');
    await new Promise((r) => setTimeout(r, 500));
    h.resyncCertificates();
    await new Promise((r) => setTimeout(r, 500));
    const later = await secret('shared-tls');
    expect(later.metadata.resourceVersion).toBe(owned.metadata.resourceVersion);
    expect(later.metadata.ownerReferences?.map((r) => r.name)).toEqual(['first']);
  });

  it('gives a Secret released by its owner to the Certificate that waited for it, and deletes only its own', async () => {
    await h.kube.resource(CertificateResource).delete('first', { namespace: 'default' });
    await gone('first');
    await expect.poll(async () => (await readyOf(h, 'cert', 'second'))?.status, { timeout: 10_000 }).toBe('True');
    expect((await secret('shared-tls')).metadata.ownerReferences?.map((r) => r.name)).toEqual(['second']);
    await h.kube.resource(CertificateResource).delete('second', { namespace: 'default' });
    await gone('second');
    await until(async () => (await secrets().get('shared-tls', { namespace: 'default' })).isErr(), 10_000, 'the Secret its owner deleted');
  });
});

describe('a Certificate’s own Secret without its cluster label', () => {
  it('is issued into again with the label restored: the controller keeps only labelled Secrets whole, and every other Secret’s metadata', async () => {
    await h.kube.resource(CertificateResource).create(certificate('unlabelled', 'unlabelled-tls'));
    await expect.poll(async () => (await readyOf(h, 'cert', 'unlabelled'))?.status, { timeout: 10_000 }).toBe('True');
    const issued = await secret('unlabelled-tls');
    (await secrets().patch('unlabelled-tls', { type: 'json', ops: [{ op: 'remove', path: '/metadata/labels' }] }, { namespace: 'default' }))._unsafeUnwrap();
    await expect.poll(async () => (await secret('unlabelled-tls')).metadata.labels, { timeout: 10_000 }).toEqual({ 'kubeception.io/cluster': 'victim' });
    const restored = await secret('unlabelled-tls');
    expect(restored.metadata.uid).toBe(issued.metadata.uid);
    expect(restored.metadata.ownerReferences?.map((r) => r.name)).toEqual(['unlabelled']);
    expect(restored.data?.['tls.crt']).toBeDefined();
    expect((await readyOf(h, 'cert', 'unlabelled'))?.status).toBe('True');
    await h.kube.resource(CertificateResource).delete('unlabelled', { namespace: 'default' });
    await gone('unlabelled');
    await until(async () => (await secrets().get('unlabelled-tls', { namespace: 'default' })).isErr(), 10_000, 'the Secret its owner deleted');
  });
});

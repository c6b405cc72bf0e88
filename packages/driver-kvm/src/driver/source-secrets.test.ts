/**
 * The component Secrets read whole only when needed, against the fake API server: a copy planned
 * from digests is made from its source read whole when it is written; the admin certificate is
 * read once per version of its Secret (its digests), and not at all from a cache that keeps data.
 */
import { Label, type Cluster, type Persisted } from '@kubeception/sdk';
import { createKubeClient, SecretResource, type KubeClient, type Secret } from '@kubeception/sdk/kube';
import { dataDigests } from '@kubeception/sdk/runtime';
import { startFakeKube, type FakeKube } from '@kubeception/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { persistedCluster } from '../render/test-fixtures.js';
import { kvmCluster } from '../render/cluster.js';
import { kvmSpecOf } from '../render/test-fixtures.js';
import { secretCopies } from './plan.js';
import { createAdminCertificates, materialise } from './source-secrets.js';

const AGENT = 'source-secrets-test';
let fake: FakeKube;
let kube: KubeClient;
const cluster: Persisted<Cluster> = persistedCluster('default', 'demo', { kvm: {}, workers: 0 });
const b64 = (text: string) => Buffer.from(text).toString('base64');

/** The name a request read one object by: a GET's, or a LIST's `metadata.name` field selector. */
const readOf = (r: { verb: string; name?: string | undefined; url: string }) =>
  r.verb === 'get' ? r.name : r.verb === 'list' ? /[?&]fieldSelector=metadata\.name%3D([^&]+)/.exec(r.url)?.[1] : undefined;
const mine = (from: number) =>
  fake.requests
    .all()
    .slice(from)
    .filter((r) => r.userAgent.startsWith(AGENT));
/** The Secrets read one by one (by name) since `from`. */
const gets = (from: number) => mine(from).flatMap((r) => readOf(r) ?? []);
/** The LISTs of a Cluster's labelled Secrets since `from`. */
const labelledLists = (from: number) => mine(from).filter((r) => r.verb === 'list' && r.url.includes('labelSelector='));
const write = async (name: string, data: Record<string, string>): Promise<Persisted<Secret>> => {
  const secrets = kube.resource(SecretResource);
  const labels = { [Label.Cluster]: 'demo' };
  const body: Secret = { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name, namespace: 'default', labels }, data };
  const existing = await secrets.get(name, { namespace: 'default' });
  return (existing.isOk() ? await secrets.replace({ ...body, metadata: existing.value.metadata }) : await secrets.create(body))._unsafeUnwrap();
};
/** As the labelled Secret cache holds it: data values as digests. */
const cached = (secret: Persisted<Secret>) => dataDigests.apply(secret);

beforeAll(async () => {
  fake = await startFakeKube({ namespaces: ['default'] });
  kube = createKubeClient({ kubeConfig: fake.kubeConfig, qps: 0, userAgent: AGENT });
});
afterAll(async () => fake?.stop());

describe('materialise', () => {
  it('makes a copy planned from digests from its source read whole, and leaves other objects as they are', async () => {
    const source = await write('demo-api', { 'tls.crt': b64('cert'), 'tls.key': b64('key') });
    const [copy] = secretCopies(kvmCluster(cluster, kvmSpecOf(cluster)), [cached(source)]);
    expect(copy?.data?.['tls.crt']).toMatch(/^sha256:/);
    const other = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } };
    const from = fake.requests.all().length;
    const written = (await materialise(kube, [copy!, other]))._unsafeUnwrap();
    expect(written).toEqual([{ ...copy, data: { 'tls.crt': b64('cert'), 'tls.key': b64('key') } }, other]);
    expect(gets(from)).toEqual(['demo-api']);
  });

  it('reads the sources of several copies of a Cluster by one LIST of its labelled Secrets', async () => {
    const sources = [
      await write('demo-etcd', { 'tls.crt': b64('etcd'), 'tls.key': b64('k1') }),
      await write('demo-proxy', { 'tls.crt': b64('proxy'), 'tls.key': b64('k2') }),
    ];
    const copies = secretCopies(kvmCluster(cluster, kvmSpecOf(cluster)), sources.map(cached));
    const from = fake.requests.all().length;
    const written = (await materialise(kube, copies))._unsafeUnwrap();
    expect(written.map((c) => (c as Secret).data?.['tls.crt'])).toEqual([b64('etcd'), b64('proxy')]);
    expect(gets(from)).toEqual([]);
    expect(labelledLists(from)).toHaveLength(1);
  });

  it('writes no copy of a source gone since', async () => {
    const source = await write('demo-gone', { 'tls.crt': b64('cert'), 'tls.key': b64('key') });
    const [copy] = secretCopies(kvmCluster(cluster, kvmSpecOf(cluster)), [cached(source)]);
    (await kube.resource(SecretResource).delete('demo-gone', { namespace: 'default' }))._unsafeUnwrap();
    expect((await materialise(kube, [copy!]))._unsafeUnwrap()).toEqual([]);
  });
});

describe('createAdminCertificates', () => {
  it('reads the admin certificate once per version of its Secret, and not from a Secret cached whole', async () => {
    const admins = createAdminCertificates(kube);
    const v1 = await write('demo-admin', { 'tls.crt': b64('cert-1'), 'tls.key': b64('key-1'), 'ca.crt': b64('ca') });
    let from = fake.requests.all().length;
    const first = (await admins.resolve(cluster, [cached(v1)]))._unsafeUnwrap();
    expect(first).toMatchObject({ certPem: 'cert-1', caPem: 'ca' });
    expect(first?.keyPem.reveal()).toBe('key-1');
    expect((await admins.resolve(cluster, [cached(v1)]))._unsafeUnwrap()?.certPem).toBe('cert-1');
    expect(gets(from)).toEqual(['demo-admin']);

    const v2 = await write('demo-admin', { 'tls.crt': b64('cert-2'), 'tls.key': b64('key-2'), 'ca.crt': b64('ca') });
    from = fake.requests.all().length;
    expect((await admins.resolve(cluster, [cached(v2)]))._unsafeUnwrap()?.certPem).toBe('cert-2');
    expect(gets(from)).toEqual(['demo-admin']);

    from = fake.requests.all().length;
    expect((await admins.resolve(cluster, [v2]))._unsafeUnwrap()?.certPem).toBe('cert-2');
    expect((await admins.resolve(cluster, []))._unsafeUnwrap()).toBeUndefined();
    expect(gets(from)).toEqual([]);
  });
});

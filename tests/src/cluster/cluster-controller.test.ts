/**
 * The provider-agnostic Cluster controller with a small sandbox driver, on the fake host with
 * the real PKI controllers and the fake Vault.
 */
import { CertificateAuthorityResource, CertificateResource, clusterId, isTrue } from '@kubeception/sdk';
import { ConfigMapResource } from '@kubeception/sdk/kube';
import type { FakeKube, StartedFakeVault } from '@kubeception/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_TAKEN_ANNOTATION, type SandboxCalls } from './sandbox-driver.js';
import { sandboxCluster as cluster, startSandboxWorld, type SandboxWorld } from './sandbox-world.js';

let world: SandboxWorld;
let fakeKube: FakeKube;
let fakeVault: StartedFakeVault;
let calls: SandboxCalls;
const controllerName = 'sandbox-operator';

beforeAll(async () => {
  world = await startSandboxWorld(controllerName);
  ({ fakeKube, fakeVault, calls } = world);
});
afterAll(() => world.stop());

const kube = () => world.kube();
const clusters = () => world.clusters();
const get = (name: string) => world.get(name);
const makeReady = (name: string) => world.makeReady(name);

describe('Cluster controller', () => {
  it('goes Pending → Provisioning → Ready, with its PKI owned by the Cluster', async () => {
    const phases: string[] = [];
    const certificateMessages = new Set<string>();
    const certificateReasons = new Set<string>();
    const stop = new AbortController();
    void (async () => {
      for await (const e of clusters().watch({ namespace: 'default', signal: stop.signal })) {
        if (e.type === 'MODIFIED' && e.object.metadata.name === 'one') {
          const phase = e.object.status?.phase;
          if (phase && phases.at(-1) !== phase) phases.push(phase);
          const certificates = e.object.status?.conditions?.find((c) => c.type === 'CertificatesReady');
          if (certificates?.status === 'False') certificateMessages.add(certificates.message ?? '');
        }
      }
    })();
    void (async () => {
      for await (const e of kube()
        .resource(CertificateResource)
        .watch({ namespace: 'default', labelSelector: 'kubeception.io/cluster=one', signal: stop.signal })) {
        if (e.type === 'ADDED' || e.type === 'MODIFIED')
          for (const c of e.object.status?.conditions ?? []) if (c.type === 'Ready') certificateReasons.add(`${c.status}/${c.reason}`);
      }
    })();
    (await clusters().create(cluster('one') as never))._unsafeUnwrap();
    await expect.poll(async () => (await get('one')).status?.phase, { timeout: 30_000 }).toBe('Provisioning');
    await makeReady('one');
    await expect.poll(async () => (await get('one')).status?.phase, { timeout: 10_000 }).toBe('Ready');
    stop.abort();
    expect(phases).toEqual(['Pending', 'Provisioning', 'Ready']);
    // the Certificates come once the CA is Ready: none ever waits for it; and the Cluster's
    // messages do not count down ("n of 8"), so issuing them is no status write of the Cluster
    expect([...certificateReasons]).toEqual(['True/AsExpected']);
    expect(
      [...certificateMessages].every((m) => m === 'waiting for CertificateAuthority one to be Ready' || m === 'waiting until all 7 Certificates are Ready'),
      [...certificateMessages].join('; '),
    ).toBe(true);
    const status = (await get('one')).status;
    expect(status).toMatchObject({
      provider: 'sandbox',
      versions: ['1.33.1'],
      endpoint: { host: 'api.one.example.com', port: 443 },
      nodes: [{ name: 'one-master-0', role: 'master', ready: true }],
    });
    for (const type of ['Ready', 'CertificatesReady', 'InfrastructureReady', 'NetworkReady', 'ControlPlaneReady', 'WorkersReady'])
      expect(isTrue(status?.conditions, type), type).toBe(true);
    const certs = (await kube().resource(CertificateResource).list({ namespace: 'default', labelSelector: 'kubeception.io/cluster=one' }))._unsafeUnwrap()
      .items;
    expect(certs).toHaveLength(7);
    expect(certs.every((c) => c.metadata.ownerReferences?.[0]?.kind === 'Cluster')).toBe(true);
    expect(fakeVault.state.mounts()).toContain(`pki-${clusterId({ namespace: 'default', name: 'one' })}/`);
  }, 60_000);

  it('writes nothing in a steady state', async () => {
    await expect.poll(async () => (await get('one')).status?.phase, { timeout: 10_000 }).toBe('Ready');
    await new Promise((r) => setTimeout(r, 300));
    fakeKube.requests.clear();
    await new Promise((r) => setTimeout(r, 500)); // the sandbox rechecks; nothing changes
    const writes = ['create', 'update', 'patch', 'delete'].reduce(
      (sum, verb) => sum + fakeKube.requests.count({ verb, resource: 'clusters' }) + fakeKube.requests.count({ verb, resource: 'certificates' }),
      0,
    );
    expect(writes).toBe(0);
  });

  it('is not reconciled again by status-only changes (its own writes), but is by any other change', async () => {
    await expect.poll(async () => (await get('one')).status?.phase, { timeout: 10_000 }).toBe('Ready');
    await new Promise((r) => setTimeout(r, 300));
    const before = calls.observe;
    const status = (await get('one')).status;
    (await clusters().patchStatus('one', { type: 'merge', body: { status: { versions: ['1.33.1', '1.32.0'] } } }, { namespace: 'default' }))._unsafeUnwrap();
    await new Promise((r) => setTimeout(r, 500));
    expect((await get('one')).status?.versions).toEqual(['1.33.1', '1.32.0']);
    expect(calls.observe).toBe(before);
    (await clusters().patch('one', { type: 'merge', body: { metadata: { labels: { team: 'a' } } } }, { namespace: 'default' }))._unsafeUnwrap();
    await expect.poll(() => calls.observe, { timeout: 5_000 }).toBeGreaterThan(before);
    (await clusters().patchStatus('one', { type: 'merge', body: { status: { versions: status?.versions } } }, { namespace: 'default' }))._unsafeUnwrap();
  });

  it('reports an invalid spec with field paths, creates nothing and does not retry', async () => {
    (await clusters().create(cluster('bad', { podCIDR: '172.31.128.0/17' }) as never))._unsafeUnwrap();
    await expect.poll(async () => (await get('bad')).status?.conditions?.find((c) => c.type === 'Ready')?.reason, { timeout: 10_000 }).toBe('InvalidSpec');
    const status = (await get('bad')).status;
    expect(status?.phase).toBe('Failed');
    expect(status?.conditions?.find((c) => c.type === 'Ready')?.message).toContain(
      'spec.kubernetes.api.serviceCIDR: 172.31.0.0/16 overlaps spec.network.podCIDR',
    );
    expect((await kube().resource(CertificateAuthorityResource).get('bad', { namespace: 'default' })).isErr()).toBe(true);
    expect((await kube().resource(ConfigMapResource).get('bad-infra', { namespace: 'default' })).isErr()).toBe(true);
    fakeKube.requests.clear();
    await new Promise((r) => setTimeout(r, 500));
    expect(fakeKube.requests.count({ resource: 'clusters', name: 'bad', verb: 'patch' })).toBe(0);
  });

  it('refuses a Cluster the driver’s preflight refuses before creating any PKI: no CA, no certificates, no Vault mount', async () => {
    (await clusters().create(cluster('taken', { annotations: { [SANDBOX_TAKEN_ANNOTATION]: 'other/taken' } }) as never))._unsafeUnwrap();
    await expect
      .poll(async () => (await get('taken')).status?.conditions?.find((c) => c.type === 'Ready')?.reason, { timeout: 10_000 })
      .toBe('InfrastructureTaken');
    expect((await get('taken')).status?.conditions?.find((c) => c.type === 'Ready')?.message).toBe('the sandbox of taken belongs to Cluster other/taken');
    expect((await kube().resource(CertificateAuthorityResource).get('taken', { namespace: 'default' })).isErr()).toBe(true);
    expect(
      (await kube().resource(CertificateResource).list({ namespace: 'default', labelSelector: 'kubeception.io/cluster=taken' }))._unsafeUnwrap().items,
    ).toEqual([]);
    expect(fakeVault.state.mounts().filter((m) => m.startsWith('pki-taken'))).toEqual([]);
    expect((await kube().resource(ConfigMapResource).get('taken-infra', { namespace: 'default' })).isErr()).toBe(true);
    // terminal: not retried until the Cluster changes
    fakeKube.requests.clear();
    await new Promise((r) => setTimeout(r, 500));
    expect(fakeKube.requests.count({ resource: 'clusters', name: 'taken', verb: 'patch' })).toBe(0);
  });

  it('never takes over a Certificate of the same name that it does not control: PkiConflict, nothing written to it', async () => {
    const squatter = {
      apiVersion: 'kubeception.io/v1alpha1',
      kind: 'Certificate',
      metadata: { name: 'squat-admin', namespace: 'default' },
      spec: { clusterRef: { name: 'elsewhere' }, component: 'admin', role: 'admin', commonName: 'admin' },
    };
    const created = (
      await kube()
        .resource(CertificateResource)
        .create(squatter as never)
    )._unsafeUnwrap();
    (await clusters().create(cluster('squat') as never))._unsafeUnwrap();
    await expect.poll(async () => (await get('squat')).status?.conditions?.find((c) => c.type === 'Ready')?.reason, { timeout: 10_000 }).toBe('PkiConflict');
    expect((await get('squat')).status?.conditions?.find((c) => c.type === 'Ready')?.message).toBe(
      'Certificate default/squat-admin exists and is not controlled by this Cluster; delete or rename it',
    );
    // the Certificate controller reports on it (it serves no Cluster here); the Cluster controller never wrote it
    const after = (await kube().resource(CertificateResource).get('squat-admin', { namespace: 'default' }))._unsafeUnwrap();
    expect(after.spec).toEqual(created.spec);
    expect(after.metadata.ownerReferences).toBeUndefined();
    expect((after.metadata.managedFields as { manager?: string }[] | undefined)?.map((f) => f.manager)).not.toContain(controllerName);
  });

  it('does nothing for a paused Cluster but report Paused', async () => {
    (await clusters().create(cluster('held', { annotations: { 'kubeception.io/paused': 'true' } }) as never))._unsafeUnwrap();
    await expect.poll(async () => isTrue((await get('held')).status?.conditions, 'Paused'), { timeout: 10_000 }).toBe(true);
    expect((await kube().resource(CertificateAuthorityResource).get('held', { namespace: 'default' })).isErr()).toBe(true);
    expect((await get('held')).metadata.finalizers ?? []).toEqual([]);
  });

  it('on delete: cleans up the infrastructure, then the PKI (Vault mount included), then lets the Cluster go', async () => {
    const cleanupsBefore = calls.cleanup;
    (await clusters().delete('one', { namespace: 'default' }))._unsafeUnwrap();
    await expect.poll(async () => (await clusters().get('one', { namespace: 'default' })).isErr(), { timeout: 30_000 }).toBe(true);
    expect(calls.cleanup).toBeGreaterThan(cleanupsBefore);
    expect((await kube().resource(ConfigMapResource).get('one-infra', { namespace: 'default' })).isErr()).toBe(true);
    expect(
      (await kube().resource(CertificateResource).list({ namespace: 'default', labelSelector: 'kubeception.io/cluster=one' }))._unsafeUnwrap().items,
    ).toEqual([]);
    expect(fakeVault.state.mounts()).not.toContain(`pki-${clusterId({ namespace: 'default', name: 'one' })}/`);
  }, 60_000);
});

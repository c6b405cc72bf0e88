/**
 * The guest kubeconfig Secret `<cluster>-kubeconfig` the Cluster controller writes (Cluster API's),
 * and `kubeception kubeconfig <namespace>/<cluster>` printing it: with the sandbox driver on the
 * fake host, the real PKI controllers and the fake Vault.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SecretResource, type Secret } from '@kubeception/sdk/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sandboxCluster, startSandboxWorld, type SandboxWorld } from './sandbox-world.js';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const controllerName = 'sandbox-operator';
let world: SandboxWorld;
let dir: string;

beforeAll(async () => {
  world = await startSandboxWorld(controllerName);
  dir = mkdtempSync(join(tmpdir(), 'guest-kubeconfig-'));
  writeFileSync(join(dir, 'host.kubeconfig'), world.fakeKube.kubeconfigYaml, { mode: 0o600 });
});
afterAll(async () => {
  await world.stop();
  rmSync(dir, { recursive: true, force: true });
});

const secrets = () => world.kube().resource(SecretResource);
const secret = async (name: string) => (await secrets().get(name, { namespace: 'default' })).unwrapOr(undefined);
const value = (s: Secret | undefined) => Buffer.from(s?.data?.value ?? '', 'base64').toString('utf8');
const kubeconfigOf = (s: Secret | undefined) =>
  parse(value(s)) as {
    clusters: { name: string; cluster: Record<string, string> }[];
    users: { name: string; user: Record<string, string> }[];
    contexts: { name: string; context: Record<string, string> }[];
    'current-context': string;
  };
const readyCondition = async (name: string, type: string) => (await world.get(name)).status?.conditions?.find((c) => c.type === type);
const writes = (name: string) =>
  ['create', 'update', 'patch'].reduce((sum, verb) => sum + world.fakeKube.requests.count({ verb, resource: 'secrets', name }), 0);

/** The `kubeception` bin (from source), with the host's kubeconfig unless `args` name another. */
function kubeception(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) =>
    execFile(
      process.execPath,
      [join(REPO_ROOT, 'node_modules/.bin/kubeception'), ...args],
      { cwd: dir, env: { ...process.env, KUBECONFIG: join(dir, 'host.kubeconfig') } },
      (error, stdout, stderr) => done({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr }),
    ),
  );
}

describe('the guest kubeconfig Secret', () => {
  it('is written once the Cluster has an endpoint and its admin certificate, before it is Ready: Cluster API’s Secret, the admin certificate inside', async () => {
    (await world.clusters().create(sandboxCluster('cfg') as never))._unsafeUnwrap();
    await expect.poll(() => secret('cfg-kubeconfig'), { timeout: 30_000 }).toBeDefined();
    expect((await world.get('cfg')).status?.phase).not.toBe('Ready'); // the sandbox's nodes are not Ready yet
    const written = (await secret('cfg-kubeconfig'))!;
    const uid = (await world.get('cfg')).metadata.uid;
    expect(written).toMatchObject({
      type: 'cluster.x-k8s.io/secret',
      metadata: {
        labels: { 'cluster.x-k8s.io/cluster-name': 'cfg', 'kubeception.io/cluster': 'cfg' },
        ownerReferences: [{ apiVersion: 'kubeception.io/v1alpha1', kind: 'Cluster', name: 'cfg', uid, controller: true, blockOwnerDeletion: true }],
      },
    });
    expect(Object.keys(written.data ?? {})).toEqual(['value']);
    const admin = (await secret('cfg-admin'))!;
    expect(kubeconfigOf(written)).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'cfg', cluster: { 'certificate-authority-data': admin.data?.['ca.crt'], server: 'https://api.cfg.example.com:443' } }],
      contexts: [{ name: 'cfg-admin@cfg', context: { cluster: 'cfg', user: 'cfg-admin' } }],
      'current-context': 'cfg-admin@cfg',
      preferences: {},
      users: [{ name: 'cfg-admin', user: { 'client-certificate-data': admin.data?.['tls.crt'], 'client-key-data': admin.data?.['tls.key'] } }],
    });
    await world.makeReady('cfg');
    await expect.poll(async () => (await world.get('cfg')).status?.phase, { timeout: 10_000 }).toBe('Ready');
    expect(await readyCondition('cfg', 'KubeconfigReady')).toBeUndefined();
  }, 60_000);

  it('is not written again in a steady state', async () => {
    await new Promise((r) => setTimeout(r, 300));
    world.fakeKube.requests.clear();
    await new Promise((r) => setTimeout(r, 500)); // the sandbox rechecks: the Cluster is reconciled, nothing changes
    expect(writes('cfg-kubeconfig')).toBe(0);
    // its cache keeps digests, and this kubeconfig was made from these digests: the admin Secret is not read again
    const adminReads = world.fakeKube.requests.all().filter((r) => r.resource === 'secrets' && (r.name === 'cfg-admin' || r.url.includes('cfg-admin')));
    expect(adminReads).toEqual([]);
  });

  it('follows the admin certificate when it is issued again', async () => {
    const before = (await secret('cfg-admin'))!.data?.['tls.crt'];
    (await secrets().delete('cfg-admin', { namespace: 'default' }))._unsafeUnwrap(); // the Certificate issues a new one
    // until the new one is there: while the Secret is gone, the poll sees none (which is "not before" too)
    const reissued = async () => {
      const crt = (await secret('cfg-admin'))?.data?.['tls.crt'];
      return crt !== undefined && crt !== before;
    };
    await expect.poll(reissued, { timeout: 15_000 }).toBe(true);
    const admin = (await secret('cfg-admin'))!;
    await expect
      .poll(async () => kubeconfigOf(await secret('cfg-kubeconfig')).users[0]?.user, { timeout: 10_000 })
      .toEqual({ 'client-certificate-data': admin.data?.['tls.crt'], 'client-key-data': admin.data?.['tls.key'] });
  }, 30_000);

  it('never takes over a Secret of its name the Cluster does not control: KubeconfigConflict, the Cluster Ready nonetheless', async () => {
    const squatter = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'squat-kubeconfig', namespace: 'default' }, stringData: { value: 'mine' } };
    const created = (await secrets().create(squatter as never))._unsafeUnwrap(); // not labelled: only a create finds it
    (await world.clusters().create(sandboxCluster('squat') as never))._unsafeUnwrap();
    await expect
      .poll(() => readyCondition('squat', 'KubeconfigReady'), { timeout: 30_000 })
      .toMatchObject({
        status: 'False',
        reason: 'KubeconfigConflict',
        message: 'Secret default/squat-kubeconfig exists and is not controlled by this Cluster; delete or rename it',
      });
    await world.makeReady('squat');
    await expect.poll(async () => (await world.get('squat')).status?.phase, { timeout: 10_000 }).toBe('Ready');
    const after = (await secret('squat-kubeconfig'))!;
    expect(after.metadata?.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(value(after)).toBe('mine');
    // labelled (a change of it queues the Cluster), then deleted: the Cluster writes its own
    (
      await secrets().patch(
        'squat-kubeconfig',
        { type: 'merge', body: { metadata: { labels: { 'kubeception.io/cluster': 'squat' } } } },
        { namespace: 'default' },
      )
    )._unsafeUnwrap();
    (await secrets().delete('squat-kubeconfig', { namespace: 'default' }))._unsafeUnwrap();
    await expect.poll(async () => (await secret('squat-kubeconfig'))?.type, { timeout: 10_000 }).toBe('cluster.x-k8s.io/secret');
    await expect.poll(() => readyCondition('squat', 'KubeconfigReady'), { timeout: 10_000 }).toBeUndefined();
  }, 60_000);
});

describe('kubeception kubeconfig', () => {
  it('prints the Cluster’s guest kubeconfig, with the host’s kubeconfig from KUBECONFIG or --kubeconfig', async () => {
    const printed = value(await secret('cfg-kubeconfig'));
    expect(printed).toContain('current-context: cfg-admin@cfg');
    expect(await kubeception('kubeconfig', 'default/cfg')).toEqual({ code: 0, stdout: printed, stderr: '' });
    expect(await kubeception('kubeconfig', 'cfg', '--kubeconfig', 'host.kubeconfig')).toEqual({ code: 0, stdout: printed, stderr: '' });
  });

  it('says what is wrong in one line: no Secret (exit 1), not a guest kubeconfig (1), a kubeconfig that does not load (2)', async () => {
    const taken = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'opaque-kubeconfig', namespace: 'default' }, stringData: { value: 'x' } };
    (await secrets().create(taken as never))._unsafeUnwrap();
    const typed = { ...taken, type: 'cluster.x-k8s.io/secret', metadata: { name: 'stray-kubeconfig', namespace: 'default' } };
    (await secrets().create(typed as never))._unsafeUnwrap();
    expect(await kubeception('kubeconfig', 'default/nope')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: Secret default/nope-kubeconfig not found: is the Cluster Ready?\n',
    });
    expect(await kubeception('kubeconfig', 'default/opaque')).toMatchObject({
      code: 1,
      stderr: 'error: Secret default/opaque-kubeconfig is of type Opaque, not cluster.x-k8s.io/secret: not a guest kubeconfig\n',
    });
    expect(await kubeception('kubeconfig', 'default/stray')).toMatchObject({
      code: 1,
      stderr: 'error: Secret default/stray-kubeconfig is not controlled by Cluster default/stray (by nothing)\n',
    });
    const missing = await kubeception('kubeconfig', 'default/cfg', '--kubeconfig', 'missing.kubeconfig');
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toMatch(/^error: cannot load the kubeconfig missing\.kubeconfig: .*no such file/i);
    expect(missing.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

describe('the guest kubeconfig Secret, when the Cluster goes', () => {
  it('is deleted with it by the garbage collector', async () => {
    (await world.clusters().delete('cfg', { namespace: 'default' }))._unsafeUnwrap();
    await expect.poll(() => secret('cfg-kubeconfig'), { timeout: 30_000 }).toBeUndefined();
  }, 40_000);
});

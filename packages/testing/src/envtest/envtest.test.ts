/* eslint-disable @typescript-eslint/no-explicit-any -- assertions on untyped custom objects */
/**
 * startEnvtest against the real binaries (KUBEBUILDER_ASSETS, from scripts/envtest/build-kube-apiserver.sh):
 * skipped with the reason without them, failed when KUBECEPTION_SYSTEM_TESTS=required (CI).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { kubeceptionCrds } from '@kubeception/sdk';
import { ApiException, ApiextensionsV1Api, CoreV1Api, KubernetesObjectApi, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { objectSchema, sampleCluster, testCrd } from '../fake-kube/fixtures.js';
import { startFakeKube } from '../fake-kube/server.js';
import { startEnvtest, type Envtest, type KubeServer } from './envtest.js';
import { EnvtestError, EnvtestErrorKind } from './errors.js';
import { envtestGate } from './gate.js';

const START_MS = 180_000;

/** Polls until `check` answers true (every 250 ms), or fails after `ms`. */
async function eventually(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const notFound = (error: unknown) => error instanceof ApiException && error.code === 404;

/** Whether `pid` is a live process (a zombie counts as gone). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** PIDs of processes running `program`. */
function pidsRunning(program: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === program;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** One test body for either server: a ConfigMap written and read back over HTTP with client-node. */
async function configMapRoundTrip(server: KubeServer, namespace: string): Promise<Record<string, string> | undefined> {
  const core = server.kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'round-trip' }, data: { empty: '', answer: '42' } } });
  const read = await core.readNamespacedConfigMap({ name: 'round-trip', namespace });
  return read.data;
}

/** A CRD with a string and an integer field, to check "" and 0 are values (the build's validator patch). */
const gadgetCrd = testCrd(
  'Gadget',
  objectSchema({
    type: 'object',
    properties: {
      label: { type: 'string' },
      count: { type: 'integer', minimum: 0 },
      on: { type: 'boolean' },
      tags: { type: 'object', additionalProperties: { type: 'string' } },
    },
    'x-kubernetes-validations': [{ rule: 'self.count <= 10', message: 'at most ten' }],
  }),
);

it('names KUBEBUILDER_ASSETS and the build script when the binaries are missing', async () => {
  const failure = await startEnvtest({ binaryAssetsDirectory: '/nonexistent/kubeception-envtest' }).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(EnvtestError);
  expect((failure as EnvtestError).kind).toBe(EnvtestErrorKind.BinariesMissing);
  expect((failure as EnvtestError).message).toMatch(
    /missing kube-apiserver, kube-controller-manager.*KUBEBUILDER_ASSETS=.*scripts\/envtest\/build-kube-apiserver\.sh/s,
  );
});

const gate = envtestGate();

describe.skipIf(!gate.run)(`startEnvtest on a real control plane${gate.run ? '' : ` (skipped: ${gate.why})`}`, () => {
  let kube: Envtest;
  beforeAll(async () => {
    kube = await startEnvtest({ crds: [...kubeceptionCrds(), gadgetCrd], namespaces: ['envtest'] });
  }, START_MS);
  afterAll(() => kube?.stop(), 60_000);
  afterEach(() => {
    // a crashed component shows up as "fetch failed" in the test: say which, with its log
    const dead = kube ? kube.processes().filter((p) => !alive(p.pid)) : [];
    if (dead.length > 0) throw new Error(`${dead.map((p) => p.name).join(', ')} exited:\n${kube.logs()}`);
  });

  it('reports the server version, and strips CEL rules before 1.25', () => {
    expect(kube.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(kube.stripsCelRules).toBe(kube.version.major === 1 && kube.version.minor < 25);
    expect(kube.processes().map((p) => p.name)).toEqual(['etcd', 'kube-apiserver', 'kube-controller-manager']);
  });

  it('runs the same test body as the fake: a namespace and a ConfigMap with client-node', async () => {
    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'shared-body' } } });
    const fake = await startFakeKube({ namespaces: ['default', 'shared-body'] });
    try {
      const [real, faked] = await Promise.all([configMapRoundTrip(kube, 'shared-body'), configMapRoundTrip(fake, 'shared-body')]);
      expect(real).toEqual({ empty: '', answer: '42' });
      // (key order differs: kube-apiserver sorts map keys, the fake keeps them as written)
      expect(faked).toEqual(real);
    } finally {
      await fake.stop();
    }
  });

  it('installs kubeceptionCrds() as made, and refuses a CRD whose root metadata schema says more than its type, as the fake does', async () => {
    // kubeceptionCrds() once put a description there: every kube-apiserver refuses that
    const [cluster] = kubeceptionCrds();
    const versions = cluster!.spec.versions.map((v) => ({
      ...v,
      schema: {
        openAPIV3Schema: {
          ...v.schema.openAPIV3Schema,
          properties: { ...v.schema.openAPIV3Schema.properties, metadata: { type: 'object', description: 'object metadata' } },
        },
      },
    }));
    const described = {
      ...cluster,
      metadata: { name: 'clusters.refused.kubeception.io' },
      spec: { ...cluster!.spec, group: 'refused.kubeception.io', versions },
    };
    const refusal = /properties\[metadata\]: Forbidden: must not specify anything other than name and generateName/;
    await expect(kube.installCrds([described])).rejects.toThrow(refusal);
    const fake = await startFakeKube();
    try {
      await expect(
        fake.kubeConfig.makeApiClient(ApiextensionsV1Api).createCustomResourceDefinition({ body: described as V1CustomResourceDefinition }),
      ).rejects.toThrow(refusal);
    } finally {
      await fake.stop();
    }
  });

  it('accepts a valid Cluster under the installed Kubeception CRDs', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kube.kubeConfig);
    const cluster = sampleCluster('envtest-demo', 'envtest');
    const created: any = await objects.create(cluster as any);
    expect(created.metadata.uid).toBeTruthy();
    const read: any = await objects.read({
      apiVersion: cluster.apiVersion as string,
      kind: 'Cluster',
      metadata: { name: 'envtest-demo', namespace: 'envtest' },
    });
    expect(read.spec).toMatchObject(cluster.spec as object); // and the schema's defaults
    expect(read.spec.kubernetes.dns).toEqual({ clusterDomain: 'cluster.local' });
  });

  it('keeps "", 0 and false in a custom object (and, on 1.20, no CEL rule is enforced)', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kube.kubeConfig);
    const spec = { label: '', count: 0, on: false, tags: { a: '' } };
    const created: any = await objects.create({
      apiVersion: 'example.com/v1',
      kind: 'Gadget',
      metadata: { name: 'zeroes', namespace: 'envtest' },
      spec,
    } as any);
    expect(created.spec).toEqual(spec);
    if (kube.stripsCelRules) {
      const over: any = await objects.create({
        apiVersion: 'example.com/v1',
        kind: 'Gadget',
        metadata: { name: 'over', namespace: 'envtest' },
        spec: { count: 11 },
      } as any);
      expect(over.spec.count).toBe(11);
    }
  });

  it('garbage-collects a ConfigMap whose owner was deleted', async () => {
    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    const owner = await core.createNamespacedConfigMap({ namespace: 'envtest', body: { metadata: { name: 'owner' } } });
    const ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata?.uid ?? '' }];
    await core.createNamespacedConfigMap({ namespace: 'envtest', body: { metadata: { name: 'owned', ownerReferences } } });
    await core.deleteNamespacedConfigMap({ name: 'owner', namespace: 'envtest' });
    await eventually('the owned ConfigMap is collected', () =>
      core.readNamespacedConfigMap({ name: 'owned', namespace: 'envtest' }).then(() => false, notFound),
    );
  }, 90_000);

  it('finishes deleting a namespace and its contents (namespace controller)', async () => {
    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'content' } } });
    await core.deleteNamespace({ name: 'doomed' });
    await eventually('the namespace is gone', () => core.readNamespace({ name: 'doomed' }).then(() => false, notFound));
  }, 90_000);
});

describe.skipIf(!gate.run)('stopping a control plane', () => {
  it(
    'leaves no process behind, and stop() can be called twice',
    async () => {
      const kube = await startEnvtest();
      const pids = kube.processes().map((p) => p.pid);
      expect(pids.every(alive)).toBe(true);
      await kube.stop();
      await kube.stop();
      expect(pids.filter(alive)).toEqual([]);
    },
    START_MS,
  );

  it(
    'stops what it started when a start fails (a refused CRD)',
    async () => {
      const program = gate.run ? gate.assets.kubeApiServer : '';
      const before = new Set(pidsRunning(program));
      const failure = await startEnvtest({
        crds: [{ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'broken' } }],
      }).catch((error: unknown) => error);
      expect((failure as EnvtestError).kind).toBe(EnvtestErrorKind.SeedFailed);
      expect(pidsRunning(program).filter((pid) => !before.has(pid))).toEqual([]);
    },
    START_MS,
  );
});

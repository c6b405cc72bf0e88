/**
 * Scenario 3: a deliberately broken reconciler — it creates an object with a generated name before
 * recording it (on its Certificate), so a crash in between leaves a duplicate. The explorer must
 * catch it at the crash point right after the create.
 */
import { CertificateResource, type Certificate, type Persisted } from '@kubeception/sdk';
import { ConfigMapResource, type ConfigMap } from '@kubeception/sdk/kube';
import { createController, done } from '@kubeception/sdk/runtime';
import { CrashPointsError, exploreCrashPoints, type CrashReport, type CrashScenario } from '@kubeception/testing';
import { okAsync } from 'neverthrow';
import { expect, it } from 'vitest';
import { managerOf, startKubeWorld, type KubeWorld } from './kube-world.js';

const RECORDED = 'example.kubeception.io/bundle';

function bundleOf(cert: Persisted<Certificate>): ConfigMap {
  const owner = { apiVersion: cert.apiVersion, kind: cert.kind, name: cert.metadata.name, uid: cert.metadata.uid, controller: true };
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      generateName: `${cert.metadata.name}-bundle-`,
      namespace: cert.metadata.namespace,
      labels: { bundle: cert.metadata.name },
      ownerReferences: [owner],
    },
    data: { commonName: cert.spec.commonName },
  };
}

/** BROKEN on purpose: the generated name is recorded only after the create. */
const bundles = createController({
  name: 'bundles',
  resource: CertificateResource,
  reconcile: (cert, ctx) => {
    if (cert.metadata.annotations?.[RECORDED] !== undefined) return okAsync(done());
    return ctx.kube
      .resource(ConfigMapResource)
      .create(bundleOf(cert))
      .andThen((cm) =>
        ctx.kube
          .resource(CertificateResource)
          .patch(
            cert.metadata.name,
            { type: 'merge', body: { metadata: { annotations: { [RECORDED]: cm.metadata.name } } } },
            { namespace: cert.metadata.namespace },
          ),
      )
      .map(() => done());
  },
});

const scenario: CrashScenario<KubeWorld> = {
  name: 'broken-bundles',
  setup: startKubeWorld,
  fakes: (world) => ({ kube: world.fake }),
  async drive(world, converge) {
    (
      await world.kube.resource(CertificateResource).create({
        apiVersion: 'kubeception.io/v1alpha1',
        kind: 'Certificate',
        metadata: { name: 'web', namespace: 'default' },
        spec: { clusterRef: { name: 'demo' }, component: 'api', role: 'api', commonName: 'web.demo' },
      })
    )._unsafeUnwrap();
    await converge('one bundle per Certificate (no duplicates)', async () => {
      const cert = (await world.kube.resource(CertificateResource).get('web', { namespace: 'default' }))._unsafeUnwrap();
      const maps = (await world.kube.resource(ConfigMapResource).list({ namespace: 'default', labelSelector: 'bundle=web' }))._unsafeUnwrap().items;
      if (maps.length !== 1) return `${maps.length} bundles of web: ${maps.map((m) => m.metadata.name).join(', ')}`;
      return cert.metadata.annotations?.[RECORDED] === maps[0]?.metadata.name ? undefined : 'the recorded bundle is not the one that exists';
    });
  },
  teardown: (world) => world.fake.stop(),
};

it('catches the broken reconciler: the crash right after the create leaves a duplicate', async () => {
  const error: unknown = await exploreCrashPoints({
    scenario,
    operator: managerOf(
      (w) => w.fake.kubeConfig,
      () => [bundles],
    ),
    convergeMs: 1_000,
  }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CrashPointsError);
  const report: CrashReport = (error as CrashPointsError).report;
  console.log((error as Error).message);
  expect(report.points).toBe(2);
  expect(report.failures).toEqual([
    {
      k: 1,
      call: 'create /api/v1/namespaces/default/configmaps',
      invariant: 'one bundle per Certificate (no duplicates)',
      message: expect.stringMatching(/^2 bundles of web/),
    },
  ]);
  expect((error as Error).message).toContain('only: 1');
});

it('reproduces one point with only: k, and reports instead of throwing with onFailure: report', async () => {
  const report = await exploreCrashPoints({
    scenario,
    operator: managerOf(
      (w) => w.fake.kubeConfig,
      () => [bundles],
    ),
    convergeMs: 1_000,
    only: 2,
    onFailure: 'report',
  });
  expect(report).toMatchObject({ scenario: 'broken-bundles', points: 2, explored: 1, failures: [], unreached: [] });
});

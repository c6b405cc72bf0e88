/** Scenario 1: the SDK README's example controller (a summary ConfigMap per Certificate) crashed after each of its writes. */
import { CertificateResource, type CertificateInput } from '@kubeception/sdk';
import { ConfigMapResource } from '@kubeception/sdk/kube';
import { exploreCrashPoints, type CrashScenario, type ProbeResult } from '@kubeception/testing';
import { it } from 'vitest';
import { certificateSummaries } from '../../../packages/sdk/examples/certificate-summaries.js';
import { expectAllConverged, managerOf, startKubeWorld, type KubeWorld } from './kube-world.js';

const NAMES = ['web', 'api'];
const PENDING = 'not issued yet';
const certificate = (name: string): CertificateInput => ({
  apiVersion: 'kubeception.io/v1alpha1',
  kind: 'Certificate',
  metadata: { name, namespace: 'default' },
  spec: { clusterRef: { name: 'demo' }, component: 'api', role: 'api', commonName: `${name}.demo` },
});

/** What is wrong with the summaries: each Certificate has exactly one, with `notAfter`; none without a Certificate. */
async function summariesWrong(world: KubeWorld, expected: Readonly<Record<string, string>>): Promise<ProbeResult> {
  const names = Object.keys(expected);
  const maps = (await world.kube.resource(ConfigMapResource).list({ namespace: 'default' }))
    ._unsafeUnwrap()
    .items.filter((cm) => cm.metadata.name.endsWith('-summary'));
  for (const name of names) {
    const mine = maps.filter((cm) => cm.metadata.name === `${name}-summary`);
    if (mine.length !== 1) return `${mine.length} summaries of ${name}`;
    const want = { commonName: `${name}.demo`, notAfter: expected[name] };
    if (JSON.stringify(mine[0]?.data) !== JSON.stringify(want)) return `summary of ${name} is ${JSON.stringify(mine[0]?.data)}`;
  }
  return maps.length === names.length ? undefined : `${maps.length} summaries for ${names.length} certificates`;
}

/** Create two Certificates, issue one, delete both: one summary each, matching, none left. */
const summaries: CrashScenario<KubeWorld> = {
  name: 'certificate-summaries',
  setup: startKubeWorld,
  fakes: (world) => ({ kube: world.fake }),
  async drive(world, converge) {
    const certs = world.kube.resource(CertificateResource);
    for (const name of NAMES) (await certs.create(certificate(name)))._unsafeUnwrap();
    await converge('one summary per Certificate, matching it', () => summariesWrong(world, { web: PENDING, api: PENDING }));
    (await certs.patchStatus('web', { type: 'merge', body: { status: { notAfter: '2030-01-01T00:00:00Z' } } }, { namespace: 'default' }))._unsafeUnwrap();
    await converge('the summary follows the status', () => summariesWrong(world, { web: '2030-01-01T00:00:00Z', api: PENDING }));
    for (const name of NAMES) (await certs.delete(name, { namespace: 'default' }))._unsafeUnwrap();
    await converge('nothing left after deletion', () => summariesWrong(world, {}));
  },
  teardown: (world) => world.fake.stop(),
};

it('explores every crash point of the example controller: all converge', async () => {
  const report = await exploreCrashPoints({
    scenario: summaries,
    operator: managerOf(
      (w) => w.fake.kubeConfig,
      () => [certificateSummaries],
    ),
  });
  expectAllConverged(report, 3);
});

/**
 * Scenario 2: the CertificateAuthority and Certificate controllers of @kubeception/pki-vault,
 * crashed after each of their Kubernetes and Vault writes: a Cluster's CA and Certificates →
 * Ready → a Certificate's dnsNames change → the Cluster is deleted.
 */
import { X509Certificate } from 'node:crypto';
import { CertificateAuthorityResource, CertificateResource, ClusterResource, isTrue, type Persisted, type Certificate } from '@kubeception/sdk';
import { SecretResource } from '@kubeception/sdk/kube';
import { clusterPki } from '@kubeception/sdk/cluster';
import { certOperatorControllers, createVaultPki } from '@kubeception/pki-vault';
import { exploreCrashPoints, startFakeVault, type CrashScenario, type ProbeResult, type StartedFakeVault } from '@kubeception/testing';
import vault from 'node-vault';
import { it } from 'vitest';
import { clusterInput, mountOf } from '../pki/e2e-support.js';
import { expectAllConverged, managerOf, pkiLeft, startKubeWorld, type KubeWorld } from './kube-world.js';

interface PkiWorld extends KubeWorld {
  readonly vault: StartedFakeVault;
}

const CHANGED = 'api.alpha.k8s.example.com';

async function setup(): Promise<PkiWorld> {
  return { ...(await startKubeWorld()), vault: await startFakeVault({ maxLeaseTtl: '876000h' }) };
}

/** The Cluster `alpha`, its CertificateAuthority and its 7 Certificates. */
async function createPki(world: PkiWorld): Promise<void> {
  const cluster = (await world.kube.resource(ClusterResource).create(clusterInput('alpha') as never))._unsafeUnwrap();
  const { authority, certificates } = clusterPki(cluster as never);
  (await world.kube.resource(CertificateAuthorityResource).create(authority))._unsafeUnwrap();
  for (const c of certificates) (await world.kube.resource(CertificateResource).create(c))._unsafeUnwrap();
}

/** What is wrong with one Certificate: not Ready, or Ready with a Secret that does not match its spec (a status that lies). */
async function certificateWrong(world: PkiWorld, cert: Persisted<Certificate>): Promise<ProbeResult> {
  const name = cert.metadata.name;
  if (!isTrue(cert.status?.conditions, 'Ready') || cert.status?.observedGeneration !== cert.metadata.generation)
    return `${name} is not Ready for its generation`;
  const secret = (await world.kube.resource(SecretResource).get(cert.spec.secretName ?? name, { namespace: 'default' })).unwrapOr(undefined);
  const pem = secret?.data?.['tls.crt'];
  if (pem === undefined) return `${name} is Ready without its Secret`;
  const leaf = new X509Certificate(Buffer.from(pem, 'base64').toString());
  // Vault adds the common name to the DNS names
  const names = (list: readonly string[]) => [...new Set(list)].filter((n) => n !== cert.spec.commonName).sort();
  const dns = names((leaf.subjectAltName ?? '').split(', ').flatMap((s) => (s.startsWith('DNS:') ? [s.slice(4)] : [])));
  const want = names(cert.spec.dnsNames);
  return JSON.stringify(dns) === JSON.stringify(want) ? undefined : `${name}'s Secret has DNS names ${dns.join(',')}, its spec ${want.join(',')}`;
}

/** What is wrong with the PKI: one mount for the Ready CA, every Certificate Ready and matching, one Secret each. */
async function pkiWrong(world: PkiWorld): Promise<ProbeResult> {
  const ca = (await world.kube.resource(CertificateAuthorityResource).get('alpha', { namespace: 'default' }))._unsafeUnwrap();
  if (!isTrue(ca.status?.conditions, 'Ready')) return 'the CA is not Ready';
  const mounts = world.vault.state.mounts();
  if (JSON.stringify(mounts) !== JSON.stringify([`${mountOf('alpha')}/`])) return `Vault mounts ${mounts.join(',')}`;
  const certs = (await world.kube.resource(CertificateResource).list({ namespace: 'default' }))._unsafeUnwrap().items;
  for (const cert of certs) {
    const wrong = await certificateWrong(world, cert);
    if (wrong !== undefined) return wrong;
  }
  const secrets = (await world.kube.resource(SecretResource).list({ namespace: 'default' }))._unsafeUnwrap().items;
  return secrets.length === certs.length ? undefined : `${secrets.length} Secrets for ${certs.length} Certificates`;
}

/** What is left after the Cluster's deletion. */
async function leftovers(world: PkiWorld): Promise<ProbeResult> {
  const left = await pkiLeft(world);
  return left.length === 0 ? undefined : `left: ${left.join(', ')}`;
}

const scenario: CrashScenario<PkiWorld> = {
  name: 'pki-vault',
  setup,
  fakes: (world) => ({ kube: world.fake, vault: world.vault }),
  async drive(world, converge) {
    await createPki(world);
    await converge('CA and Certificates Ready, one mount, one matching Secret each', () => pkiWrong(world));
    const api = (await world.kube.resource(CertificateResource).get('alpha-api', { namespace: 'default' }))._unsafeUnwrap();
    const dnsNames = api.spec.dnsNames.filter((n) => n !== CHANGED);
    (
      await world.kube.resource(CertificateResource).patch('alpha-api', { type: 'merge', body: { spec: { dnsNames } } }, { namespace: 'default' })
    )._unsafeUnwrap();
    await converge('the changed Certificate re-issued to its new spec', () => pkiWrong(world));
    (await world.kube.resource(ClusterResource).delete('alpha', { namespace: 'default', propagationPolicy: 'Foreground' }))._unsafeUnwrap();
    await converge('nothing left after deletion', () => leftovers(world));
  },
  async teardown(world) {
    await world.vault.close();
    await world.fake.stop();
  },
};

const operator = managerOf<PkiWorld>(
  (w) => w.fake.kubeConfig,
  (w) => certOperatorControllers({ pki: createVaultPki({ client: vault({ endpoint: w.vault.url, token: w.vault.rootToken, noCustomHTTPVerbs: true }) }) }),
);

it('explores every crash point of the CA and Certificate controllers: all converge', { timeout: 240_000 }, async () => {
  const report = await exploreCrashPoints({ scenario, operator });
  expectAllConverged(report, 60);
});

/**
 * A KVM Cluster the driver refuses because something of another Cluster's is in its way (its
 * network or VNI is held by another Cluster, its host namespace belongs to another Cluster or to
 * none) is refused by the driver's preflight, before the PKI step: it gets no
 * CertificateAuthority, no Certificate, no Secret and no Vault mount, and it is not retried. The
 * Cluster that holds the network and VNI (asked for explicitly) passes the same preflight on every
 * pass and becomes Ready.
 */
import { KvmAnnotation } from '@kubeception/driver-kvm';
import { CertificateAuthorityResource, CertificateResource, type Cluster, type Persisted } from '@kubeception/sdk';
import { ConfigMapResource, NamespaceResource, SecretResource } from '@kubeception/sdk/kube';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hostNamespace, kvmClusterInput, OPERATOR_NAMESPACE, startKvmWorld, type KvmWorld } from './kvm-world.js';

let world: KvmWorld;
beforeAll(async () => (world = await startKvmWorld({ nodes: 3 })));
afterAll(() => world.stop());

const get = async (name: string): Promise<Persisted<Cluster>> => (await world.clusters().get(name, { namespace: 'default' }))._unsafeUnwrap();
const readyOf = async (name: string) => (await get(name)).status?.conditions?.find((c) => c.type === 'Ready');

/** Everything the PKI step would have made for the Cluster `name` in `default`, as the host and Vault show it. */
async function pkiOf(name: string) {
  const authorities = (await world.kube.resource(CertificateAuthorityResource).list({ namespace: 'default' }))
    ._unsafeUnwrap()
    .items.filter((a) => a.spec.clusterRef.name === name);
  const certificates = (await world.kube.resource(CertificateResource).list({ namespace: 'default' }))
    ._unsafeUnwrap()
    .items.filter((c) => c.spec.clusterRef.name === name);
  const secrets = (await world.kube.resource(SecretResource).list({ namespace: 'default' }))
    ._unsafeUnwrap()
    .items.filter((s) => s.metadata?.name?.startsWith(`${name}-`) || s.metadata?.labels?.['kubeception.io/cluster'] === name);
  return {
    authorities: authorities.map((a) => a.metadata.name),
    certificates: certificates.map((c) => c.metadata.name),
    secrets: secrets.map((s) => s.metadata?.name),
    mounts: world.vault.state.mounts().filter((m) => m.includes(hostNamespace(name))),
  };
}

/** [Cluster, how it is in another's way, the reason of its Ready=False, a part of the message]. */
const CASES: [string, string, string, string][] = [
  ['net-taken', 'a network another Cluster holds', 'NetworkTaken', 'spec.network.flannel.network 10.77.0.0/24 overlaps 10.77.0.0/24, held by another Cluster'],
  [
    'net-overlap',
    'a network overlapping another Cluster’s',
    'NetworkTaken',
    'spec.network.flannel.network 10.77.0.128/25 overlaps 10.77.0.0/24, held by another Cluster',
  ],
  ['vni-taken', 'a VNI another Cluster holds', 'VniTaken', 'spec.network.flannel.vni 777 is held by another Cluster'],
  ['squat', 'an unlabelled host namespace of its ID', 'NamespaceTaken', 'exists and belongs to no Cluster; it is not adopted'],
  ['forged', 'a managed host namespace claimed for another Cluster', 'NamespaceTaken', 'exists and belongs to another Cluster; it is not adopted'],
  ['former', 'a host namespace left by a former Cluster of its name', 'NamespaceTaken', 'was left by a former Cluster default/former (uid uid-of-the-former)'],
];

it('refuses Clusters whose network, VNI or host namespace is taken before they get any PKI, and does not retry them', async () => {
  // the holder asks for its network and VNI explicitly: preflight passes it on every pass
  (await world.clusters().create(kvmClusterInput('holder', { flannel: { network: '10.77.0.0/24', vni: 777 } })))._unsafeUnwrap();
  await expect.poll(async () => (await get('holder')).status?.phase, { timeout: 60_000, interval: 100 }).toBe('Ready');
  expect((await get('holder')).status?.network?.flannel).toEqual({ network: '10.77.0.0/24', vni: 777 });
  // what the assertions below look for exists for a Cluster that was not refused
  const held = await pkiOf('holder');
  expect(held.authorities).toEqual(['holder']);
  expect(held.certificates).toHaveLength(7);
  expect(held.secrets.length).toBeGreaterThanOrEqual(7);
  expect(held.mounts).toHaveLength(1);

  // the host namespaces in the way of the last three
  const namespaces = world.kube.resource(NamespaceResource);
  const managed = { 'app.kubernetes.io/managed-by': 'kvm-operator' };
  const versions = new Map<string, string | undefined>();
  for (const [name, labels, annotations] of [
    ['squat', {}, {}],
    ['forged', managed, { [KvmAnnotation.Cluster]: 'someone/else' }],
    ['former', managed, { [KvmAnnotation.Cluster]: 'default/former', [KvmAnnotation.ClusterUid]: 'uid-of-the-former' }],
  ] as const) {
    const created = (
      await namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: hostNamespace(name), labels, annotations } })
    )._unsafeUnwrap();
    versions.set(name, created.metadata.resourceVersion);
  }
  const flannel: Record<string, Record<string, unknown>> = {
    'net-taken': { network: '10.77.0.0/24' },
    'net-overlap': { network: '10.77.0.128/25' },
    'vni-taken': { vni: 777 },
  };
  for (const [name] of CASES) (await world.clusters().create(kvmClusterInput(name, flannel[name] ? { flannel: flannel[name] } : {})))._unsafeUnwrap();

  for (const [name, what, reason, message] of CASES) {
    await expect
      .poll(() => readyOf(name), { timeout: 20_000, interval: 100 })
      .toMatchObject({ status: 'False', reason, message: expect.stringContaining(message) });
    expect((await get(name)).status?.phase, what).toBe('Failed');
  }
  // a moment for anything a refusal did not stop (the PKI controllers, a retry) to show
  await new Promise((resolve) => setTimeout(resolve, 500));
  world.host.kube.requests.clear();
  await new Promise((resolve) => setTimeout(resolve, 500));

  const ledger = (await world.kube.resource(ConfigMapResource).get('kubeception-kvm-networks', { namespace: OPERATOR_NAMESPACE }))._unsafeUnwrap().data ?? {};
  for (const [name, what] of CASES) {
    // soft: a failure shows every case
    expect.soft(await pkiOf(name), what).toEqual({ authorities: [], certificates: [], secrets: [], mounts: [] });
    expect.soft(Object.values(ledger).join(), what).not.toContain(`"default/${name}"`);
    // settled: no status write (nor any other write of it) since
    expect.soft(world.host.kube.requests.count({ resource: 'clusters', name, verb: 'patch' }), what).toBe(0);
  }
  // the namespaces in the way are as they were
  for (const [name, version] of versions) expect((await namespaces.get(hostNamespace(name)))._unsafeUnwrap().metadata.resourceVersion, name).toBe(version);
}, 120_000);

/**
 * Invalid KVM specs end with a clear error and nothing created: rejected by the CRD schema at
 * the API server where it can, otherwise `Ready=False` with a reason and the field path, and no
 * host namespace, network allocation or flannel config.
 */
import { flannelEtcdPrefix } from '@kubeception/driver-kvm';
import type { ClusterInput } from '@kubeception/sdk';
import { ConfigMapResource, NamespaceResource } from '@kubeception/sdk/kube';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { hostNamespace, kvmClusterInput, OPERATOR_NAMESPACE, startKvmWorld, type KvmWorld } from './kvm-world.js';

let world: KvmWorld;
beforeAll(async () => (world = await startKvmWorld({ nodes: 3 })));
afterAll(() => world.stop());

type Edit = (spec: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any
const kvm =
  (patch: Record<string, unknown>): Edit =>
  (spec) =>
    Object.assign(spec.provider.kvm, patch);

/** [what, edit, reason, message]: the reason of Ready=False (or 'Rejected' at the API server) and a part of the message. */
const CASES: [string, Edit, string, string][] = [
  ['memory below the minimum', (s) => (s.masters.memory = '512Mi'), 'InvalidSpec', 'spec.masters.memory: must be at least 1Gi for a VM on KVM (got 512Mi)'],
  [
    'a root disk below the minimum',
    (s) => (s.workers[0].disk = '5Gi'),
    'InvalidSpec',
    'spec.workers[0].disk: must be at least 10Gi for a VM root disk on KVM (got 5Gi)',
  ],
  ['an unknown etcd storage type', kvm({ etcdStorage: { type: 'nfs' } }), 'any', 'etcdStorage.type'],
  ['persistentVolume storage without a size', kvm({ etcdStorage: { type: 'persistentVolume' } }), 'any', 'type persistentVolume needs persistentVolume.size'],
  ['a bad launcher image reference', kvm({ launcher: { image: 'Not An Image!' } }), 'any', 'launcher.image'],
  [
    'a disk and a kernel together',
    kvm({ guestImage: { disk: '/images/a.img', kernel: '/images/vmlinuz', initrd: '/images/initrd' } }),
    'any',
    'set either disk, or kernel and initrd together',
  ],
  ['a relative guest image path', kvm({ guestImage: { disk: 'images/flatcar.img' } }), 'any', 'guestImage.disk'],
  ['a port mapping out of range', kvm({ portMappings: [{ name: 'ssh', port: 70000 }] }), 'any', 'portMappings[0].port'],
  ['an ingress class that is no DNS name', kvm({ ingressClassName: 'Not_Valid' }), 'any', 'ingressClassName'],
  [
    'a pool too large for the flannel network',
    (s) => ((s.network.flannel = { network: '10.99.0.0/29', subnetLen: 30 }), (s.workers[0].replicas = 3)),
    'InvalidSpec',
    'holds 2 /30 host subnets, fewer than the cluster',
  ],
  ['a network another cluster holds', (s) => (s.network.flannel = { network: '10.77.0.0/24' }), 'NetworkTaken', '10.77.0.0/24'],
  ['a VNI another cluster holds', (s) => (s.network.flannel = { vni: 777 }), 'VniTaken', '777'],
  ['a network overlapping another cluster’s', (s) => (s.network.flannel = { network: '10.77.0.128/25' }), 'NetworkTaken', '10.77.0.0/24'],
];

it(`reports ${CASES.length} invalid KVM specs clearly and creates nothing for them`, async () => {
  // the cluster holding the network and VNI the last cases ask for
  (await world.clusters().create(kvmClusterInput('holder', { flannel: { network: '10.77.0.0/24', vni: 777 } })))._unsafeUnwrap();
  await expect
    .poll(async () => (await world.clusters().get('holder', { namespace: 'default' }))._unsafeUnwrap().status?.network?.flannel, { timeout: 20_000 })
    .toEqual({ network: '10.77.0.0/24', vni: 777 });

  const outcomes: string[] = [];
  for (const [i, [what, edit]] of CASES.entries()) {
    const input = structuredClone(kvmClusterInput(`bad-${i}`)) as unknown as { spec: Record<string, unknown> };
    edit(input.spec);
    const created = await world.clusters().create(input as unknown as ClusterInput);
    outcomes.push(created.isOk() ? 'created' : `rejected: ${created.error.message}`);
    if (created.isErr()) expect(created.error.kind, what).toBe('Invalid');
  }
  for (const [i, [what, , reason, message]] of CASES.entries()) {
    if (outcomes[i]!.startsWith('rejected')) {
      expect(reason, `${what} was rejected by the API server: ${outcomes[i]}`).toBe('any');
      expect(outcomes[i], what).toContain(message);
      continue;
    }
    await expect
      .poll(
        async () => (await world.clusters().get(`bad-${i}`, { namespace: 'default' }))._unsafeUnwrap().status?.conditions?.find((c) => c.type === 'Ready'),
        { timeout: 10_000 },
      )
      .toMatchObject({ status: 'False', ...(reason === 'any' ? {} : { reason }), message: expect.stringContaining(message) });
    expect((await world.clusters().get(`bad-${i}`, { namespace: 'default' }))._unsafeUnwrap().status?.phase, what).toBe('Failed');
  }
  console.log(CASES.map(([what], i) => `${what}: ${outcomes[i]!.startsWith('rejected') ? 'rejected by the CRD schema' : 'Ready=False'}`).join('\n'));

  // nothing was created for any of them, and no retry storm: a few reconciles each at most
  const namespaces = (await world.kube.resource(NamespaceResource).list())._unsafeUnwrap().items.map((n) => n.metadata?.name);
  const ledger = (await world.kube.resource(ConfigMapResource).get('kubeception-kvm-networks', { namespace: OPERATOR_NAMESPACE }))._unsafeUnwrap();
  for (const i of CASES.keys()) {
    expect(namespaces).not.toContain(hostNamespace(`bad-${i}`));
    expect(Object.keys(ledger.data ?? {})).not.toContain(hostNamespace(`bad-${i}`));
    expect(Object.values(ledger.data ?? {}).join()).not.toContain(`"default/bad-${i}"`);
    expect((await world.store.getConfig(flannelEtcdPrefix(hostNamespace(`bad-${i}`))))._unsafeUnwrap()).toBeUndefined();
  }
  world.host.kube.requests.clear();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  expect(world.host.kube.requests.count({ verb: 'patch', resource: 'clusters' })).toBe(0);
}, 90_000);

/**
 * The KVM Cluster controller's host objects, on the lane's server: the kvm-operator's controllers
 * (its factory, the fake Vault and the PKI controllers in its manager, as the KVM world runs them)
 * write every host object the driver renders for a new Cluster, at the versions the host serves
 * (asked when the operator starts: policy/v1 and discovery.k8s.io/v1 on the fake, their v1beta1 on
 * kube-apiserver 1.20), write nothing more once nothing changes (the real server normalises what
 * it stores, which once made the driver re-apply a Deployment every second), and delete it all,
 * with the network and the Vault mount, when the Cluster goes.
 *
 * On the fake lane the host is the simulated host with the VM simulator: the VMs run and the
 * Cluster becomes Ready. On the real server's lane (`e2e:kube-apiserver`) there is no kubelet nor
 * scheduler: kube-controller-manager runs the Deployment, ReplicaSet and DaemonSet controllers
 * besides garbage collection and namespaces, so the VM pods exist but never run, and the test plays
 * the launcher, which reports its VM's address on its pod (the driver's EndpointSlices list those
 * addresses). The Cluster then stays Ready=False, saying what it waits for.
 */
import {
  hostKinds,
  KvmAnnotation,
  KvmComponent,
  KvmLabel,
  kvmCluster,
  MANAGED_BY,
  provider as kvmProvider,
  renderCluster,
  type HostApiVersions,
} from '@kubeception/driver-kvm';
import { ClusterResource, createClusterModel, kubeceptionCrds, Label, type Cluster, type KubeObject, type Persisted } from '@kubeception/sdk';
import {
  ConfigMapResource,
  createKubeClient,
  NamespaceResource,
  PodResource,
  SecretResource,
  type KubeClient,
  type ResourceClient,
} from '@kubeception/sdk/kube';
import { startEnvtest, startFakeVault, type StartedFakeVault } from '@kubeception/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conformanceServer } from '../conformance/lane/server.js';
import {
  FLANNEL_TLS_SECRET,
  hostNamespace,
  KVM_WORLD_FLANNEL,
  kvmClusterInput,
  OPERATOR_NAMESPACE,
  prepareOperatorNamespace,
  startKvmOperators,
  startKvmWorld,
  type KvmOperators,
} from './kvm-world.js';

const NAME = 'hosted';
const HOST = hostNamespace(NAME);
const CURRENT: HostApiVersions = { podDisruptionBudget: 'policy/v1', endpointSlice: 'discovery.k8s.io/v1' };
const BETA: HostApiVersions = { podDisruptionBudget: 'policy/v1beta1', endpointSlice: 'discovery.k8s.io/v1beta1' };
/** kube-controller-manager's controllers on the real server: the VM pods and DaemonSet statuses exist, nothing runs them. */
const CONTROLLERS = ['garbagecollector', 'namespace', 'deployment', 'replicaset', 'daemonset'];

/** One write of the operators' clients. */
interface Write {
  readonly at: number;
  readonly what: string;
}

/** The host, the fakes and the operators on it; `simulated` when the VMs run (the simulated host). */
interface HostWorld {
  readonly kube: KubeClient;
  readonly operators: KvmOperators;
  readonly vault: StartedFakeVault;
  /** The versions the host serves, by its Kubernetes version (not by asking it, as the driver does). */
  readonly served: HostApiVersions;
  readonly simulated: boolean;
  stop(): Promise<void>;
}

/** `kube`, noting every write in `writes`. */
function counted(kube: KubeClient, writes: Write[]): KubeClient {
  const note = (verb: string, kind: string, name: string | undefined) => writes.push({ at: Date.now(), what: `${verb} ${kind} ${name ?? ''}` });
  const wrap = <T extends KubeObject, I extends KubeObject>(client: ResourceClient<T, I>): ResourceClient<T, I> => {
    const kind = client.descriptor.kind;
    return {
      ...client,
      create: (object, options) => (note('create', kind, object.metadata?.name), client.create(object, options)),
      replace: (object, options) => (note('replace', kind, object.metadata?.name), client.replace(object, options)),
      replaceStatus: (object, options) => (note('replaceStatus', kind, object.metadata?.name), client.replaceStatus(object, options)),
      patch: (name, patch, options) => (note(`patch(${patch.type})`, kind, name), client.patch(name, patch, options)),
      patchStatus: (name, patch, options) => (note('patchStatus', kind, name), client.patchStatus(name, patch, options)),
      apply: (object, options) => (note('apply', kind, object.metadata?.name), client.apply(object, options)),
      delete: (name, options) => (note('delete', kind, name), client.delete(name, options)),
    };
  };
  return {
    ...kube,
    resource: (descriptor) => wrap(kube.resource(descriptor)),
    evict: (name, options) => (note('evict', 'Pod', name), kube.evict(name, options)),
  };
}

/** The lane's host: the simulated host with the VM simulator, or a kube-apiserver of this file's own. */
async function startHostWorld(writes: Write[]): Promise<HostWorld> {
  const lane = conformanceServer();
  const operatorClient = (kube: KubeClient) => counted(kube, writes);
  if (lane.name !== 'kube-apiserver') {
    const world = await startKvmWorld({ nodes: 2, operatorClient });
    return { kube: world.kube, operators: world, vault: world.vault, served: CURRENT, simulated: true, stop: () => world.stop() };
  }
  if (lane.skip) throw new Error(`the real server's lane cannot run: ${lane.skip}`);
  const server = await startEnvtest({ crds: kubeceptionCrds({ providers: [kvmProvider] }), controllers: CONTROLLERS });
  const vault = await startFakeVault({ maxLeaseTtl: '876000h' });
  await prepareOperatorNamespace(server.kubeConfig);
  // no VM runs, so no guest API is ever reached
  const endpoints = { hostKubeConfig: server.kubeConfig, vaultUrl: vault.url, vaultToken: vault.rootToken, guest: () => undefined };
  const operators = startKvmOperators(endpoints, { operatorClient });
  const stop = async () => {
    await operators.stop();
    await vault.close();
    await server.stop();
  };
  const kube = createKubeClient({ kubeConfig: server.kubeConfig, qps: 0 });
  return { kube, operators, vault, served: server.version.minor < 21 ? BETA : CURRENT, simulated: false, stop };
}

const writes: Write[] = [];
let world: HostWorld;
const clusters = () => world.kube.resource(ClusterResource);
const getCluster = async () => (await clusters().get(NAME, { namespace: 'default' })).unwrapOr(undefined);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  const started = Date.now();
  world = await startHostWorld(writes);
  console.info(`host started in ${Date.now() - started} ms (${world.simulated ? 'simulated host' : 'kube-apiserver'})`);
});
afterAll(async () => {
  await world?.stop();
});

/** `{ apiVersion, kind, name }` of an object the host should hold in the host namespace. */
interface Expected {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

/**
 * What the driver writes for the Cluster, from what it renders (with the network the Cluster
 * holds, at the versions the host serves): every rendered object, an EndpointSlice per rendered
 * Service, and a copy of each certificate Secret the VMs mount (and of the flannel TLS Secret).
 */
async function expectedObjects(cluster: Persisted<Cluster>): Promise<Expected[]> {
  const validated = createClusterModel({ providers: [kvmProvider] })
    .validate(cluster)
    ._unsafeUnwrap() as Persisted<Cluster>;
  const kc = kvmCluster(validated, (validated.spec.provider as { kvm: Parameters<typeof kvmCluster>[1] }).kvm);
  const network = cluster.status?.network?.flannel;
  if (network?.network === undefined || network.vni === undefined) return [{ apiVersion: 'kubeception.io/v1alpha1', kind: 'Cluster', name: 'status.network' }];
  const rendered = renderCluster(kc, { network: { network: network.network, vni: network.vni }, flannel: KVM_WORLD_FLANNEL, hostApiVersions: world.served });
  const objects = rendered._unsafeUnwrap().objects;
  const slices = objects
    .filter((o) => o.kind === 'Service')
    .map((s) => ({ apiVersion: world.served.endpointSlice, kind: 'EndpointSlice', name: s.metadata?.name ?? '' }));
  // the component certificates' Secrets (not the guest kubeconfig Secret, which stays with its Cluster)
  const sources = (await world.kube.resource(SecretResource).list({ namespace: 'default', labelSelector: `${Label.Cluster}=${NAME}` }))
    ._unsafeUnwrap()
    .items.filter((s) => s.type === 'kubernetes.io/tls');
  const copies = [...sources.map((s) => s.metadata.name), FLANNEL_TLS_SECRET].map((name) => ({ apiVersion: 'v1', kind: 'Secret', name }));
  return [...objects.map((o) => ({ apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata?.name ?? '' })), ...slices, ...copies];
}

/** The expected objects the host does not hold (at their versions): `[]` once the driver wrote them all. */
async function missing(expected: readonly Expected[]): Promise<string[]> {
  const kinds = hostKinds(world.served);
  const absent = await Promise.all(
    expected.map(async (e) => {
      const descriptor = kinds.find((d) => d.apiVersion === e.apiVersion && d.kind === e.kind);
      if (descriptor === undefined) return `${e.apiVersion} ${e.kind} ${e.name} (not a kind the driver writes at the host's versions)`;
      const found = await world.kube.resource(descriptor).get(e.name, { namespace: HOST });
      return found.isOk() ? undefined : `${e.apiVersion} ${e.kind} ${e.name}`;
    }),
  );
  return absent.filter((a) => a !== undefined);
}

/** On the real server, the launcher's part: each VM pod reports an address for its VM, as the launcher does once the VM booted. */
async function reportVmAddresses(): Promise<number> {
  const pods = world.kube.resource(PodResource);
  const vmPods = (
    await pods.list({ namespace: HOST, labelSelector: `${Label.ManagedBy}=${MANAGED_BY},${KvmLabel.Component}=${KvmComponent.Vm}` })
  )._unsafeUnwrap().items;
  for (const [i, pod] of vmPods.entries()) {
    if (pod.metadata.annotations?.[KvmAnnotation.VmIp] !== undefined) continue;
    const body = { metadata: { annotations: { [KvmAnnotation.VmIp]: `10.250.0.${i + 10}` } } };
    (await pods.patch(pod.metadata.name, { type: 'merge', body }, { namespace: HOST }))._unsafeUnwrap();
  }
  return vmPods.length;
}

describe('the KVM Cluster controller’s host objects', () => {
  it('writes every host object the driver renders, at the versions the host serves', async () => {
    const started = Date.now();
    (await clusters().create(kvmClusterInput(NAME, { workers: 1 })))._unsafeUnwrap();
    if (!world.simulated) await expect.poll(reportVmAddresses, { timeout: 60_000, interval: 200 }).toBe(2);
    let expected: Expected[] = [];
    await expect
      .poll(
        async () => {
          const cluster = await getCluster();
          expected = cluster ? await expectedObjects(cluster) : [];
          return expected.length > 0 ? missing(expected) : ['the Cluster'];
        },
        { timeout: 60_000, interval: 250 },
      )
      .toEqual([]);
    console.info(`${expected.length} host objects written in ${Date.now() - started} ms`);
    const versioned = expected.filter((e) => e.kind === 'PodDisruptionBudget' || e.kind === 'EndpointSlice').map((e) => `${e.kind} ${e.apiVersion}`);
    expect(new Set(versioned)).toEqual(new Set([`PodDisruptionBudget ${world.served.podDisruptionBudget}`, `EndpointSlice ${world.served.endpointSlice}`]));
    expect(versioned.length).toBe(4); // the masters' and the pool's budgets, the master and worker slices
  }, 90_000);

  it('reports Ready on the simulated host, and Ready=False saying why while its VMs cannot run on the real server', async () => {
    const conditions = async () => Object.fromEntries(((await getCluster())?.status?.conditions ?? []).map((c) => [c.type, `${c.status} ${c.reason}`]));
    if (world.simulated) {
      await expect.poll(async () => (await getCluster())?.status?.phase, { timeout: 60_000, interval: 100 }).toBe('Ready');
      expect(Object.values(await conditions()).every((c) => c.startsWith('True'))).toBe(true);
      return;
    }
    // no host node runs flanneld, no VM boots: the host objects are written, the rest is awaited
    await expect.poll(conditions, { timeout: 30_000, interval: 200 }).toEqual({
      CertificatesReady: 'True AsExpected',
      InfrastructureReady: 'True AsExpected',
      NetworkReady: 'False Provisioning',
      ControlPlaneReady: 'False NodesNotReady',
      WorkersReady: 'False NodesNotReady',
      Ready: 'False Provisioning',
    });
    const cluster = await getCluster();
    expect(cluster?.status?.phase).toBe('Provisioning');
    expect(cluster?.status?.conditions?.find((c) => c.type === 'Ready')?.message).toMatch(/^NetworkReady: flanneld starting on the hosts; ControlPlaneReady: /);
    expect(cluster?.status?.nodes?.map((n) => [n.name, n.ready, n.address])).toEqual([
      [`${NAME}-master-0`, false, '10.250.0.10'],
      [`${NAME}-pool-0`, false, '10.250.0.11'],
    ]);
  }, 90_000);

  it('writes nothing more once nothing changes', async () => {
    // what is in flight settles first: a hot loop never does
    await expect.poll(() => Date.now() - (writes.at(-1)?.at ?? 0), { timeout: 30_000, interval: 200 }).toBeGreaterThan(2_000);
    writes.length = 0;
    await sleep(5_000);
    expect(writes.map((w) => w.what)).toEqual([]);
  }, 60_000);

  it('deletes every host object, the network allocation and the Vault mount with the Cluster', async () => {
    const started = Date.now();
    (await clusters().delete(NAME, { namespace: 'default' }))._unsafeUnwrap();
    await expect.poll(getCluster, { timeout: 90_000, interval: 200 }).toBeUndefined();
    console.info(`Cluster deleted in ${Date.now() - started} ms`);
    expect((await world.kube.resource(NamespaceResource).get(HOST)).isErr()).toBe(true);
    const managed = `${Label.ManagedBy}=${MANAGED_BY},${Label.Cluster}=${NAME}`;
    for (const descriptor of hostKinds(world.served)) {
      expect((await world.kube.resource(descriptor).list({ labelSelector: managed }))._unsafeUnwrap().items, descriptor.kind).toEqual([]);
    }
    const ledger = (await world.kube.resource(ConfigMapResource).get('kubeception-kvm-networks', { namespace: OPERATOR_NAMESPACE }))._unsafeUnwrap();
    expect(ledger.data ?? {}).toEqual({});
    expect((await world.operators.store.listConfigs())._unsafeUnwrap().size).toBe(0);
    await expect.poll(() => world.vault.state.mounts(), { timeout: 10_000 }).toEqual([]);
    const leftovers = async () =>
      (await world.kube.resource(SecretResource).list({ namespace: 'default', labelSelector: `${Label.Cluster}=${NAME}` }))._unsafeUnwrap().items.length;
    await expect.poll(leftovers, { timeout: 30_000 }).toBe(0);
  }, 120_000);
});

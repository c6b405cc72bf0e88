/**
 * The KVM driver writes a new Cluster's host objects under the kvm-operator's own least-privilege
 * RBAC (examples/kvm-operator/deploy/base/rbac.yaml, bound to its ServiceAccount, whose user a
 * client certificate names) with no write refused: on the fake authorizing with RBAC, and on a real
 * kube-apiserver. The real server found the driver applying RoleBinding `vm` 2 ms before Role
 * `vm` existed, which RBAC's escalation check refuses (404) from anyone who may not `bind` the
 * Role, until a retry. Here every Role write is held back a moment (as a slow etcd write would
 * be), so a driver that does not wait for the Role before its binding is refused every time.
 * The driver runs pass by pass on informer caches, as the Cluster controller runs it. It is made
 * here with its default host versions (policy/v1, discovery.k8s.io/v1), whose caches never sync
 * on v1.20, which the passes up to the RoleBinding do not need; the kvm-operator asks the host
 * which versions it serves when it starts (`discoverHostApiVersions`), and
 * kvm-host-objects.e2e.test.ts runs the whole Cluster controller on the real server.
 */
import { readFileSync } from 'node:fs';
import { createKvmDriver, createMemoryNetworkStore, provider as kvmProvider, type KvmSpec } from '@kubeception/driver-kvm';
import { createClusterModel, Label, type Cluster, type KubeObject, type Persisted } from '@kubeception/sdk';
import type { DriverContext } from '@kubeception/sdk/cluster';
import {
  ClusterRoleBindingResource,
  ClusterRoleResource,
  createKubeClient,
  DeploymentResource,
  kubeConfigFromCertificate,
  NamespaceResource,
  RoleBindingResource,
  RoleResource,
  SecretResource,
  ServiceAccountResource,
  type KubeClient,
  type KubeError,
  type ResourceClient,
} from '@kubeception/sdk/kube';
import { dataDigests, InformerCache } from '@kubeception/sdk/runtime';
import { envtestGate, startEnvtest, startFakeKube, type KubeServer } from '@kubeception/testing';
import { ResultAsync } from 'neverthrow';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { hostNamespace, kvmClusterInput } from './kvm-world.js';

/** The kvm-operator's namespace and ServiceAccount, as its manifests name them. */
const OPERATOR_NAMESPACE = 'kubeception';
const OPERATOR_USER = `system:serviceaccount:${OPERATOR_NAMESPACE}:kvm-operator`;
/** How long each Role write is held back. */
const ROLE_DELAY_MS = 300;

const gate = envtestGate();
const servers: [string, () => Promise<KubeServer>][] = [
  ['the fake authorizing with RBAC', () => startFakeKube({ tls: true, clientCertificates: true, authorization: 'RBAC' })],
  ...(gate.run ? [['a real kube-apiserver', () => startEnvtest({ controllers: false })] as [string, () => Promise<KubeServer>]] : []),
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The kvm-operator's RBAC manifests, created by the admin (its namespace first). */
async function installOperatorRbac(admin: KubeClient): Promise<void> {
  (await admin.resource(NamespaceResource).create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: OPERATOR_NAMESPACE } }))._unsafeUnwrap();
  const descriptors: Record<string, Parameters<KubeClient['resource']>[0]> = {
    ServiceAccount: ServiceAccountResource,
    ClusterRole: ClusterRoleResource,
    ClusterRoleBinding: ClusterRoleBindingResource,
    Role: RoleResource,
    RoleBinding: RoleBindingResource,
  };
  const manifests = readFileSync(new URL('../../../examples/kvm-operator/deploy/base/rbac.yaml', import.meta.url), 'utf8');
  for (const object of parseAllDocuments(manifests).map((d) => d.toJS() as KubeObject)) {
    (await admin.resource(descriptors[object.kind ?? '']!).create(object as never))._unsafeUnwrap();
  }
}

/** A client of `inner` whose Role writes are held back `delayMs`, and the writes the server refused (403, or 404 naming an object). */
function observedClient(inner: KubeClient, delayMs: number): { readonly kube: KubeClient; readonly refused: string[] } {
  const refused: string[] = [];
  const noted = (what: string) => (error: KubeError) => {
    if (error.code === 403 || (error.code === 404 && error.status?.details?.name !== undefined)) refused.push(`${what}: ${error.message}`);
  };
  const wrap = <T extends KubeObject, I extends KubeObject>(client: ResourceClient<T, I>, kind: string): ResourceClient<T, I> => ({
    ...client,
    apply: (object, options) =>
      ResultAsync.fromSafePromise(sleep(kind === 'Role' ? delayMs : 0))
        .andThen(() => client.apply(object, options))
        .orTee(noted(`apply ${kind} ${object.metadata?.name}`)),
    create: (object, options) => client.create(object, options).orTee(noted(`create ${kind} ${object.metadata?.name}`)),
    patch: (name, patch, options) => client.patch(name, patch, options).orTee(noted(`patch ${kind} ${name}`)),
  });
  const kube: KubeClient = {
    kubeConfig: inner.kubeConfig,
    defaultNamespace: inner.defaultNamespace,
    resource: (descriptor) => wrap(inner.resource(descriptor), descriptor.kind),
    evict: (name, options) => inner.evict(name, options),
  };
  return { kube, refused };
}

/** A new KVM Cluster as the Cluster controller hands it to the driver: validated (defaults applied) and persisted. */
function newCluster(name: string): { readonly cluster: Persisted<Cluster>; readonly spec: KvmSpec } {
  const validated = createClusterModel({ providers: [kvmProvider] })
    .validate(kvmClusterInput(name))
    ._unsafeUnwrap();
  const metadata = { ...validated.metadata, uid: crypto.randomUUID(), resourceVersion: '1', generation: 1, creationTimestamp: new Date().toISOString() };
  const cluster = { ...validated, metadata } as Persisted<Cluster>;
  return { cluster, spec: (cluster.spec.provider as { kvm: KvmSpec }).kvm };
}

describe.each(servers)('the KVM driver under the kvm-operator’s RBAC, on %s', (_name, start) => {
  let server: KubeServer;
  let admin: KubeClient;
  let operator: ReturnType<typeof observedClient>;
  let driver: ReturnType<typeof createKvmDriver>;
  let context: DriverContext;
  const stop = new AbortController();

  beforeAll(async () => {
    server = await start();
    admin = createKubeClient({ kubeConfig: server.kubeConfig, qps: 0 });
    await installOperatorRbac(admin);
    const cert = await server.issueClientCertificate(OPERATOR_USER);
    const kubeConfig = kubeConfigFromCertificate({
      server: server.url,
      caPem: server.caCertificate!,
      certPem: cert.certificate,
      keyPem: cert.privateKey,
      name: 'kvm-operator',
    });
    operator = observedClient(createKubeClient({ kubeConfig, qps: 0, retry: { maxAttempts: 1 } }), ROLE_DELAY_MS);
    const flannel = { etcdEndpoints: ['https://flannel-etcd:2379'] };
    driver = createKvmDriver({
      kube: operator.kube,
      networkStore: createMemoryNetworkStore(),
      flannel,
      ledgerNamespace: OPERATOR_NAMESPACE,
      guest: () => undefined,
    });
    const informers = new InformerCache(operator.kube, stop.signal);
    context = { cache: (descriptor, selection) => informers.get(descriptor, selection).store, log: pino({ level: 'silent' }), signal: stop.signal };
    // the caches the driver reads, listed before the first pass (v1.20 serves no policy/v1 nor discovery.k8s.io/v1: those never sync)
    for (const w of driver.watches ?? []) informers.get(w.resource, w.selection);
    await vi.waitFor(() => expect(informers.all().filter((i) => !i.state().synced && i.state().failures === 0)).toEqual([]), { timeout: 20_000, interval: 50 });
  }, 120_000);
  afterAll(async () => {
    stop.abort();
    await server?.stop();
  });

  it('writes Role vm before RoleBinding vm: no write is refused', async () => {
    const { cluster, spec } = newCluster('rbac');
    const host = hostNamespace('rbac');
    const written = async () => (await admin.resource(RoleBindingResource).get('vm', { namespace: host })).isOk();
    const passes: string[] = [];
    const deadline = Date.now() + 30_000;
    while (!(await written()) && Date.now() < deadline) {
      const pass = await driver.observe(cluster, spec, context).andThen((observed) => driver.apply(cluster, spec, observed, context));
      passes.push(pass.isOk() ? pass.value.type : pass.error.message);
      await sleep(100);
    }
    expect(operator.refused).toEqual([]);
    expect(await written()).toBe(true);
    expect((await admin.resource(RoleResource).get('vm', { namespace: host }))._unsafeUnwrap().rules?.length).toBe(2);
    expect(passes.length).toBeGreaterThan(1); // the network allocated first, then the host objects written
  }, 60_000);

  it('reads what its caches keep as digests or without a spec (a VM Deployment, the admin certificate) by LIST, which its role grants, after a restart', async () => {
    const { cluster, spec } = newCluster('reread');
    const host = hostNamespace('reread');
    const vms = async () => (await admin.resource(DeploymentResource).list({ namespace: host }))._unsafeUnwrap().items.length;
    const deadline = Date.now() + 30_000;
    while ((await vms()) === 0 && Date.now() < deadline) {
      await driver.observe(cluster, spec, context).andThen((observed) => driver.apply(cluster, spec, observed, context));
      await sleep(100);
    }
    expect(await vms()).toBeGreaterThan(0);
    // the Cluster's admin certificate, as the Certificate controller writes it
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const data = { 'tls.crt': b64('admin-cert'), 'tls.key': b64('admin-key'), 'ca.crt': b64('ca') };
    const labels = { [Label.Cluster]: 'reread' };
    const secret = { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: 'reread-admin', namespace: 'default', labels }, data };
    (await admin.resource(SecretResource).create(secret))._unsafeUnwrap();
    const cached = () => context.cache(SecretResource, { labelSelector: Label.Cluster, transform: dataDigests }).get('default/reread-admin');
    await vi.waitFor(() => expect(cached()).toBeDefined(), { timeout: 10_000, interval: 50 });

    const restarted = createKvmDriver({
      kube: operator.kube,
      networkStore: createMemoryNetworkStore(),
      flannel: { etcdEndpoints: ['https://flannel-etcd:2379'] },
      ledgerNamespace: OPERATOR_NAMESPACE,
      guest: () => undefined,
    });
    const observed = await restarted.observe(cluster, spec, context);
    expect(observed.isOk() ? 'observed' : observed.error.message).toBe('observed');
    const world = observed._unsafeUnwrap().provider.world;
    expect(world.admin?.certPem).toBe('admin-cert');
    expect(
      [...world.objects.values()].some(
        (o) => o.kind === 'Deployment' && (o as { spec?: { template?: { spec?: unknown } } }).spec?.template?.spec !== undefined,
      ),
    ).toBe(true);
  }, 60_000);
});

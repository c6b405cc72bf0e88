/**
 * Hostile moves over time in the KVM world (internal): host namespaces squatted under another
 * Cluster's ID, paused annotations, spec changes after creation, and plain objects forged to look
 * like the victim's (a ledger, a certificate Secret, a VM Deployment).
 */
import { KvmAnnotation, MANAGED_BY, NETWORK_LEDGER_NAME } from '@kubeception/driver-kvm';
import { clusterId } from '@kubeception/sdk';
import { ConfigMapResource, DeploymentResource, NamespaceResource, SecretResource } from '@kubeception/sdk/kube';
import { expect } from 'vitest';
import { DISK, kvmCluster, type Edit, type Json } from './hostile-objects.js';
import { BAD, invalid, refused, reported } from './hostile-expect.js';
import { exists, fail, until, value, type CaseContext, type Expectation, type HostileCase, type LooseObject } from './hostile-support.js';

const NEXT = 'next';
const MANAGED = { 'app.kubernetes.io/managed-by': MANAGED_BY };
/** The host namespace the Cluster `next` of the case's namespace will want. */
const nextId = ({ tenant }: CaseContext) => clusterId({ namespace: tenant.namespace, name: NEXT });
const readyOf = (o: LooseObject | undefined) => o?.status?.conditions?.find((c) => c.type === 'Ready');

/** A squat of the Cluster `next`'s host namespace, then the Cluster (a bystander's move after the squatter's). */
function squatCase(
  id: string,
  what: string,
  labels: Record<string, string>,
  annotations: (ctx: CaseContext) => Record<string, string>,
  expected: Expectation,
  extra: Partial<HostileCase> = {},
): HostileCase {
  return {
    id,
    what,
    category: 'namespaces and squats',
    world: 'kvm',
    send: async (ctx) => {
      await ctx.tenant.createNamespace(nextId(ctx), labels, annotations(ctx));
      await ctx.tenant.create(kvmCluster(NEXT) as never);
    },
    expect: expected,
    namespacesMade: (ctx) => [nextId(ctx)],
    ...extra,
  };
}

/** A Cluster `chg` brought to `when` (allocated: its network is recorded; ready), then changed by a merge patch of its spec. */
function changeCase(
  id: string,
  what: string,
  when: 'allocated' | 'ready',
  change: (ctx: CaseContext) => Json,
  expected: Expectation,
  extra: Partial<HostileCase> & { readonly edit?: Edit } = {},
): HostileCase {
  const { edit, ...rest } = extra;
  return {
    id,
    what,
    category: 'spec changes',
    world: 'kvm',
    send: async (ctx) => {
      await ctx.tenant.create(kvmCluster('chg', edit) as never);
      const reached = (c: Awaited<ReturnType<typeof ctx.tenant.get>>) =>
        when === 'allocated'
          ? c?.status?.network?.flannel?.vni !== undefined
          : c?.status?.phase === 'Ready' && c.status.observedGeneration === c.metadata.generation;
      const cluster = await until(() => ctx.tenant.get('Cluster', 'chg'), reached, 30_000);
      if (!reached(cluster)) throw new Error(`Cluster chg did not get ${when}: ${JSON.stringify(cluster?.status?.conditions)}`);
      deployments.set(ctx.tenant.namespace, await vmVersions(ctx));
      await ctx.tenant.patch('Cluster', 'chg', { spec: change(ctx) });
    },
    expect: expected,
    ...rest,
  };
}

/** The VM Deployments of the case's Cluster `chg`, as name@resourceVersion. */
async function vmVersions({ admin, tenant }: CaseContext): Promise<string[]> {
  const items = await admin
    .resource(DeploymentResource)
    .list({ namespace: clusterId({ namespace: tenant.namespace, name: 'chg' }) })
    .match(
      (list) => list.items,
      () => [],
    );
  return items.map((d) => `${d.metadata?.name}@${d.metadata?.resourceVersion}`).sort();
}
const deployments = new Map<string, string[]>();
const vmsUntouched = async (ctx: CaseContext) =>
  expect(await vmVersions(ctx), 'the VMs of the Cluster are as they were').toEqual(deployments.get(ctx.tenant.namespace));
const immutable = reported('Cluster', 'chg', 'AllocationImmutable', 'spec.network.flannel cannot change once allocated');

/** Changes of a Ready Cluster `chg` (made with `edit`) that leave its VMs as they were: `[id, what, the spec's merge patch, expectation, edit]`. */
const readyChanges = (rows: readonly (readonly [id: string, what: string, change: Json, expected: Expectation, edit?: Edit])[]) =>
  rows.map(([id, what, change, expected, edit]) => changeCase(id, what, 'ready', () => change, expected, { also: vmsUntouched, ...(edit ? { edit } : {}) }));

/** The Cluster `next` reports its host namespace taken. */
const namespaceTaken = (message: string) => reported('Cluster', NEXT, 'NamespaceTaken', message);

/** An invalid Cluster `bad` (its masters' memory below the minimum) with the paused annotation `paused`. */
const invalidPaused = (paused: string) => kvmCluster(BAD, (s) => (s.masters.memory = '512Mi'), { annotations: { 'kubeception.io/paused': paused } });
const pausedNow: Expectation = {
  outcome: 'reported',
  kind: 'Cluster',
  name: BAD,
  type: 'Paused',
  status: 'True',
  reason: 'Paused',
  message: 'reconciliation is paused',
};

/** The flannel network the Cluster `chg` holds (its status). */
const heldNetwork = async ({ tenant }: CaseContext) => (await tenant.get('Cluster', 'chg'))?.status?.network?.flannel;

export const KVM_LIFECYCLE_CASES: readonly HostileCase[] = [
  // host namespaces squatted under a Cluster's ID
  {
    id: 'q1',
    what: 'a Namespace named like the victim’s host namespace',
    category: 'namespaces and squats',
    world: 'kvm',
    send: async ({ tenant, victim }) => void (await tenant.createNamespace(victim.id)),
    expect: refused('', 'already exists', 409),
  },
  squatCase(
    'q2',
    'an unlabelled Namespace squatting a future Cluster’s host namespace',
    {},
    () => ({}),
    namespaceTaken('exists and belongs to no Cluster; it is not adopted'),
  ),
  squatCase(
    'q3',
    'a Namespace forged as a future Cluster’s (its annotation, no uid) with the squatter’s RoleBinding in it',
    MANAGED,
    ({ tenant }) => ({ [KvmAnnotation.Cluster]: `${tenant.namespace}/${NEXT}` }),
    namespaceTaken('it is not adopted'),
    {
      send: async (ctx) => {
        await ctx.tenant.createNamespace(nextId(ctx), MANAGED, { [KvmAnnotation.Cluster]: `${ctx.tenant.namespace}/${NEXT}` });
        const binding = {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'squatter', namespace: nextId(ctx) },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
          subjects: [{ kind: 'User', name: 'mallory' }],
        };
        await ctx.tenant.create(binding as never);
        await ctx.tenant.create(kvmCluster(NEXT) as never);
      },
      // nothing of the Cluster's is written beside the squatter's RoleBinding
      also: async (ctx) => {
        const copies = (
          await ctx.admin
            .resource(SecretResource)
            .list({ namespace: nextId(ctx) })
            .match(value, fail)
        ).items.map((s) => s.metadata?.name);
        expect(copies).not.toContain(`${NEXT}-admin`);
      },
    },
  ),
  squatCase(
    'q4',
    'a Namespace forged as left by a former Cluster of that name',
    MANAGED,
    ({ tenant }) => ({ [KvmAnnotation.Cluster]: `${tenant.namespace}/${NEXT}`, [KvmAnnotation.ClusterUid]: 'not-yours' }),
    namespaceTaken('was left by a former Cluster'),
  ),
  {
    id: 'q5',
    what: 'a squatted host namespace, then deleted by the squatter: the refused Cluster goes on',
    category: 'namespaces and squats',
    world: 'kvm',
    send: async (ctx) => {
      await ctx.tenant.createNamespace(nextId(ctx));
      await ctx.tenant.create(kvmCluster(NEXT) as never);
      await until(
        () => ctx.tenant.get('Cluster', NEXT),
        (c) => readyOf(c)?.reason === 'NamespaceTaken',
        20_000,
      );
      await ctx.admin.resource(NamespaceResource).delete(nextId(ctx)).match(value, fail);
    },
    expect: { outcome: 'accepted', kind: 'Cluster', name: NEXT },
  },

  // paused
  {
    id: 'z1',
    what: 'an invalid Cluster paused by annotation',
    category: 'paused',
    world: 'kvm',
    send: async ({ tenant }) => void (await tenant.create(invalidPaused('true') as never)),
    expect: pausedNow,
    also: async ({ tenant }) => expect(readyOf(await tenant.get('Cluster', BAD))).toBeUndefined(),
  },
  {
    id: 'z2',
    what: 'a Cluster paused by spec gets no PKI',
    category: 'paused',
    world: 'kvm',
    send: async ({ tenant }) => void (await tenant.create(kvmCluster(BAD, (s) => (s.paused = true)) as never)),
    expect: pausedNow,
    also: async ({ tenant }) => expect(await tenant.get('CertificateAuthority', BAD)).toBeUndefined(),
  },
  {
    id: 'z3',
    what: 'an invalid Cluster unpaused by removing the annotation',
    category: 'paused',
    world: 'kvm',
    send: async ({ tenant }) => {
      await tenant.create(invalidPaused('true') as never);
      await until(
        () => tenant.get('Cluster', BAD),
        (c) => c?.status?.conditions?.some((x) => x.type === 'Paused') === true,
        20_000,
      );
      await tenant.patch('Cluster', BAD, { metadata: { annotations: { 'kubeception.io/paused': null } } });
    },
    expect: invalid('spec.masters.memory'),
    also: async ({ tenant }) =>
      expect((await tenant.get('Cluster', BAD))?.status?.conditions?.find((c) => c.type === 'Paused')?.status, 'Paused after unpausing').toBe('False'),
  },
  {
    id: 'z4',
    what: 'a paused annotation of "false" pauses nothing',
    category: 'paused',
    world: 'kvm',
    send: async ({ tenant }) => void (await tenant.create(invalidPaused('false') as never)),
    expect: invalid('spec.masters.memory'),
  },

  // spec changes after creation
  // refused terminally by the driver's preflight: the network it holds stays (and so do its VMs)
  changeCase(
    'sc1',
    'the flannel network changed after it was allocated',
    'allocated',
    () => ({ network: { flannel: { network: '10.99.0.0/24' } } }),
    immutable,
    {
      also: async (ctx) => expect((await heldNetwork(ctx))?.network, 'the allocated network').toMatch(/^10\.64\./),
    },
  ),
  changeCase('sc2', 'the flannel VNI changed after it was allocated', 'allocated', () => ({ network: { flannel: { vni: 3999 } } }), immutable, {
    also: async (ctx) => expect((await heldNetwork(ctx))?.vni, 'the allocated VNI').toBeLessThan(3999),
  }),
  changeCase(
    'sc3',
    'the flannel network changed to the victim’s after allocation',
    'allocated',
    ({ victim }) => ({ network: { flannel: { network: victim.network } } }),
    immutable,
    {
      also: async (ctx) => {
        const held = (await heldNetwork(ctx))?.network;
        expect(held, 'the allocated network').toMatch(/^10\.64\./);
        expect(held).not.toBe(ctx.victim.network);
      },
    },
  ),
  ...readyChanges([
    [
      'sc4',
      'the pod CIDR changed on a Ready Cluster',
      { network: { podCIDR: '10.3.0.0/16' } },
      refused('spec.network.podCIDR', 'spec.network.podCIDR is immutable'),
    ],
    [
      'sc5',
      'a version downgrade by two minors on a Ready Cluster',
      { kubernetes: { version: '1.31.9' } },
      refused('spec.kubernetes.version', 'downgrades are not supported'),
    ],
    [
      'sc10',
      'a version upgrade skipping a minor on a Ready Cluster',
      { kubernetes: { version: '1.33.1' } },
      refused('spec.kubernetes.version', 'may rise by one minor version at a time'),
      (s) => (s.kubernetes.version = '1.31.9'),
    ],
    [
      'sc11',
      'the service CIDR changed on a Ready Cluster',
      { kubernetes: { api: { serviceCIDR: '172.30.0.0/16' } } },
      refused('spec.kubernetes.api.serviceCIDR', 'is immutable'),
    ],
    ['sc7', 'a master memory below the minimum on a Ready Cluster', { masters: { memory: '512Mi' } }, invalid('spec.masters.memory', 'chg')],
    [
      'sc9',
      'etcd storage switched to a persistent volume of size 0 on a Ready Cluster (an invalid provider spec)',
      { provider: { kvm: { etcdStorage: { type: 'persistentVolume', persistentVolume: { size: '0' } } } } },
      invalid('spec.provider.kvm.etcdStorage.persistentVolume.size', 'chg'),
    ],
    ['sc8', '100-year certificates on a Ready Cluster', { certificates: { ttl: '876000h' } }, refused('spec.certificates', 'ttl must be shorter than caTTL')],
  ]),
  changeCase(
    'sc6',
    'a worker pool renamed on a Ready Cluster',
    'ready',
    () => ({ workers: [{ name: 'renamed', replicas: 1, cpus: 1, memory: '1Gi', disk: DISK }] }),
    { outcome: 'accepted', kind: 'Cluster', name: 'chg' },
    {
      also: async ({ tenant }) =>
        expect((await tenant.get('Cluster', 'chg'))?.status?.nodes?.map((n) => n.name).sort()).toEqual(['chg-master-0', 'chg-renamed-0']),
    },
  ),

  // plain objects forged to look like the victim's
  {
    id: 'f1',
    what: 'a network ledger in the tenant’s namespace claiming the victim’s entry',
    category: 'forged objects',
    world: 'kvm',
    send: async ({ tenant, victim }) =>
      void (await tenant.create({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: NETWORK_LEDGER_NAME },
        data: { [victim.id]: JSON.stringify({ network: '10.99.0.0/24', vni: 4000, cluster: 'victim/demo' }) },
      } as never)),
    expect: { outcome: 'ignored' },
    also: async ({ admin, tenant }) =>
      expect(
        (await admin.resource(ConfigMapResource).get(NETWORK_LEDGER_NAME, { namespace: tenant.namespace }).match(value, fail)).metadata.resourceVersion,
      ).toBeDefined(),
  },
  {
    id: 'f2',
    what: 'a Secret forged as the victim’s admin certificate (its labels)',
    category: 'forged objects',
    world: 'kvm',
    send: async ({ tenant }) =>
      void (await tenant.create({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/tls',
        metadata: { name: 'demo-admin', labels: { 'kubeception.io/cluster': 'demo', 'kvm.kubeception.io/cluster-namespace': 'victim' } },
        data: { 'tls.crt': Buffer.from('forged').toString('base64'), 'tls.key': Buffer.from('forged').toString('base64') },
      } as never)),
    expect: { outcome: 'ignored' },
    bait: ['demo-admin'],
  },
  {
    id: 'f3',
    what: 'a Deployment forged as one of the victim’s VMs (its labels)',
    category: 'forged objects',
    world: 'kvm',
    send: async ({ tenant }) => {
      const labels = {
        'app.kubernetes.io/managed-by': MANAGED_BY,
        'kubeception.io/cluster': 'demo',
        'kvm.kubeception.io/cluster-namespace': 'victim',
        'kubeception.io/node': 'demo-master-0',
      };
      await tenant.create({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'demo-master-0', labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'sleep', image: 'busybox' }] } },
        },
      } as never);
    },
    expect: { outcome: 'ignored' },
    also: async ({ admin, tenant }) =>
      expect(await exists(admin.resource(DeploymentResource).get('demo-master-0', { namespace: tenant.namespace }))).toBe(true),
  },
];

/**
 * Hostile KVM Cluster specs (internal): each case creates one Cluster `bad` (or a Cluster named
 * by the case) in its own namespace, bent by one edit. Refused by the CRD schema (its patterns,
 * bounds and CEL rules) where the API server can; reported by the operator otherwise.
 */
import { DEFAULT_GUEST_DISK } from '@kubeception/driver-kvm';
import { expect } from 'vitest';
import { kvm, kvmCluster, manyLabels, pool, poolLabels, type Edit, type Json } from './hostile-objects.js';
import type { CaseContext, Category, Expectation, HostileCase, Refused, Reported } from './hostile-support.js';

/** The Cluster every case here creates. */
export const BAD = 'bad';

export const refused = (path: string, message?: string, code?: number): Refused => ({
  outcome: 'refused',
  path,
  ...(message ? { message } : {}),
  ...(code ? { code } : {}),
});
/** `Ready=False InvalidSpec` on the Cluster `bad` (or `name`). */
export const invalid = (message: string, name = BAD): Reported => ({ outcome: 'reported', kind: 'Cluster', name, reason: 'InvalidSpec', message });

/** A case creating one KVM Cluster `name` (default `bad`), its spec bent by `edit`. */
export function specCase(
  id: string,
  category: Category,
  what: string,
  edit: (spec: Json, ctx: CaseContext) => void,
  expected: Expectation,
  extra: Partial<HostileCase> & { readonly name?: string; readonly metadata?: Json } = {},
): HostileCase {
  const { name = BAD, metadata = {}, ...rest } = extra;
  return {
    id,
    what,
    category,
    world: 'kvm',
    send: async (ctx) => void (await ctx.tenant.create(kvmCluster(name, (spec) => edit(spec, ctx), metadata) as never)),
    expect: expected,
    ...rest,
  };
}

const labelsAt = 'spec.workers[0].labels';
/** Refused by the driver's preflight because the victim holds the network or VNI. */
const taken = (reason: string, message: string): Reported => ({ outcome: 'reported', kind: 'Cluster', name: BAD, reason, message });
const keyCel = 'label keys must be an optional DNS subdomain prefix';
const asIs: Edit = () => undefined;

export const KVM_SPEC_CASES: readonly HostileCase[] = [
  // names and labels
  specCase('n1', 'names and labels', 'a Cluster name with upper case', asIs, refused('metadata.name'), { name: 'Demo' }),
  specCase('n2', 'names and labels', 'a Cluster name of 41 characters', asIs, refused('', 'cluster name must be at most 40 characters'), {
    name: 'a'.repeat(41),
  }),
  specCase('n3', 'names and labels', 'a Cluster name with dots (a subdomain, not a label)', asIs, refused('', 'cluster name must be a DNS-1123 label'), {
    name: 'a.b',
  }),
  specCase('n4', 'names and labels', 'a Cluster name of 254 characters', asIs, refused('metadata.name'), { name: 'a'.repeat(254) }),
  specCase(
    'n5',
    'names and labels',
    'a Cluster label value with a newline',
    asIs,
    refused('metadata.labels', 'a valid label must be an empty string or consist of alphanumeric characters'),
    {
      metadata: { labels: { team: 'a\nb' } },
    },
  ),
  specCase(
    'n6',
    'names and labels',
    'a Cluster label key with a space',
    asIs,
    refused('metadata.labels', 'name part must consist of alphanumeric characters'),
    { metadata: { labels: { 'bad key': 'v' } } },
  ),
  specCase('n7', 'names and labels', 'a Cluster annotation key with $()', asIs, refused('metadata.annotations'), {
    metadata: { annotations: { '$(reboot)': 'v' } },
  }),
  specCase(
    'l1',
    'names and labels',
    'a pool label value with a newline (a systemd line)',
    poolLabels({ workload: 'batch\nExecStartPre=/bin/sh' }),
    refused(labelsAt),
  ),
  specCase('l2', 'names and labels', 'a pool label value with double quotes', poolLabels({ workload: '"x"' }), refused(labelsAt)),
  specCase('l3', 'names and labels', 'a pool label value with $() command substitution', poolLabels({ workload: '$(reboot)' }), refused(labelsAt)),
  specCase('l4', 'names and labels', 'a pool label value with backticks', poolLabels({ workload: '`reboot`' }), refused(labelsAt)),
  specCase('l5', 'names and labels', 'a pool label value with %', poolLabels({ workload: '100%' }), refused(labelsAt)),
  specCase('l6', 'names and labels', 'a pool label value with a backslash', poolLabels({ workload: 'a\\nb' }), refused(labelsAt)),
  specCase('l7', 'names and labels', 'a pool label value with NUL', poolLabels({ workload: 'a\u0000b' }), refused(labelsAt)),
  specCase('l8', 'names and labels', 'a pool label value of 64 characters', poolLabels({ workload: 'v'.repeat(64) }), refused(labelsAt)),
  specCase('l9', 'names and labels', '65 labels on a pool', poolLabels(manyLabels(65)), refused(labelsAt, 'Too many')),
  specCase('l10', 'names and labels', 'a pool label key with a space', poolLabels({ 'bad key': 'v' }), refused(labelsAt, keyCel)),
  specCase('l11', 'names and labels', 'a pool label key with two slashes', poolLabels({ 'a/b/c': 'v' }), refused(labelsAt, keyCel)),
  specCase('l12', 'names and labels', 'a pool label key with an upper-case prefix', poolLabels({ 'Example.com/x': 'v' }), refused(labelsAt, keyCel)),
  specCase('l13', 'names and labels', 'a pool label key with a 64-character name', poolLabels({ ['k'.repeat(64)]: 'v' }), refused(labelsAt, keyCel)),
  specCase('l14', 'names and labels', 'a pool label key with a newline', poolLabels({ 'a\nb': 'v' }), refused(labelsAt, keyCel)),
  specCase('l15', 'names and labels', 'an empty pool label key', poolLabels({ '': 'v' }), refused(labelsAt, keyCel)),
  specCase('l16', 'names and labels', 'a pool label key with $()', poolLabels({ '$(id)': 'v' }), refused(labelsAt, keyCel)),

  // pools, versions, domains
  specCase('p1', 'pools, versions, domains', 'a pool name with upper case and _', pool({ name: 'Pool_A' }), refused('spec.workers[0].name')),
  specCase('p2', 'pools, versions, domains', 'a pool name of 16 characters', pool({ name: 'p'.repeat(16) }), refused('spec.workers[0].name')),
  specCase('p3', 'pools, versions, domains', 'a pool name starting with -', pool({ name: '-pool' }), refused('spec.workers[0].name')),
  specCase(
    'p4',
    'pools, versions, domains',
    'two pools of one name',
    (s) => s.workers.push({ ...s.workers[0] }),
    refused('spec.workers[1]', 'Duplicate value'),
  ),
  specCase('v1', 'pools, versions, domains', 'an unsupported Kubernetes version', (s) => (s.kubernetes.version = '1.20.0'), refused('spec.kubernetes.version')),
  specCase('v2', 'pools, versions, domains', 'a version with a leading v', (s) => (s.kubernetes.version = 'v1.33.1'), refused('spec.kubernetes.version')),
  specCase(
    'v3',
    'pools, versions, domains',
    'a version with a trailing newline',
    (s) => (s.kubernetes.version = '1.33.1\n'),
    refused('spec.kubernetes.version'),
  ),
  specCase('v4', 'pools, versions, domains', 'an ingress version "latest"', (s) => (s.ingress.version = 'latest'), refused('spec.ingress.version')),
  specCase(
    'd1',
    'pools, versions, domains',
    'an API domain with upper case',
    (s) => (s.kubernetes.api.domain = 'API.bad.example.com'),
    refused('spec.kubernetes.api.domain'),
  ),
  specCase(
    'd2',
    'pools, versions, domains',
    'an API domain with an empty label',
    (s) => (s.kubernetes.api.domain = 'api..bad.example.com'),
    refused('spec.kubernetes.api.domain'),
  ),
  specCase(
    'd3',
    'pools, versions, domains',
    'a wildcard API domain',
    (s) => (s.kubernetes.api.domain = '*.example.com'),
    refused('spec.kubernetes.api.domain'),
  ),
  specCase(
    'd4',
    'pools, versions, domains',
    'an API domain with a newline',
    (s) => (s.kubernetes.api.domain = 'api.bad.example.com\nevil.com'),
    refused('spec.kubernetes.api.domain'),
  ),
  specCase('d5', 'pools, versions, domains', 'no ingress domain', (s) => delete s.ingress.domain, refused('spec.ingress.domain', 'Required')),
  specCase(
    'd6',
    'pools, versions, domains',
    'an ingress domain of 254 characters',
    (s) => (s.ingress.domain = `${'a'.repeat(63)}.`.repeat(3) + 'a'.repeat(62)),
    refused('spec.ingress.domain'),
  ),
  specCase(
    'd7',
    'pools, versions, domains',
    'a cluster domain with a shell command',
    (s) => (s.kubernetes.dns = { clusterDomain: 'cluster.local;reboot' }),
    refused('spec.kubernetes.dns.clusterDomain'),
  ),
  specCase('d8', 'pools, versions, domains', 'an API port of 70000', (s) => (s.kubernetes.api.securePort = 70000), refused('spec.kubernetes.api.securePort')),

  // networks
  specCase('c1', 'networks', 'a pod CIDR that is no address', (s) => (s.network.podCIDR = '10.300.0.0/16'), invalid('spec.network.podCIDR')),
  specCase(
    'c2',
    'networks',
    'a pod CIDR with host bits set',
    (s) => (s.network.podCIDR = '10.2.0.1/16'),
    invalid('spec.network.podCIDR: must be a network address'),
  ),
  specCase('c3', 'networks', 'a pod CIDR /33', (s) => (s.network.podCIDR = '10.2.0.0/33'), invalid('spec.network.podCIDR')),
  specCase('c4', 'networks', 'an IPv6 pod CIDR', (s) => (s.network.podCIDR = 'fd00::/64'), refused('spec.network.podCIDR')),
  specCase(
    'c5',
    'networks',
    'pod and service networks overlapping',
    (s) => (s.network.podCIDR = '172.31.128.0/17'),
    invalid('spec.kubernetes.api.serviceCIDR: 172.31.0.0/16 overlaps spec.network.podCIDR'),
  ),
  specCase(
    'c6',
    'networks',
    'a flannel network overlapping the pod network',
    (s) => (s.network.flannel = { network: '10.2.64.0/18' }),
    invalid('spec.network.flannel.network: 10.2.64.0/18 overlaps spec.network.podCIDR'),
  ),
  specCase(
    'c7',
    'networks',
    'a flannel network overlapping the service network',
    (s) => (s.network.flannel = { network: '172.31.0.0/24' }),
    invalid('spec.network.flannel.network: 172.31.0.0/24 overlaps spec.kubernetes.api.serviceCIDR'),
  ),
  specCase('c8', 'networks', 'a flannel VNI of 0', (s) => (s.network.flannel = { vni: 0 }), refused('spec.network.flannel.vni')),
  specCase('c9', 'networks', 'a flannel VNI of 2^24', (s) => (s.network.flannel = { vni: 16_777_216 }), refused('spec.network.flannel.vni')),
  specCase('c10', 'networks', 'a flannel subnetLen of 31', (s) => (s.network.flannel = { subnetLen: 31 }), refused('spec.network.flannel.subnetLen')),
  specCase('c11', 'networks', 'a flannel subnetLen of 7', (s) => (s.network.flannel = { subnetLen: 7 }), refused('spec.network.flannel.subnetLen')),
  specCase(
    'c12',
    'networks',
    'a flannel subnetLen no longer than its network',
    (s) => (s.network.flannel = { network: '10.99.0.0/24', subnetLen: 24 }),
    invalid('spec.network.flannel.subnetLen'),
  ),
  specCase(
    'c13',
    'networks',
    'a /31 flannel network with /30 host subnets',
    (s) => (s.network.flannel = { network: '10.99.0.0/31', subnetLen: 30 }),
    invalid('spec.network.flannel.subnetLen: must be longer than the flannel network'),
  ),
  specCase(
    'c15',
    'networks',
    'the victim’s flannel network',
    (s, { victim }) => (s.network.flannel = { network: victim.network }),
    taken('NetworkTaken', 'overlaps'),
  ),
  specCase(
    'c16',
    'networks',
    'a flannel network containing the victim’s',
    (s) => (s.network.flannel = { network: '10.64.0.0/16' }),
    taken('NetworkTaken', 'spec.network.flannel.network 10.64.0.0/16 overlaps'),
  ),
  specCase(
    'c17',
    'networks',
    'the victim’s VNI',
    (s, { victim }) => (s.network.flannel = { vni: victim.vni }),
    taken('VniTaken', 'is held by another Cluster'),
  ),
  specCase(
    'c18',
    'networks',
    'a VNI sharing the victim’s launcher health port',
    (s, { victim }) => (s.network.flannel = { vni: (victim.vni ?? 0) + 20_000 }),
    taken('VniTaken', 'would share launcher health port'),
  ),
  specCase('c19', 'networks', 'the victim’s network: the refusal names no other tenant', (s, { victim }) => (s.network.flannel = { network: victim.network }), {
    ...taken('NetworkTaken', 'overlaps'),
    notInMessage: ['victim/'],
  }),
  specCase(
    'c14',
    'networks',
    'a /29 flannel network for 5 nodes',
    (s) => ((s.network.flannel = { network: '10.99.0.0/29' }), (s.workers[0].replicas = 4)),
    invalid('holds 2 /30 host subnets, fewer than the cluster'),
  ),

  // replicas and sizes
  specCase('r1', 'replicas and sizes', '0 masters', (s) => (s.masters.replicas = 0), refused('spec.masters.replicas')),
  specCase('r2', 'replicas and sizes', '2 masters', (s) => (s.masters.replicas = 2), refused('spec.masters.replicas')),
  specCase('r3', 'replicas and sizes', '4 masters', (s) => (s.masters.replicas = 4), refused('spec.masters.replicas')),
  specCase('r4', 'replicas and sizes', '-1 masters', (s) => (s.masters.replicas = -1), refused('spec.masters.replicas')),
  specCase('r5', 'replicas and sizes', 'a pool of -1 workers', pool({ replicas: -1 }), refused('spec.workers[0].replicas')),
  specCase('r6', 'replicas and sizes', 'a pool of 501 workers', pool({ replicas: 501 }), refused('spec.workers[0].replicas')),
  specCase('r7', 'replicas and sizes', '1.5 masters', (s) => (s.masters.replicas = 1.5), refused('spec.masters.replicas')),
  specCase(
    's1',
    'replicas and sizes',
    'a master memory below the KVM minimum',
    (s) => (s.masters.memory = '512Mi'),
    invalid('spec.masters.memory: must be at least 1Gi for a VM on KVM (got 512Mi)'),
  ),
  specCase(
    's2',
    'replicas and sizes',
    'a worker disk below the KVM minimum',
    pool({ disk: '5Gi' }),
    invalid('spec.workers[0].disk: must be at least 10Gi for a VM root disk on KVM (got 5Gi)'),
  ),
  specCase('s3', 'replicas and sizes', 'a memory of 0', (s) => (s.masters.memory = '0'), invalid('spec.masters.memory: must be greater than zero')),
  specCase('s4', 'replicas and sizes', 'a negative disk', pool({ disk: '-20Gi' }), invalid('spec.workers[0].disk: must be greater than zero')),
  specCase('s5', 'replicas and sizes', 'a memory in GB', (s) => (s.masters.memory = '4GB'), refused('spec.masters.memory')),
  specCase('s6', 'replicas and sizes', '0 CPUs', (s) => (s.masters.cpus = 0), refused('spec.masters.cpus')),
  specCase('s7', 'replicas and sizes', '257 CPUs', (s) => (s.masters.cpus = 257), refused('spec.masters.cpus')),
  specCase('s8', 'replicas and sizes', 'CPUs as a string', (s) => (s.masters.cpus = '2'), refused('spec.masters.cpus')),
  specCase(
    's9',
    'replicas and sizes',
    'an absurd memory (1Pi) no host has',
    (s) => (s.masters.memory = '1Pi'),
    invalid('spec.masters.memory: must be at most 16Ti'),
  ),
  specCase('s10', 'replicas and sizes', 'a memory of 1e30 bytes (a valid quantity)', (s) => (s.masters.memory = '1e30'), invalid('spec.masters.memory')),

  // lifetimes
  specCase(
    't1',
    'lifetimes and roles',
    '100-year certificates on a 10-year CA',
    (s) => (s.certificates = { ttl: '876000h' }),
    refused('spec.certificates', 'ttl must be shorter than caTTL'),
  ),
  specCase('t2', 'lifetimes and roles', 'a negative certificate TTL', (s) => (s.certificates = { ttl: '-72h' }), refused('spec.certificates.ttl')),
  specCase(
    't3',
    'lifetimes and roles',
    'renewBefore longer than the TTL',
    (s) => (s.certificates = { ttl: '72h', renewBefore: '100h' }),
    refused('spec.certificates', 'renewBefore must be shorter than ttl'),
  ),
  specCase(
    't4',
    'lifetimes and roles',
    'a CA TTL of 0s',
    (s) => (s.certificates = { caTTL: '0s' }),
    refused('spec.certificates', 'ttl must be shorter than caTTL'),
  ),
  specCase('t5', 'lifetimes and roles', 'a TTL in words', (s) => (s.certificates = { ttl: '3 days' }), refused('spec.certificates.ttl')),

  // providers
  // the SDK's client writes with fieldValidation=Strict, as kubectl does: an unknown field is refused, not pruned
  specCase(
    'o1',
    'providers',
    'both providers (the host knows only kvm), sent as the SDK sends',
    (s) => (s.provider.aws = { region: 'eu-west-1' }),
    refused('spec.provider.aws', 'unknown field', 400),
  ),
  {
    id: 'o2',
    what: 'both providers, sent as kubectl sends (fieldValidation=Strict)',
    category: 'providers',
    world: 'kvm',
    send: async ({ tenant }) => void (await tenant.createStrict(kvmCluster(BAD, (s) => (s.provider.aws = { region: 'eu-west-1' })) as never)),
    expect: refused('spec.provider.aws', 'unknown field', 400),
  },
  specCase('o3', 'providers', 'no provider', (s) => (s.provider = {}), refused('spec.provider', 'exactly one provider must be set')),
  specCase('o4', 'providers', 'an unknown provider only', (s) => (s.provider = { gcp: { project: 'x' } }), refused('spec.provider.gcp', 'unknown field', 400)),
  {
    id: 'o5',
    what: 'an unknown spec field, sent as kubectl sends (fieldValidation=Strict)',
    category: 'providers',
    world: 'kvm',
    send: async ({ tenant }) => void (await tenant.createStrict(kvmCluster(BAD, (s) => (s.master = { replicas: 1 })) as never)),
    expect: refused('spec.master', 'unknown field', 400),
  },
  specCase('o6', 'providers', 'paused as a string', (s) => (s.paused = 'yes'), refused('spec.paused')),

  // the KVM provider: what reaches the host
  specCase(
    'k1',
    'host access',
    'a launcher image that is no image reference',
    kvm({ launcher: { image: 'Not An Image!' } }),
    refused('spec.provider.kvm.launcher.image'),
  ),
  specCase(
    'k2',
    'host access',
    'a relative guest image path',
    kvm({ guestImage: { disk: 'images/flatcar.img' } }),
    refused('spec.provider.kvm.guestImage.disk'),
  ),
  specCase(
    'k3',
    'host access',
    'a guest disk and kernel together',
    kvm({ guestImage: { disk: '/images/a.img', kernel: '/images/k', initrd: '/images/i' } }),
    refused('spec.provider.kvm.guestImage', 'set either disk, or kernel and initrd together'),
  ),
  specCase('k4', 'host access', 'an etcd storage type nfs', kvm({ etcdStorage: { type: 'nfs' } }), refused('spec.provider.kvm.etcdStorage.type')),
  specCase(
    'k5',
    'host access',
    'persistentVolume etcd storage without a size',
    kvm({ etcdStorage: { type: 'persistentVolume' } }),
    refused('spec.provider.kvm.etcdStorage', 'type persistentVolume needs persistentVolume.size'),
  ),
  specCase(
    'k6',
    'host access',
    'a port mapping of port 70000',
    kvm({ portMappings: [{ name: 'ssh', port: 70000 }] }),
    refused('spec.provider.kvm.portMappings[0].port'),
  ),
  specCase(
    'k7',
    'host access',
    'two port mappings of one name',
    kvm({
      portMappings: [
        { name: 'ssh', port: 22 },
        { name: 'ssh', port: 2222 },
      ],
    }),
    refused('spec.provider.kvm.portMappings[1]', 'Duplicate value'),
  ),
  specCase('k8', 'host access', 'an ingress class that is no DNS name', kvm({ ingressClassName: 'Not_Valid' }), refused('spec.provider.kvm.ingressClassName')),
  specCase(
    'k9',
    'host access',
    'a guest image URL with a space',
    kvm({ guestImage: { disk: 'https://x.example.com/a b.img' } }),
    refused('spec.provider.kvm.guestImage.disk'),
  ),
  specCase(
    'k10',
    'host access',
    'a nodeSelector value with a newline',
    kvm({ nodeSelector: { 'kubeception.io/vm-host': 'true\nx' } }),
    refused('spec.provider.kvm.nodeSelector'),
  ),
  specCase(
    'k14',
    'host access',
    'a nodeSelector key with a space',
    kvm({ nodeSelector: { 'vm host': 'true' } }),
    refused('spec.provider.kvm.nodeSelector', keyCel),
  ),
  // the operator's host policy: reported before the Cluster gets anything (no PKI, no VM pods)
  specCase(
    'k11',
    'host access',
    'a launcher image of the tenant’s choosing (runs privileged on the hosts)',
    kvm({ launcher: { image: 'evil.example.com/rootkit:1' } }),
    {
      outcome: 'reported',
      kind: 'Cluster',
      name: BAD,
      reason: 'LauncherImageNotAllowed',
      message: 'evil.example.com/rootkit:1 is not an image this operator runs',
    },
    {
      also: async ({ tenant }) => expect(await tenant.get('CertificateAuthority', BAD), 'no PKI for a refused Cluster').toBeUndefined(),
    },
  ),
  specCase(
    'k12',
    'host access',
    'an image cache path of / (the host’s root into a privileged pod)',
    kvm({ guestImage: { disk: DEFAULT_GUEST_DISK, cachePath: '/' } }),
    {
      outcome: 'reported',
      kind: 'Cluster',
      name: BAD,
      reason: 'HostPathNotAllowed',
      message: 'spec.provider.kvm.guestImage.cachePath: / is not under a host directory this operator allows',
    },
    {
      also: async ({ tenant }) => expect(await tenant.get('CertificateAuthority', BAD), 'no PKI for a refused Cluster').toBeUndefined(),
    },
  ),
  specCase(
    'k13',
    'host access',
    'an etcd host path escaping the allowed root with ..',
    kvm({ etcdStorage: { type: 'hostPath', hostPath: { path: '/var/lib/kubeception/../../../etc' } } }),
    { outcome: 'reported', kind: 'Cluster', name: BAD, reason: 'HostPathNotAllowed', message: 'spec.provider.kvm.etcdStorage.hostPath.path' },
  ),
];

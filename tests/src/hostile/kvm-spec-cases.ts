/**
 * Hostile KVM Cluster specs (internal): each case creates one Cluster `bad` (or a Cluster named
 * by the case) in its own namespace, bent by one edit. Refused by the CRD schema (its patterns,
 * bounds and CEL rules) where the API server can; reported by the operator otherwise.
 */
import { DEFAULT_GUEST_DISK } from '@kubeception/driver-kvm';
import { expect } from 'vitest';
import { BAD, invalid, refused, reported, unknownField } from './hostile-expect.js';
import { kvm, kvmCluster, manyLabels, poolLabels, set, type Edit, type Json } from './hostile-objects.js';
import type { CaseContext, Category, Expectation, HostileCase, VictimFacts } from './hostile-support.js';

/** What a spec case may add: the Cluster's name and metadata; `strict`: sent as kubectl sends it (`fieldValidation=Strict`). */
type SpecExtra = Partial<HostileCase> & { readonly name?: string; readonly metadata?: Json; readonly strict?: true };

/** A case creating one KVM Cluster `name` (default `bad`), its spec bent by `edit`. */
export function specCase(
  id: string,
  category: Category,
  what: string,
  edit: (spec: Json, ctx: CaseContext) => void,
  expected: Expectation,
  extra: SpecExtra = {},
): HostileCase {
  const { name = BAD, metadata = {}, strict, ...rest } = extra;
  const send: HostileCase['send'] = async (ctx) => {
    const cluster = kvmCluster(name, (spec) => edit(spec, ctx), metadata);
    await (strict ? ctx.tenant.createStrict(cluster as never) : ctx.tenant.create(cluster as never));
  };
  return { id, what, category, world: 'kvm', send, expect: expected, ...rest };
}

/** Cases of one category: `[id, what, edit, expectation, extra]`. */
type Row = readonly [id: string, what: string, edit: (spec: Json, ctx: CaseContext) => void, expected: Expectation, extra?: SpecExtra];
const cases = (category: Category, rows: readonly Row[]) =>
  rows.map(([id, what, edit, expected, extra]) => specCase(id, category, what, edit, expected, extra));

/** Cases setting one field under `spec`, refused naming it: `[id, what, field, value, a part of the message, code]`. */
type RefusedRow = readonly [id: string, what: string, field: string, value: unknown, message?: string, code?: number];
const refusedAt = (category: Category, rows: readonly RefusedRow[]) =>
  rows.map(([id, what, field, value, message, code]) => specCase(id, category, what, set(field, value), refused(`spec.${field}`, message, code)));

/** Cases setting one field under `spec`, reported `InvalidSpec` naming it: `[id, what, field, value, the rest of the message]`. */
type InvalidRow = readonly [id: string, what: string, field: string, value: unknown, rest?: string];
const invalidAt = (category: Category, rows: readonly InvalidRow[]) =>
  rows.map(([id, what, field, value, rest = '']) => specCase(id, category, what, set(field, value), invalid(`spec.${field}${rest}`)));

/** Pool labels refused at their field: `[id, what, labels, a part of the message]`. */
const labelCases = (rows: readonly (readonly [id: string, what: string, labels: Record<string, string>, message?: string])[]) =>
  rows.map(([id, what, labels, message]) => specCase(id, 'names and labels', what, poolLabels(labels), refused('spec.workers[0].labels', message)));

/** The Cluster `bad` reports `Ready=False` with `reason` (the driver's preflight, the operator's host policy). */
const reports = (reason: string, message: string) => reported('Cluster', BAD, reason, message);
/** An edit setting the flannel network from the victim's facts. */
const victims =
  (flannel: (victim: VictimFacts) => Json) =>
  (spec: Json, { victim }: CaseContext) =>
    (spec.network.flannel = flannel(victim));
const noPki = async ({ tenant }: CaseContext) => expect(await tenant.get('CertificateAuthority', BAD), 'no PKI for a refused Cluster').toBeUndefined();
const keyCel = 'label keys must be an optional DNS subdomain prefix';
const labelValue = 'a valid label must be an empty string or consist of alphanumeric characters';
const asIs: Edit = () => undefined;

export const KVM_SPEC_CASES: readonly HostileCase[] = [
  ...cases('names and labels', [
    ['n1', 'a Cluster name with upper case', asIs, refused('metadata.name'), { name: 'Demo' }],
    ['n2', 'a Cluster name of 41 characters', asIs, refused('', 'cluster name must be at most 40 characters'), { name: 'a'.repeat(41) }],
    ['n3', 'a Cluster name with dots (a subdomain, not a label)', asIs, refused('', 'cluster name must be a DNS-1123 label'), { name: 'a.b' }],
    ['n4', 'a Cluster name of 254 characters', asIs, refused('metadata.name'), { name: 'a'.repeat(254) }],
    ['n5', 'a Cluster label value with a newline', asIs, refused('metadata.labels', labelValue), { metadata: { labels: { team: 'a\nb' } } }],
    [
      'n6',
      'a Cluster label key with a space',
      asIs,
      refused('metadata.labels', 'name part must consist of alphanumeric characters'),
      { metadata: { labels: { 'bad key': 'v' } } },
    ],
    ['n7', 'a Cluster annotation key with $()', asIs, refused('metadata.annotations'), { metadata: { annotations: { '$(reboot)': 'v' } } }],
  ]),
  ...labelCases([
    ['l1', 'a pool label value with a newline (a systemd line)', { workload: 'batch\nExecStartPre=/bin/sh' }],
    ['l2', 'a pool label value with double quotes', { workload: '"x"' }],
    ['l3', 'a pool label value with $() command substitution', { workload: '$(reboot)' }],
    ['l4', 'a pool label value with backticks', { workload: '`reboot`' }],
    ['l5', 'a pool label value with %', { workload: '100%' }],
    ['l6', 'a pool label value with a backslash', { workload: 'a\\nb' }],
    ['l7', 'a pool label value with NUL', { workload: 'a\u0000b' }],
    ['l8', 'a pool label value of 64 characters', { workload: 'v'.repeat(64) }],
    ['l9', '65 labels on a pool', manyLabels(65), 'Too many'],
    ['l10', 'a pool label key with a space', { 'bad key': 'v' }, keyCel],
    ['l11', 'a pool label key with two slashes', { 'a/b/c': 'v' }, keyCel],
    ['l12', 'a pool label key with an upper-case prefix', { 'Example.com/x': 'v' }, keyCel],
    ['l13', 'a pool label key with a 64-character name', { ['k'.repeat(64)]: 'v' }, keyCel],
    ['l14', 'a pool label key with a newline', { 'a\nb': 'v' }, keyCel],
    ['l15', 'an empty pool label key', { '': 'v' }, keyCel],
    ['l16', 'a pool label key with $()', { '$(id)': 'v' }, keyCel],
  ]),

  ...refusedAt('pools, versions, domains', [
    ['p1', 'a pool name with upper case and _', 'workers[0].name', 'Pool_A'],
    ['p2', 'a pool name of 16 characters', 'workers[0].name', 'p'.repeat(16)],
    ['p3', 'a pool name starting with -', 'workers[0].name', '-pool'],
    ['v1', 'an unsupported Kubernetes version', 'kubernetes.version', '1.20.0'],
    ['v2', 'a version with a leading v', 'kubernetes.version', 'v1.33.1'],
    ['v3', 'a version with a trailing newline', 'kubernetes.version', '1.33.1\n'],
    ['v4', 'an ingress version "latest"', 'ingress.version', 'latest'],
    ['d1', 'an API domain with upper case', 'kubernetes.api.domain', 'API.bad.example.com'],
    ['d2', 'an API domain with an empty label', 'kubernetes.api.domain', 'api..bad.example.com'],
    ['d3', 'a wildcard API domain', 'kubernetes.api.domain', '*.example.com'],
    ['d4', 'an API domain with a newline', 'kubernetes.api.domain', 'api.bad.example.com\nevil.com'],
    ['d6', 'an ingress domain of 254 characters', 'ingress.domain', `${'a'.repeat(63)}.`.repeat(3) + 'a'.repeat(62)],
    ['d7', 'a cluster domain with a shell command', 'kubernetes.dns.clusterDomain', 'cluster.local;reboot'],
    ['d8', 'an API port of 70000', 'kubernetes.api.securePort', 70000],
  ]),
  ...cases('pools, versions, domains', [
    ['p4', 'two pools of one name', (s) => s.workers.push({ ...s.workers[0] }), refused('spec.workers[1]', 'Duplicate value')],
    ['d5', 'no ingress domain', (s) => delete s.ingress.domain, refused('spec.ingress.domain', 'Required')],
  ]),

  ...invalidAt('networks', [
    ['c1', 'a pod CIDR that is no address', 'network.podCIDR', '10.300.0.0/16'],
    ['c2', 'a pod CIDR with host bits set', 'network.podCIDR', '10.2.0.1/16', ': must be a network address'],
    ['c3', 'a pod CIDR /33', 'network.podCIDR', '10.2.0.0/33'],
    ['c6', 'a flannel network overlapping the pod network', 'network.flannel.network', '10.2.64.0/18', ': 10.2.64.0/18 overlaps spec.network.podCIDR'],
    [
      'c7',
      'a flannel network overlapping the service network',
      'network.flannel.network',
      '172.31.0.0/24',
      ': 172.31.0.0/24 overlaps spec.kubernetes.api.serviceCIDR',
    ],
  ]),
  ...refusedAt('networks', [
    ['c4', 'an IPv6 pod CIDR', 'network.podCIDR', 'fd00::/64'],
    ['c8', 'a flannel VNI of 0', 'network.flannel.vni', 0],
    ['c9', 'a flannel VNI of 2^24', 'network.flannel.vni', 16_777_216],
    ['c10', 'a flannel subnetLen of 31', 'network.flannel.subnetLen', 31],
    ['c11', 'a flannel subnetLen of 7', 'network.flannel.subnetLen', 7],
  ]),
  ...cases('networks', [
    [
      'c5',
      'pod and service networks overlapping',
      set('network.podCIDR', '172.31.128.0/17'),
      invalid('spec.kubernetes.api.serviceCIDR: 172.31.0.0/16 overlaps spec.network.podCIDR'),
    ],
    [
      'c12',
      'a flannel subnetLen no longer than its network',
      set('network.flannel', { network: '10.99.0.0/24', subnetLen: 24 }),
      invalid('spec.network.flannel.subnetLen'),
    ],
    [
      'c13',
      'a /31 flannel network with /30 host subnets',
      set('network.flannel', { network: '10.99.0.0/31', subnetLen: 30 }),
      invalid('spec.network.flannel.subnetLen: must be longer than the flannel network'),
    ],
    ['c15', 'the victim’s flannel network', victims((v) => ({ network: v.network })), reports('NetworkTaken', 'overlaps')],
    [
      'c16',
      'a flannel network containing the victim’s',
      set('network.flannel.network', '10.64.0.0/16'),
      reports('NetworkTaken', 'spec.network.flannel.network 10.64.0.0/16 overlaps'),
    ],
    ['c17', 'the victim’s VNI', victims((v) => ({ vni: v.vni })), reports('VniTaken', 'is held by another Cluster')],
    [
      'c18',
      'a VNI sharing the victim’s launcher health port',
      victims((v) => ({ vni: (v.vni ?? 0) + 20_000 })),
      reports('VniTaken', 'would share launcher health port'),
    ],
    [
      'c19',
      'the victim’s network: the refusal names no other tenant',
      victims((v) => ({ network: v.network })),
      { ...reports('NetworkTaken', 'overlaps'), notInMessage: ['victim/'] },
    ],
    [
      'c14',
      'a /29 flannel network for 5 nodes',
      (s) => ((s.network.flannel = { network: '10.99.0.0/29' }), (s.workers[0].replicas = 4)),
      invalid('holds 2 /30 host subnets, fewer than the cluster'),
    ],
  ]),

  ...refusedAt('replicas and sizes', [
    ['r1', '0 masters', 'masters.replicas', 0],
    ['r2', '2 masters', 'masters.replicas', 2],
    ['r3', '4 masters', 'masters.replicas', 4],
    ['r4', '-1 masters', 'masters.replicas', -1],
    ['r5', 'a pool of -1 workers', 'workers[0].replicas', -1],
    ['r6', 'a pool of 501 workers', 'workers[0].replicas', 501],
    ['r7', '1.5 masters', 'masters.replicas', 1.5],
    ['s5', 'a memory in GB', 'masters.memory', '4GB'],
    ['s6', '0 CPUs', 'masters.cpus', 0],
    ['s7', '257 CPUs', 'masters.cpus', 257],
    ['s8', 'CPUs as a string', 'masters.cpus', '2'],
  ]),
  ...invalidAt('replicas and sizes', [
    ['s1', 'a master memory below the KVM minimum', 'masters.memory', '512Mi', ': must be at least 1Gi for a VM on KVM (got 512Mi)'],
    ['s2', 'a worker disk below the KVM minimum', 'workers[0].disk', '5Gi', ': must be at least 10Gi for a VM root disk on KVM (got 5Gi)'],
    ['s3', 'a memory of 0', 'masters.memory', '0', ': must be greater than zero'],
    ['s4', 'a negative disk', 'workers[0].disk', '-20Gi', ': must be greater than zero'],
    ['s9', 'an absurd memory (1Pi) no host has', 'masters.memory', '1Pi', ': must be at most 16Ti'],
    ['s10', 'a memory of 1e30 bytes (a valid quantity)', 'masters.memory', '1e30'],
  ]),

  ...cases('lifetimes and roles', [
    ['t1', '100-year certificates on a 10-year CA', set('certificates', { ttl: '876000h' }), refused('spec.certificates', 'ttl must be shorter than caTTL')],
    [
      't3',
      'renewBefore longer than the TTL',
      set('certificates', { ttl: '72h', renewBefore: '100h' }),
      refused('spec.certificates', 'renewBefore must be shorter than ttl'),
    ],
    ['t4', 'a CA TTL of 0s', set('certificates', { caTTL: '0s' }), refused('spec.certificates', 'ttl must be shorter than caTTL')],
  ]),
  ...refusedAt('lifetimes and roles', [
    ['t2', 'a negative certificate TTL', 'certificates.ttl', '-72h'],
    ['t5', 'a TTL in words', 'certificates.ttl', '3 days'],
  ]),

  // the SDK's client writes with fieldValidation=Strict, as kubectl does: an unknown field is refused, not pruned
  ...refusedAt('providers', [
    ['o1', 'both providers (the host knows only kvm), sent as the SDK sends', 'provider.aws', { region: 'eu-west-1' }, 'unknown field', 400],
    ['o6', 'paused as a string', 'paused', 'yes'],
  ]),
  ...cases('providers', [
    [
      'o2',
      'both providers, sent as kubectl sends (fieldValidation=Strict)',
      set('provider.aws', { region: 'eu-west-1' }),
      unknownField('spec.provider.aws'),
      { strict: true },
    ],
    ['o3', 'no provider', set('provider', {}), refused('spec.provider', 'exactly one provider must be set')],
    ['o4', 'an unknown provider only', set('provider', { gcp: { project: 'x' } }), unknownField('spec.provider.gcp')],
    [
      'o5',
      'an unknown spec field, sent as kubectl sends (fieldValidation=Strict)',
      set('master', { replicas: 1 }),
      unknownField('spec.master'),
      { strict: true },
    ],
  ]),

  // the KVM provider: what reaches the host
  ...refusedAt('host access', [
    ['k1', 'a launcher image that is no image reference', 'provider.kvm.launcher.image', 'Not An Image!'],
    ['k2', 'a relative guest image path', 'provider.kvm.guestImage.disk', 'images/flatcar.img'],
    ['k4', 'an etcd storage type nfs', 'provider.kvm.etcdStorage.type', 'nfs'],
    ['k8', 'an ingress class that is no DNS name', 'provider.kvm.ingressClassName', 'Not_Valid'],
    ['k9', 'a guest image URL with a space', 'provider.kvm.guestImage.disk', 'https://x.example.com/a b.img'],
    ['k10', 'a nodeSelector value with a newline', 'provider.kvm.nodeSelector', { 'kubeception.io/vm-host': 'true\nx' }],
    ['k14', 'a nodeSelector key with a space', 'provider.kvm.nodeSelector', { 'vm host': 'true' }, keyCel],
  ]),
  ...cases('host access', [
    [
      'k3',
      'a guest disk and kernel together',
      kvm({ guestImage: { disk: '/images/a.img', kernel: '/images/k', initrd: '/images/i' } }),
      refused('spec.provider.kvm.guestImage', 'set either disk, or kernel and initrd together'),
    ],
    [
      'k5',
      'persistentVolume etcd storage without a size',
      kvm({ etcdStorage: { type: 'persistentVolume' } }),
      refused('spec.provider.kvm.etcdStorage', 'type persistentVolume needs persistentVolume.size'),
    ],
    ['k6', 'a port mapping of port 70000', kvm({ portMappings: [{ name: 'ssh', port: 70000 }] }), refused('spec.provider.kvm.portMappings[0].port')],
    [
      'k7',
      'two port mappings of one name',
      kvm({
        portMappings: [
          { name: 'ssh', port: 22 },
          { name: 'ssh', port: 2222 },
        ],
      }),
      refused('spec.provider.kvm.portMappings[1]', 'Duplicate value'),
    ],
    // the operator's host policy: reported before the Cluster gets anything (no PKI, no VM pods)
    [
      'k11',
      'a launcher image of the tenant’s choosing (runs privileged on the hosts)',
      kvm({ launcher: { image: 'evil.example.com/rootkit:1' } }),
      reports('LauncherImageNotAllowed', 'evil.example.com/rootkit:1 is not an image this operator runs'),
      { also: noPki },
    ],
    [
      'k12',
      'an image cache path of / (the host’s root into a privileged pod)',
      kvm({ guestImage: { disk: DEFAULT_GUEST_DISK, cachePath: '/' } }),
      reports('HostPathNotAllowed', 'spec.provider.kvm.guestImage.cachePath: / is not under a host directory this operator allows'),
      { also: noPki },
    ],
    [
      'k13',
      'an etcd host path escaping the allowed root with ..',
      kvm({ etcdStorage: { type: 'hostPath', hostPath: { path: '/var/lib/kubeception/../../../etc' } } }),
      reports('HostPathNotAllowed', 'spec.provider.kvm.etcdStorage.hostPath.path'),
    ],
  ]),
];

/**
 * Hostile PKI objects in the KVM world (internal): same names as the victim's, references to
 * another namespace's or to missing Clusters and CAs, Secrets that are not the Certificate's,
 * lifetimes and roles, and Clusters whose PKI names are taken. Certificates that need a Ready CA
 * use the fixture tenant's (`mallory/own`).
 */
import { ClusterResource, clusterId } from '@kubeception/sdk';
import { NamespaceResource, SecretResource, type FieldValidation } from '@kubeception/sdk/kube';
import { expect } from 'vitest';
import { refused, reported, unknownField } from './hostile-expect.js';
import { certificate, certificateAuthority, kvmCluster, type Json } from './hostile-objects.js';
import {
  baitSecret,
  exists,
  fail,
  until,
  value,
  type CaseContext,
  type Category,
  type Expectation,
  type HostileCase,
  type Reported,
} from './hostile-support.js';
import { FIXTURE } from './kvm-hostile.js';

const OWN = { name: FIXTURE.cluster };
/** What a Certificate or a CertificateAuthority reports. */
const cert = (name: Reported['name'], reason: string, message: string, extra: Partial<Reported> = {}) => reported('Certificate', name, reason, message, extra);
const ca = (name: string, reason: string, message: string) => reported('CertificateAuthority', name, reason, message);

/**
 * What a PKI case may add: `fixture`, sent in the fixture tenant's namespace; `fieldValidation`, as
 * the SDK client sends it; `strict`, sent as kubectl sends it (client-node, `fieldValidation=Strict`).
 */
type PkiExtra = Partial<HostileCase> & { readonly fixture?: boolean; readonly fieldValidation?: FieldValidation; readonly strict?: true };

/** A case creating `objects` in order (in its own namespace, or the fixture tenant's with `fixture`). */
function pkiCase(
  id: string,
  category: Category,
  what: string,
  objects: Json[] | ((ctx: CaseContext) => Json[]),
  expected: Expectation,
  extra: PkiExtra = {},
): HostileCase {
  const { fixture, fieldValidation, strict, ...rest } = extra;
  const send: HostileCase['send'] = async (ctx) => {
    for (const object of typeof objects === 'function' ? objects(ctx) : objects)
      await (strict ? ctx.tenant.createStrict(object as never) : ctx.tenant.create(object as never, fieldValidation));
  };
  return { id, what, category, world: 'kvm', ...(fixture ? { namespace: FIXTURE.namespace } : {}), send, expect: expected, ...rest };
}

/** Cases of one category: `[id, what, objects, expectation, extra]`. */
type Row = readonly [id: string, what: string, objects: Json[] | ((ctx: CaseContext) => Json[]), expected: Expectation, extra?: PkiExtra];
const cases = (category: Category, rows: readonly Row[]) =>
  rows.map(([id, what, objects, expected, extra]) => pkiCase(id, category, what, objects, expected, extra));

/** Certificates named by their case, issued from the fixture tenant's own CA: `[id, what, spec, expectation, extra]`. */
const ownCertificates = (category: Category, rows: readonly (readonly [id: string, what: string, spec: Json, expected: Expectation, extra?: PkiExtra])[]) =>
  rows.map(([id, what, spec, expected, extra]) => pkiCase(id, category, what, [certificate(id, OWN, spec)], expected, { fixture: true, ...extra }));

/** CertificateAuthorities named by their case, for a Cluster `ghost` that does not exist: `[id, what, spec, expectation]`. */
const ghostAuthorities = (rows: readonly (readonly [id: string, what: string, spec: Json, expected: Expectation])[]) =>
  rows.map(([id, what, spec, expected]) => pkiCase(id, 'lifetimes and roles', what, [certificateAuthority(id, { name: 'ghost' }, spec)], expected));

/** A Certificate `id` of the fixture tenant writing into its Secret `bait` (made first, and left as it was). */
const intoBait = (id: string, what: string, bait: ReturnType<typeof baitSecret>, message: string) => {
  const name = bait.metadata?.name ?? '';
  return pkiCase(id, 'secretName', what, [bait, certificate(id, OWN, { secretName: name })], cert(id, 'SecretConflict', message), {
    fixture: true,
    bait: [name],
  });
};

/** A CertificateAuthority `name` for a Cluster `name` that is not in the case's namespace. */
const withoutCluster = (id: string, category: Category, what: string, name: string) =>
  pkiCase(id, category, what, [certificateAuthority(name, { name })], ca(name, 'ClusterNotFound', `Cluster ${name} not found in namespace h-${id}`));

/** Waits until the tenant's `kind/name` has `Ready=True` (a step of a case that builds on it). */
async function readyFirst(ctx: CaseContext, kind: 'Cluster' | 'Certificate', name: string): Promise<void> {
  await until(
    () => ctx.tenant.get(kind, name),
    (o) => o?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true,
    30_000,
  );
}

/** No Secret of that name in the tenant's namespace. */
const noSecret =
  (name: string) =>
  async ({ admin, tenant }: CaseContext) =>
    expect(await exists(admin.resource(SecretResource).get(name, { namespace: tenant.namespace })), `Secret ${name}`).toBe(false);

const victimApi = 'api.demo.k8s.example.com';
const rogueAdmin = {
  roles: [{ name: 'admin', allowedDomains: [victimApi], allowBareDomains: true, organizations: ['system:masters'] }],
  allowedDomains: [victimApi],
};
const notOwned = 'not owned by a Certificate';
const rogueRef = { name: 'demo', namespace: 'victim' };

export const KVM_PKI_CASES: readonly HostileCase[] = [
  // same names as the victim's, in another namespace
  {
    id: 'a1',
    what: 'a Cluster named like the victim’s (demo)',
    category: 'same names',
    world: 'kvm',
    send: async ({ tenant }) => void (await tenant.create(kvmCluster('demo') as never)),
    expect: { outcome: 'accepted', kind: 'Cluster', name: 'demo' },
    also: async ({ admin, tenant, victim }) => {
      const authority = await tenant.get('CertificateAuthority', 'demo');
      expect(authority?.status?.mountPath).toBe(`pki-${clusterId({ namespace: tenant.namespace, name: 'demo' })}`);
      expect(authority?.status?.mountPath).not.toBe(`pki-${victim.id}`);
      const host = await admin
        .resource(NamespaceResource)
        .get(clusterId({ namespace: tenant.namespace, name: 'demo' }))
        .match(value, fail);
      expect(host.metadata.annotations?.['kvm.kubeception.io/cluster']).toBe(`${tenant.namespace}/demo`);
    },
  },
  {
    id: 'a2',
    what: 'a Cluster named like the victim’s cluster ID',
    category: 'same names',
    world: 'kvm',
    send: async ({ tenant, victim }) => void (await tenant.create(kvmCluster(victim.id) as never)),
    expect: { outcome: 'accepted', kind: 'Cluster', name: clusterId({ namespace: 'victim', name: 'demo' }) },
    also: async ({ admin, tenant, victim }) =>
      expect(await exists(admin.resource(NamespaceResource).get(clusterId({ namespace: tenant.namespace, name: victim.id })))).toBe(true),
  },
  withoutCluster('a3', 'same names', 'a CertificateAuthority demo without a Cluster demo in its namespace', 'demo'),
  ...cases('same names', [
    [
      'a4',
      'a Certificate demo-admin (system:masters) without a CA',
      [certificate('demo-admin', { name: 'demo' }, { component: 'admin', role: 'admin', commonName: 'admin', organizations: ['system:masters'] })],
      cert('demo-admin', 'AuthorityNotFound', 'a Certificate uses only the CertificateAuthority of its own namespace'),
      { also: noSecret('demo-admin') },
    ],
    [
      'a5',
      'a Certificate demo-api for the victim’s API domain without a CA',
      [certificate('demo-api', { name: 'demo' }, { component: 'api', role: 'api', commonName: victimApi, dnsNames: [victimApi] })],
      cert('demo-api', 'AuthorityNotFound', 'no CertificateAuthority for cluster demo in namespace h-a5'),
      { also: noSecret('demo-api') },
    ],
  ]),

  // references to another namespace
  ...cases('cross-namespace references', [
    [
      'x1',
      'a CA for the victim’s Cluster name with a system:masters role for the victim’s API domain',
      [certificateAuthority('rogue', { name: 'demo' }, rogueAdmin)],
      ca('rogue', 'ClusterNotFound', 'nothing was created'),
    ],
    ['x2', 'a CA whose clusterRef is "victim/demo"', [certificateAuthority('rogue', { name: 'victim/demo' })], refused('spec.clusterRef.name')],
    ['x3', 'a Certificate whose clusterRef is "victim/demo"', [certificate('rogue', { name: 'victim/demo' })], refused('spec.clusterRef.name')],
    [
      'x4',
      'a CA whose clusterRef names the victim’s namespace, sent as client-go sends (fieldValidation=Warn: the field is pruned)',
      [certificateAuthority('rogue', rogueRef)],
      ca('rogue', 'ClusterNotFound', 'Cluster demo not found in namespace h-x4'),
      {
        fieldValidation: 'Warn',
        also: async ({ tenant }) => expect((await tenant.get('CertificateAuthority', 'rogue'))?.spec.clusterRef).toEqual({ name: 'demo' }),
      },
    ],
    [
      'x10',
      'a CA whose clusterRef names the victim’s namespace, sent as the SDK sends (fieldValidation=Strict)',
      [certificateAuthority('rogue', rogueRef)],
      unknownField('spec.clusterRef.namespace'),
    ],
    [
      'x5',
      'a CA whose clusterRef names the victim’s namespace, sent as kubectl sends (fieldValidation=Strict)',
      [certificateAuthority('rogue', rogueRef)],
      unknownField('spec.clusterRef.namespace'),
      { strict: true },
    ],
    [
      'x6',
      'a Certificate whose clusterRef names the victim’s namespace (fieldValidation=Warn: the field is pruned)',
      [certificate('rogue', rogueRef, { role: 'admin', organizations: ['system:masters'] })],
      cert('rogue', 'AuthorityNotFound', 'no CertificateAuthority for cluster demo'),
      { fieldValidation: 'Warn' },
    ],
    [
      'x8',
      'a Certificate whose clusterRef is the victim’s cluster ID',
      ({ victim }) => [certificate('rogue', { name: victim.id })],
      cert('rogue', 'AuthorityNotFound', 'no CertificateAuthority for cluster demo-'),
    ],
    [
      'x9',
      'a Certificate for demo where the namespace has a CA of another cluster',
      [certificate('x9', { name: 'demo' }, { role: 'admin' })],
      cert('x9', 'AuthorityNotFound', `no CertificateAuthority for cluster demo in namespace ${FIXTURE.namespace}`),
      { fixture: true },
    ],
  ]),
  ...ownCertificates('cross-namespace references', [
    ['x7', 'a Certificate whose secretName is "victim/demo-admin"', { secretName: 'victim/demo-admin' }, refused('spec.secretName')],
  ]),

  // missing references
  withoutCluster('m1', 'missing references', 'a CA for a Cluster that does not exist', 'ghost'),
  pkiCase(
    'm2',
    'missing references',
    'a Certificate for a Cluster without a CA',
    [certificate('ghost', { name: 'ghost' })],
    cert('ghost', 'AuthorityNotFound', 'no CertificateAuthority for cluster ghost'),
  ),
  ...ownCertificates('missing references', [['m3', 'a Certificate with a role its CA does not have', { role: 'nope' }, cert('m3', 'Invalid', 'nope')]]),

  // lifetimes and roles
  ...ownCertificates('lifetimes and roles', [
    [
      't6',
      'a 100-year Certificate on a 10-year CA',
      { ttl: '876000h' },
      cert('t6', 'InvalidSpec', "spec.ttl: 876000h is longer than the CA's validity", { notInMessage: ['rotate the CA'] }),
      { also: noSecret('t6') },
    ],
    ['t7', 'a Certificate with a negative TTL', { ttl: '-1h' }, refused('spec.ttl')],
    ['t8', 'a Certificate renewed before its whole TTL', { ttl: '72h', renewBefore: '100h' }, refused('spec', 'renewBefore must be shorter than ttl')],
    ['t9', 'a Certificate with a TTL of 0s', { ttl: '0s' }, cert('t9', 'InvalidSpec', 'spec.ttl: must be longer than zero')],
    [
      't10',
      'a worker Certificate asking for system:masters',
      { organizations: ['system:masters'] },
      cert('t10', 'RoleViolation', 'system:masters not allowed by role worker of CertificateAuthority own, which gives organizations system:nodes'),
      { also: noSecret('t10') },
    ],
    [
      't11',
      'a Certificate for the victim’s API domain from the tenant’s own CA',
      { commonName: victimApi, dnsNames: [victimApi] },
      cert('t11', 'RoleViolation', victimApi),
    ],
    ['t12', 'an IP SAN from a role that allows none', { ipAddresses: ['10.0.0.1'] }, cert('t12', 'RoleViolation', '10.0.0.1')],
    ['t13', 'an IP SAN that is no address', { ipAddresses: ['300.1.1.1'] }, cert('t13', 'InvalidSpec', 'spec.ipAddresses[0]: must be an IP address')],
  ]),
  ...ghostAuthorities([
    ['t14', 'a CA key type dsa', { keyType: 'dsa' }, refused('spec.keyType')],
    [
      't15',
      'two CA roles of one name',
      { roles: [{ name: 'admin' }, { name: 'admin', organizations: ['system:masters'] }] },
      refused('spec.roles[1]', 'Duplicate value'),
    ],
    [
      't16',
      'a CA role that outlives its CA',
      { roles: [{ name: 'api', allowSubdomains: true, maxTTL: '100000h' }] },
      ca('t16', 'InvalidSpec', "spec.roles[0].maxTTL: must not be longer than the CA's ttl"),
    ],
    [
      't17',
      'a CA role allowing subdomains of no domain',
      { allowedDomains: [], roles: [{ name: 'admin', allowSubdomains: true, organizations: ['system:masters'] }] },
      ca('t17', 'InvalidSpec', 'spec.roles[0].allowedDomains'),
    ],
    ['t18', 'a CA common name of 65 characters', { commonName: 'c'.repeat(65) }, refused('spec.commonName')],
    ['t19', 'a CA TTL of 100y', { ttl: '100y' }, refused('spec.ttl')],
  ]),
  pkiCase(
    't20',
    'lifetimes and roles',
    'a second CA for the tenant’s own Cluster, with a system:masters role',
    [certificateAuthority('t20', OWN, rogueAdmin)],
    ca('t20', 'MountConflict', `belongs to CertificateAuthority ${FIXTURE.namespace}/${FIXTURE.cluster}`),
    {
      fixture: true,
      also: async ({ vault }) => {
        const mount = `pki-${clusterId({ namespace: FIXTURE.namespace, name: FIXTURE.cluster })}`;
        expect(vault.state.roles(mount).sort(), 'the fixture’s mount keeps its own roles').toEqual(['admin', 'worker']);
      },
    },
  ),

  // Secrets that are not the Certificate's
  intoBait('sn1', 'a Certificate writing into an unrelated Opaque Secret', baitSecret('sn1-config', 'Opaque'), notOwned),
  intoBait(
    'sn2',
    'a Certificate writing into a docker config Secret',
    baitSecret('sn2-registry', 'kubernetes.io/dockerconfigjson'),
    'Secret sn2-registry already exists',
  ),
  intoBait(
    'sn3',
    'a Certificate writing into a TLS Secret labelled as a cluster’s',
    baitSecret('sn3-admin', 'kubernetes.io/tls', { labels: { 'kubeception.io/cluster': FIXTURE.cluster } }),
    notOwned,
  ),
  intoBait(
    'sn4',
    'a Certificate writing into a basic-auth Secret',
    baitSecret('sn4-login', 'kubernetes.io/basic-auth', { data: { username: 'YQ==', password: 'Yg==' } }),
    notOwned,
  ),
  {
    id: 'sn5',
    what: 'a Certificate writing into another Certificate’s Secret',
    category: 'secretName',
    world: 'kvm',
    namespace: FIXTURE.namespace,
    send: async (ctx) => {
      await ctx.tenant.create(certificate('sn5-first', OWN, { secretName: 'sn5-tls' }) as never);
      await readyFirst(ctx, 'Certificate', 'sn5-first');
      await ctx.tenant.create(certificate('sn5-second', OWN, { secretName: 'sn5-tls' }) as never);
    },
    expect: cert('sn5-second', 'SecretConflict', 'belongs to Certificate sn5-first'),
    also: async ({ admin, tenant }) =>
      expect(
        (await admin.resource(SecretResource).get('sn5-tls', { namespace: tenant.namespace }).match(value, fail)).metadata.ownerReferences?.map((r) => r.name),
      ).toEqual(['sn5-first']),
  },
  {
    id: 'sn6',
    what: 'two Certificates for one Secret, created at once',
    category: 'secretName',
    world: 'kvm',
    namespace: FIXTURE.namespace,
    send: async ({ tenant }) =>
      void (await Promise.all(['sn6-a', 'sn6-b'].map((name) => tenant.create(certificate(name, OWN, { secretName: 'sn6-tls' }) as never)))),
    expect: cert(['sn6-a', 'sn6-b'], 'SecretConflict', 'belongs to Certificate sn6-'),
    also: async ({ admin, tenant }) =>
      expect((await admin.resource(SecretResource).get('sn6-tls', { namespace: tenant.namespace }).match(value, fail)).metadata.ownerReferences).toHaveLength(
        1,
      ),
  },
  ...ownCertificates('secretName', [['sn7', 'a secretName with upper case and _', { secretName: 'Bad_Name' }, refused('spec.secretName')]]),

  // a Cluster whose PKI object names are taken in its namespace
  ...cases('same names', [
    [
      'pc1',
      'a Cluster whose CertificateAuthority name is taken by one it does not control',
      [certificateAuthority('x', { name: 'x' }), kvmCluster('x')],
      reported('Cluster', 'x', 'PkiConflict', 'CertificateAuthority h-pc1/x exists and is not controlled by this Cluster'),
    ],
    [
      'pc2',
      'a Cluster whose admin Certificate name is taken by one it does not control',
      [certificate('x-admin', { name: 'x' }, { component: 'admin', role: 'admin' }), kvmCluster('x')],
      reported('Cluster', 'x', 'PkiConflict', 'Certificate h-pc2/x-admin exists and is not controlled by this Cluster'),
    ],
  ]),
  {
    id: 'pc3',
    what: 'deleting a Cluster refused for a CertificateAuthority it does not control',
    category: 'same names',
    world: 'kvm',
    send: async ({ tenant }) => {
      await tenant.create(certificateAuthority('x', { name: 'x' }) as never);
      await tenant.create(kvmCluster('x') as never);
      await until(
        () => tenant.get('Cluster', 'x'),
        (c) => c?.status?.conditions?.some((x) => x.reason === 'PkiConflict') === true,
        20_000,
      );
      await tenant.kube.resource(ClusterResource).delete('x', { namespace: tenant.namespace }).match(value, fail);
      // the Cluster goes without deleting the CertificateAuthority it never controlled
      await until(
        () => tenant.get('Cluster', 'x'),
        (c) => c === undefined,
        20_000,
      );
    },
    expect: ca('x', 'ClusterNotFound', 'Cluster x not found'),
    also: async ({ tenant }) => expect(await tenant.get('Cluster', 'x'), 'the Cluster, deleted').toBeUndefined(),
  },
];

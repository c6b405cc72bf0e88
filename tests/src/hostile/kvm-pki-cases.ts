/**
 * Hostile PKI objects in the KVM world (internal): same names as the victim's, references to
 * another namespace's or to missing Clusters and CAs, Secrets that are not the Certificate's,
 * lifetimes and roles, and Clusters whose PKI names are taken. Certificates that need a Ready CA
 * use the fixture tenant's (`mallory/own`).
 */
import { ClusterResource, clusterId } from '@kubeception/sdk';
import { NamespaceResource, SecretResource, type FieldValidation } from '@kubeception/sdk/kube';
import { expect } from 'vitest';
import { baitSecret, fail, until, value, type CaseContext, type Category, type Expectation, type HostileCase, type Reported } from './hostile-support.js';
import { certificate, certificateAuthority, kvmCluster, type Json } from './hostile-objects.js';
import { FIXTURE } from './kvm-hostile.js';
import { refused } from './kvm-spec-cases.js';

const OWN = { name: FIXTURE.cluster };
const reported = (kind: Reported['kind'], name: Reported['name'], reason: string, message: string, extra: Partial<Reported> = {}): Reported => ({
  outcome: 'reported',
  kind,
  name,
  reason,
  message,
  ...extra,
});

/** A case creating `objects` in order (in its own namespace, or the fixture tenant's with `fixture`). */
function pkiCase(
  id: string,
  category: Category,
  what: string,
  objects: Json[] | ((ctx: CaseContext) => Json[]),
  expected: Expectation,
  extra: Partial<HostileCase> & { readonly fixture?: boolean; readonly fieldValidation?: FieldValidation } = {},
): HostileCase {
  const { fixture, fieldValidation, ...rest } = extra;
  return {
    id,
    what,
    category,
    world: 'kvm',
    ...(fixture ? { namespace: FIXTURE.namespace } : {}),
    send: async (ctx) => {
      for (const object of typeof objects === 'function' ? objects(ctx) : objects) await ctx.tenant.create(object as never, fieldValidation);
    },
    expect: expected,
    ...rest,
  };
}

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
    expect(
      await admin
        .resource(SecretResource)
        .get(name, { namespace: tenant.namespace })
        .match(
          () => false,
          () => true,
        ),
      `Secret ${name}`,
    ).toBe(true);

const victimApi = 'api.demo.k8s.example.com';
const rogueAdmin = {
  roles: [{ name: 'admin', allowedDomains: [victimApi], allowBareDomains: true, organizations: ['system:masters'] }],
  allowedDomains: [victimApi],
};

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
      const ca = await tenant.get('CertificateAuthority', 'demo');
      expect(ca?.status?.mountPath).toBe(`pki-${clusterId({ namespace: tenant.namespace, name: 'demo' })}`);
      expect(ca?.status?.mountPath).not.toBe(`pki-${victim.id}`);
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
      expect(
        await admin
          .resource(NamespaceResource)
          .get(clusterId({ namespace: tenant.namespace, name: victim.id }))
          .match(
            () => true,
            () => false,
          ),
      ).toBe(true),
  },
  pkiCase(
    'a3',
    'same names',
    'a CertificateAuthority demo without a Cluster demo in its namespace',
    [certificateAuthority('demo', { name: 'demo' })],
    reported('CertificateAuthority', 'demo', 'ClusterNotFound', 'Cluster demo not found in namespace h-a3'),
  ),
  pkiCase(
    'a4',
    'same names',
    'a Certificate demo-admin (system:masters) without a CA',
    [certificate('demo-admin', { name: 'demo' }, { component: 'admin', role: 'admin', commonName: 'admin', organizations: ['system:masters'] })],
    reported('Certificate', 'demo-admin', 'AuthorityNotFound', 'a Certificate uses only the CertificateAuthority of its own namespace'),
    { also: noSecret('demo-admin') },
  ),
  pkiCase(
    'a5',
    'same names',
    'a Certificate demo-api for the victim’s API domain without a CA',
    [certificate('demo-api', { name: 'demo' }, { component: 'api', role: 'api', commonName: victimApi, dnsNames: [victimApi] })],
    reported('Certificate', 'demo-api', 'AuthorityNotFound', 'no CertificateAuthority for cluster demo in namespace h-a5'),
    { also: noSecret('demo-api') },
  ),

  // references to another namespace
  pkiCase(
    'x1',
    'cross-namespace references',
    'a CA for the victim’s Cluster name with a system:masters role for the victim’s API domain',
    [certificateAuthority('rogue', { name: 'demo' }, rogueAdmin)],
    reported('CertificateAuthority', 'rogue', 'ClusterNotFound', 'nothing was created'),
  ),
  pkiCase(
    'x2',
    'cross-namespace references',
    'a CA whose clusterRef is "victim/demo"',
    [certificateAuthority('rogue', { name: 'victim/demo' })],
    refused('spec.clusterRef.name'),
  ),
  pkiCase(
    'x3',
    'cross-namespace references',
    'a Certificate whose clusterRef is "victim/demo"',
    [certificate('rogue', { name: 'victim/demo' })],
    refused('spec.clusterRef.name'),
  ),
  pkiCase(
    'x4',
    'cross-namespace references',
    'a CA whose clusterRef names the victim’s namespace, sent as client-go sends (fieldValidation=Warn: the field is pruned)',
    [certificateAuthority('rogue', { name: 'demo', namespace: 'victim' })],
    reported('CertificateAuthority', 'rogue', 'ClusterNotFound', 'Cluster demo not found in namespace h-x4'),
    {
      fieldValidation: 'Warn',
      also: async ({ tenant }) => expect((await tenant.get('CertificateAuthority', 'rogue'))?.spec.clusterRef).toEqual({ name: 'demo' }),
    },
  ),
  pkiCase(
    'x10',
    'cross-namespace references',
    'a CA whose clusterRef names the victim’s namespace, sent as the SDK sends (fieldValidation=Strict)',
    [certificateAuthority('rogue', { name: 'demo', namespace: 'victim' })],
    refused('spec.clusterRef.namespace', 'unknown field', 400),
  ),
  {
    id: 'x5',
    what: 'a CA whose clusterRef names the victim’s namespace, sent as kubectl sends (fieldValidation=Strict)',
    category: 'cross-namespace references',
    world: 'kvm',
    send: async ({ tenant }) => void (await tenant.createStrict(certificateAuthority('rogue', { name: 'demo', namespace: 'victim' }) as never)),
    expect: refused('spec.clusterRef.namespace', 'unknown field', 400),
  },
  pkiCase(
    'x6',
    'cross-namespace references',
    'a Certificate whose clusterRef names the victim’s namespace (fieldValidation=Warn: the field is pruned)',
    [certificate('rogue', { name: 'demo', namespace: 'victim' }, { role: 'admin', organizations: ['system:masters'] })],
    reported('Certificate', 'rogue', 'AuthorityNotFound', 'no CertificateAuthority for cluster demo'),
    { fieldValidation: 'Warn' },
  ),
  pkiCase(
    'x7',
    'cross-namespace references',
    'a Certificate whose secretName is "victim/demo-admin"',
    [certificate('x7', OWN, { secretName: 'victim/demo-admin' })],
    refused('spec.secretName'),
    { fixture: true },
  ),
  pkiCase(
    'x8',
    'cross-namespace references',
    'a Certificate whose clusterRef is the victim’s cluster ID',
    ({ victim }) => [certificate('rogue', { name: victim.id })],
    reported('Certificate', 'rogue', 'AuthorityNotFound', 'no CertificateAuthority for cluster demo-'),
  ),
  pkiCase(
    'x9',
    'cross-namespace references',
    'a Certificate for demo where the namespace has a CA of another cluster',
    [certificate('x9', { name: 'demo' }, { role: 'admin' })],
    reported('Certificate', 'x9', 'AuthorityNotFound', `no CertificateAuthority for cluster demo in namespace ${FIXTURE.namespace}`),
    { fixture: true },
  ),

  // missing references
  pkiCase(
    'm1',
    'missing references',
    'a CA for a Cluster that does not exist',
    [certificateAuthority('ghost', { name: 'ghost' })],
    reported('CertificateAuthority', 'ghost', 'ClusterNotFound', 'Cluster ghost not found in namespace h-m1'),
  ),
  pkiCase(
    'm2',
    'missing references',
    'a Certificate for a Cluster without a CA',
    [certificate('ghost', { name: 'ghost' })],
    reported('Certificate', 'ghost', 'AuthorityNotFound', 'no CertificateAuthority for cluster ghost'),
  ),
  pkiCase(
    'm3',
    'missing references',
    'a Certificate with a role its CA does not have',
    [certificate('m3', OWN, { role: 'nope' })],
    reported('Certificate', 'm3', 'Invalid', 'nope'),
    { fixture: true },
  ),

  // lifetimes and roles
  pkiCase(
    't6',
    'lifetimes and roles',
    'a 100-year Certificate on a 10-year CA',
    [certificate('t6', OWN, { ttl: '876000h' })],
    reported('Certificate', 't6', 'InvalidSpec', "spec.ttl: 876000h is longer than the CA's validity", { notInMessage: ['rotate the CA'] }),
    {
      fixture: true,
      also: noSecret('t6'),
    },
  ),
  pkiCase('t7', 'lifetimes and roles', 'a Certificate with a negative TTL', [certificate('t7', OWN, { ttl: '-1h' })], refused('spec.ttl'), { fixture: true }),
  pkiCase(
    't8',
    'lifetimes and roles',
    'a Certificate renewed before its whole TTL',
    [certificate('t8', OWN, { ttl: '72h', renewBefore: '100h' })],
    refused('spec', 'renewBefore must be shorter than ttl'),
    { fixture: true },
  ),
  pkiCase(
    't9',
    'lifetimes and roles',
    'a Certificate with a TTL of 0s',
    [certificate('t9', OWN, { ttl: '0s' })],
    reported('Certificate', 't9', 'InvalidSpec', 'spec.ttl: must be longer than zero'),
    { fixture: true },
  ),
  pkiCase(
    't10',
    'lifetimes and roles',
    'a worker Certificate asking for system:masters',
    [certificate('t10', OWN, { organizations: ['system:masters'] })],
    reported(
      'Certificate',
      't10',
      'RoleViolation',
      'system:masters not allowed by role worker of CertificateAuthority own, which gives organizations system:nodes',
    ),
    {
      fixture: true,
      also: noSecret('t10'),
    },
  ),
  pkiCase(
    't11',
    'lifetimes and roles',
    'a Certificate for the victim’s API domain from the tenant’s own CA',
    [certificate('t11', OWN, { commonName: victimApi, dnsNames: [victimApi] })],
    reported('Certificate', 't11', 'RoleViolation', victimApi),
    { fixture: true },
  ),
  pkiCase(
    't12',
    'lifetimes and roles',
    'an IP SAN from a role that allows none',
    [certificate('t12', OWN, { ipAddresses: ['10.0.0.1'] })],
    reported('Certificate', 't12', 'RoleViolation', '10.0.0.1'),
    { fixture: true },
  ),
  pkiCase(
    't13',
    'lifetimes and roles',
    'an IP SAN that is no address',
    [certificate('t13', OWN, { ipAddresses: ['300.1.1.1'] })],
    reported('Certificate', 't13', 'InvalidSpec', 'spec.ipAddresses[0]: must be an IP address'),
    { fixture: true },
  ),
  pkiCase('t14', 'lifetimes and roles', 'a CA key type dsa', [certificateAuthority('t14', { name: 'ghost' }, { keyType: 'dsa' })], refused('spec.keyType')),
  pkiCase(
    't15',
    'lifetimes and roles',
    'two CA roles of one name',
    [certificateAuthority('t15', { name: 'ghost' }, { roles: [{ name: 'admin' }, { name: 'admin', organizations: ['system:masters'] }] })],
    refused('spec.roles[1]', 'Duplicate value'),
  ),
  pkiCase(
    't16',
    'lifetimes and roles',
    'a CA role that outlives its CA',
    [certificateAuthority('t16', { name: 'ghost' }, { roles: [{ name: 'api', allowSubdomains: true, maxTTL: '100000h' }] })],
    reported('CertificateAuthority', 't16', 'InvalidSpec', "spec.roles[0].maxTTL: must not be longer than the CA's ttl"),
  ),
  pkiCase(
    't17',
    'lifetimes and roles',
    'a CA role allowing subdomains of no domain',
    [
      certificateAuthority(
        't17',
        { name: 'ghost' },
        { allowedDomains: [], roles: [{ name: 'admin', allowSubdomains: true, organizations: ['system:masters'] }] },
      ),
    ],
    reported('CertificateAuthority', 't17', 'InvalidSpec', 'spec.roles[0].allowedDomains'),
  ),
  pkiCase(
    't18',
    'lifetimes and roles',
    'a CA common name of 65 characters',
    [certificateAuthority('t18', { name: 'ghost' }, { commonName: 'c'.repeat(65) })],
    refused('spec.commonName'),
  ),
  pkiCase('t19', 'lifetimes and roles', 'a CA TTL of 100y', [certificateAuthority('t19', { name: 'ghost' }, { ttl: '100y' })], refused('spec.ttl')),
  pkiCase(
    't20',
    'lifetimes and roles',
    'a second CA for the tenant’s own Cluster, with a system:masters role',
    [certificateAuthority('t20', OWN, rogueAdmin)],
    reported('CertificateAuthority', 't20', 'MountConflict', `belongs to CertificateAuthority ${FIXTURE.namespace}/${FIXTURE.cluster}`),
    {
      fixture: true,
      also: async ({ vault }) => {
        const mount = `pki-${clusterId({ namespace: FIXTURE.namespace, name: FIXTURE.cluster })}`;
        expect(vault.state.roles(mount).sort(), 'the fixture’s mount keeps its own roles').toEqual(['admin', 'worker']);
      },
    },
  ),

  // Secrets that are not the Certificate's
  pkiCase(
    'sn1',
    'secretName',
    'a Certificate writing into an unrelated Opaque Secret',
    [baitSecret('sn1-config', 'Opaque'), certificate('sn1', OWN, { secretName: 'sn1-config' })],
    reported('Certificate', 'sn1', 'SecretConflict', 'not owned by a Certificate'),
    { fixture: true, bait: ['sn1-config'] },
  ),
  pkiCase(
    'sn2',
    'secretName',
    'a Certificate writing into a docker config Secret',
    [baitSecret('sn2-registry', 'kubernetes.io/dockerconfigjson'), certificate('sn2', OWN, { secretName: 'sn2-registry' })],
    reported('Certificate', 'sn2', 'SecretConflict', 'Secret sn2-registry already exists'),
    { fixture: true, bait: ['sn2-registry'] },
  ),
  pkiCase(
    'sn3',
    'secretName',
    'a Certificate writing into a TLS Secret labelled as a cluster’s',
    [
      baitSecret('sn3-admin', 'kubernetes.io/tls', { labels: { 'kubeception.io/cluster': FIXTURE.cluster } }),
      certificate('sn3', OWN, { secretName: 'sn3-admin' }),
    ],
    reported('Certificate', 'sn3', 'SecretConflict', 'not owned by a Certificate'),
    { fixture: true, bait: ['sn3-admin'] },
  ),
  pkiCase(
    'sn4',
    'secretName',
    'a Certificate writing into a basic-auth Secret',
    [
      baitSecret('sn4-login', 'kubernetes.io/basic-auth', { data: { username: 'YQ==', password: 'Yg==' } }),
      certificate('sn4', OWN, { secretName: 'sn4-login' }),
    ],
    reported('Certificate', 'sn4', 'SecretConflict', 'not owned by a Certificate'),
    { fixture: true, bait: ['sn4-login'] },
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
    expect: reported('Certificate', 'sn5-second', 'SecretConflict', 'belongs to Certificate sn5-first'),
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
    expect: reported('Certificate', ['sn6-a', 'sn6-b'], 'SecretConflict', 'belongs to Certificate sn6-'),
    also: async ({ admin, tenant }) =>
      expect((await admin.resource(SecretResource).get('sn6-tls', { namespace: tenant.namespace }).match(value, fail)).metadata.ownerReferences).toHaveLength(
        1,
      ),
  },
  pkiCase('sn7', 'secretName', 'a secretName with upper case and _', [certificate('sn7', OWN, { secretName: 'Bad_Name' })], refused('spec.secretName'), {
    fixture: true,
  }),

  // a Cluster whose PKI object names are taken in its namespace
  pkiCase(
    'pc1',
    'same names',
    'a Cluster whose CertificateAuthority name is taken by one it does not control',
    [certificateAuthority('x', { name: 'x' }), kvmCluster('x')],
    reported('Cluster', 'x', 'PkiConflict', 'CertificateAuthority h-pc1/x exists and is not controlled by this Cluster'),
  ),
  pkiCase(
    'pc2',
    'same names',
    'a Cluster whose admin Certificate name is taken by one it does not control',
    [certificate('x-admin', { name: 'x' }, { component: 'admin', role: 'admin' }), kvmCluster('x')],
    reported('Cluster', 'x', 'PkiConflict', 'Certificate h-pc2/x-admin exists and is not controlled by this Cluster'),
  ),
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
    expect: reported('CertificateAuthority', 'x', 'ClusterNotFound', 'Cluster x not found'),
    also: async ({ tenant }) => expect(await tenant.get('Cluster', 'x'), 'the Cluster, deleted').toBeUndefined(),
  },
];

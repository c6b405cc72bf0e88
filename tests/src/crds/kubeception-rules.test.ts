/**
 * Every CEL rule of the Kubeception CRDs (with the kvm and aws providers), evaluated by the fake
 * API server at admission: each with an object it accepts and one it refuses, through the SDK's
 * client. Transition rules (fields fixed after creation, the version skew policy) are exercised
 * by updates of a stored Cluster.
 */
import { provider as aws } from '@kubeception/driver-aws';
import { provider as kvm } from '@kubeception/driver-kvm';
import { CertificateResource, createClusterModel, kubeceptionCrds, type CustomResourceDefinition, type JSONSchemaProps } from '@kubeception/sdk';
import { createKubeClient, type KubeError, type Patch, type StatusCause } from '@kubeception/sdk/kube';
import { startFakeKube, type FakeKube } from '@kubeception/testing';
import type { ResultAsync } from 'neverthrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const providers = [kvm, aws];
const crds = kubeceptionCrds({ providers });
const clusterModel = createClusterModel({ providers });

let kube: FakeKube;
beforeAll(async () => {
  kube = await startFakeKube({ crds });
});
afterAll(() => kube.stop());

const client = () => createKubeClient({ kubeConfig: kube.kubeConfig, qps: 0, retry: { maxAttempts: 1 } });
const clusters = () => client().resource(clusterModel.resource);
const certificates = () => client().resource(CertificateResource);

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test objects are edited freely

function kvmCluster(name: string): Obj {
  return {
    apiVersion: 'kubeception.io/v1alpha1',
    kind: 'Cluster',
    metadata: { name, namespace: 'default' },
    spec: {
      provider: { kvm: {} },
      kubernetes: { version: '1.32.5', api: { domain: `api.${name}.example.com` } },
      ingress: { domain: `${name}.example.com` },
      network: { podCIDR: '10.2.0.0/16', flannel: { network: '10.9.0.0/16', vni: 7 } },
      masters: { replicas: 1, cpus: 2, memory: '4Gi', disk: '20Gi' },
      workers: [{ name: 'general', replicas: 1, cpus: 2, memory: '4Gi', disk: '20Gi', labels: { 'example.com/team': 'a' } }],
    },
  };
}

function awsCluster(name: string): Obj {
  const c = kvmCluster(name);
  const instance = { instanceType: 'm5.large', ami: 'ami-0123456789abcdef0' };
  c.spec.provider = {
    aws: { region: 'eu-west-1', availabilityZones: { count: 2 }, vpcCIDR: '10.10.0.0/16', instances: { master: instance, worker: instance } },
  };
  return c;
}

function certificate(name: string): Obj {
  return {
    apiVersion: 'kubeception.io/v1alpha1',
    kind: 'Certificate',
    metadata: { name, namespace: 'default' },
    spec: { clusterRef: { name: 'demo' }, component: 'api', role: 'api', commonName: 'api.demo.example.com', ttl: '72h', renewBefore: '24h' },
  };
}

const edit = (obj: Obj, change: (o: Obj) => void): Obj => {
  const copy = structuredClone(obj);
  change(copy);
  return copy;
};

/** The error of a write that must fail. */
async function refused(write: ResultAsync<unknown, KubeError>): Promise<KubeError & { causes?: readonly StatusCause[] }> {
  const result = await write;
  expect(result.isErr(), 'the write was accepted').toBe(true);
  return result._unsafeUnwrapErr();
}

const create = (obj: Obj) => (obj.kind === 'Certificate' ? certificates().create(obj as never) : clusters().create(obj as never));

/** A rule of the CRDs, named by kind and message; static rules are checked on create. */
interface StaticCase {
  readonly kind: 'Cluster' | 'Certificate';
  readonly message: string;
  readonly accepted: Obj;
  readonly refused: Obj;
  readonly field: string;
}

let n = 0;
const named = (make: (name: string) => Obj, change: (o: Obj) => void = () => undefined) => edit(make(`rule-${++n}`), change);
/** An edit setting the field at `path` (`spec.workers[0].labels`) of an object to `value`. */
const setAt = (path: string, value: unknown) => (o: Obj) => {
  const keys = path.split(/[.[\]]+/).filter((key) => key !== '');
  const last = keys.pop() as string;
  keys.reduce((at, key) => at[key], o)[last] = value;
};

/** Rules on the Cluster's name (the object's root): admitted with the name `admitted`, refused with `refused`. */
const nameRule = (message: string, admitted: string, refused: string): StaticCase => ({
  kind: 'Cluster',
  message,
  accepted: named(kvmCluster, setAt('metadata.name', admitted)),
  refused: named(kvmCluster, setAt('metadata.name', refused)),
  field: '<nil>',
});
/** Rules on the field they name, of Clusters `make` makes: `[the rule's message, the field, a value it admits, a value it refuses]`. */
const fieldRules = (make: (name: string) => Obj, rows: readonly (readonly [message: string, field: string, admitted: unknown, refused: unknown])[]) =>
  rows.map(([message, field, admitted, refused]): StaticCase => ({
    kind: 'Cluster',
    message,
    accepted: named(make, setAt(field, admitted)),
    refused: named(make, setAt(field, refused)),
    field,
  }));

const DNS_LABEL = "cluster name must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit";
const LABEL_KEY =
  "label keys must be an optional DNS subdomain prefix and '/', then a name of at most 63 characters: alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character (e.g. 'MyName' or 'example.com/MyName')";
const awsProvider = awsCluster('x').spec.provider;
/** A label whose key has a prefix of 4 DNS labels, the last `last` characters long (253 characters in all with 61). */
const longPrefixed = (last: number) => ({ [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(last)}/x`]: 'x' });
const VMLINUZ = '/images/vmlinuz';

const staticCases: StaticCase[] = [
  nameRule('cluster name must be at most 40 characters', 'a'.repeat(40), 'a'.repeat(41)),
  nameRule(DNS_LABEL, 'edge-1', 'edge.one'),
  ...fieldRules(kvmCluster, [
    ['exactly one provider must be set (kvm or aws)', 'spec.provider', awsProvider, { kvm: {}, aws: awsProvider.aws }],
    ['set either disk, or kernel and initrd together', 'spec.provider.kvm.guestImage', { kernel: VMLINUZ, initrd: '/images/initrd' }, { kernel: VMLINUZ }],
    [
      'type persistentVolume needs persistentVolume.size',
      'spec.provider.kvm.etcdStorage',
      { type: 'persistentVolume', persistentVolume: { size: '10Gi' } },
      { type: 'persistentVolume' },
    ],
  ]),
  ...fieldRules(awsCluster, [
    ['set exactly one of count or names', 'spec.provider.aws.availabilityZones', { names: ['eu-west-1a'] }, { count: 1, names: ['eu-west-1a'] }],
  ]),
  ...fieldRules(kvmCluster, [
    [LABEL_KEY, 'spec.workers[0].labels', { 'example.com/MyName': 'x' }, { 'bad key!': 'x' }],
    ['the prefix of a label key must be at most 253 characters', 'spec.workers[0].labels', longPrefixed(61), longPrefixed(63)],
    ['ttl must be shorter than caTTL', 'spec.certificates', { caTTL: '720h', ttl: '719h' }, { caTTL: '720h', ttl: '43200m' }],
    ['renewBefore must be shorter than ttl', 'spec.certificates', { ttl: '72h', renewBefore: '71h59m' }, { ttl: '72h', renewBefore: '4320m' }],
  ]),
  {
    kind: 'Certificate',
    message: 'renewBefore must be shorter than ttl',
    accepted: named(certificate, setAt('spec.renewBefore', '1h')),
    refused: named(certificate, setAt('spec.renewBefore', '96h')),
    field: 'spec',
  },
];

describe('CEL rules of the Kubeception CRDs', () => {
  it.each(staticCases.map((c) => [`${c.kind}: ${c.message}`, c] as const))('%s: accepted when true, refused when false', async (_name, c) => {
    const accepted = await create(c.accepted);
    expect(accepted.isOk() ? 'accepted' : accepted.error.message).toBe('accepted');
    const error = await refused(create(c.refused));
    expect(error.kind).toBe('Invalid');
    // every static rule sits on an object (the root, or a field of object type)
    expect(error.causes).toEqual([{ reason: 'FieldValueInvalid', field: c.field, message: `Invalid value: "object": ${c.message}` }]);
    expect(error.message).toBe(`${c.kind}.kubeception.io "${c.refused.metadata.name}" is invalid: ${c.field}: Invalid value: "object": ${c.message}`);
  });
});

/** A transition rule: an update of a stored object it refuses (and the message it gives). */
interface TransitionCase {
  /** The rule's `message` in the CRD. */
  readonly message: string;
  readonly make: (name: string) => Obj;
  readonly patch: Patch;
  readonly field: string;
  readonly type: string;
  /** What the server says, when `messageExpression` words it differently from `message`. */
  readonly says?: string;
}

const merge = (body: object): Patch => ({ type: 'merge', body });
const PROVIDER_FIXED = 'spec.provider cannot change from one provider to another: a cluster stays where it was created';
const withVersion = (version: string) => (name: string) => edit(kvmCluster(name), (c) => (c.spec.kubernetes.version = version));
/** A merge patch setting the field at `path` (`spec.network.podCIDR`) to `value`. */
const mergeAt = (path: string, value: unknown): Patch => merge(path.split('.').reduceRight<object>((inner, key) => ({ [key]: inner }), value as object));

/** Fields of Clusters `make` makes, fixed after creation: `[the rule's message, the field, its type in the answer, a new value]`. */
const fixedFields = (make: (name: string) => Obj, rows: readonly (readonly [message: string, field: string, type: string, value: unknown])[]) =>
  rows.map(([message, field, type, value]): TransitionCase => ({ message, make, patch: mergeAt(field, value), field, type }));

const transitionCases: TransitionCase[] = [
  ...fixedFields(kvmCluster, [
    ['spec.network.podCIDR is immutable', 'spec.network.podCIDR', 'string', '10.3.0.0/16'],
    ['spec.network.flannel.network is immutable once set', 'spec.network.flannel.network', 'object', '10.8.0.0/16'],
    ['spec.network.flannel.vni is immutable once set', 'spec.network.flannel.vni', 'object', 8],
    ['spec.network.flannel.subnetLen is immutable', 'spec.network.flannel.subnetLen', 'integer', 29],
    ['spec.kubernetes.api.serviceCIDR is immutable', 'spec.kubernetes.api.serviceCIDR', 'string', '172.30.0.0/16'],
    ['spec.kubernetes.dns.clusterDomain is immutable', 'spec.kubernetes.dns.clusterDomain', 'string', 'guest.local'],
    [PROVIDER_FIXED, 'spec.provider', 'object', { kvm: null, aws: awsCluster('x').spec.provider.aws }],
  ]),
  ...fixedFields(awsCluster, [
    ['spec.provider.aws.region is immutable', 'spec.provider.aws.region', 'string', 'eu-central-1'],
    ['spec.provider.aws.availabilityZones is immutable', 'spec.provider.aws.availabilityZones', 'object', { count: 3 }],
    ['spec.provider.aws.vpcCIDR is immutable once set', 'spec.provider.aws.vpcCIDR', 'object', '10.11.0.0/16'],
  ]),
  {
    message: 'spec.kubernetes.version may not go down a minor version',
    make: withVersion('1.32.5'),
    patch: merge({ spec: { kubernetes: { version: '1.31.9' } } }),
    field: 'spec.kubernetes.version',
    type: 'string',
    says: 'spec.kubernetes.version may not go down a minor version (from 1.32.5 to 1.31.9): downgrades are not supported',
  },
  {
    message: 'spec.kubernetes.version may rise by one minor version at a time',
    make: withVersion('1.31.9'),
    patch: merge({ spec: { kubernetes: { version: '1.33.1' } } }),
    field: 'spec.kubernetes.version',
    type: 'string',
    says: 'spec.kubernetes.version may rise by one minor version at a time (from 1.31.9 to 1.33.1): upgrade to 1.32 first',
  },
];

let m = 0;
async function stored(make: (name: string) => Obj): Promise<string> {
  const name = `fixed-${++m}`;
  (await clusters().create(make(name) as never))._unsafeUnwrap();
  return name;
}

describe('Cluster fields fixed after creation', () => {
  it.each(transitionCases.map((c) => [c.message, c] as const))('%s: an update changing it is refused', async (_name, c) => {
    const name = await stored(c.make);
    const error = await refused(clusters().patch(name, c.patch, { namespace: 'default' }));
    const detail = `Invalid value: "${c.type}": ${c.says ?? c.message}`;
    expect(error.causes).toEqual([{ reason: 'FieldValueInvalid', field: c.field, message: detail }]);
    expect(error.message).toBe(`Cluster.kubeception.io "${name}" is invalid: ${c.field}: ${detail}`);
  });

  it('refuses unsetting a value fixed once set', async () => {
    const name = await stored(awsCluster);
    const unset = merge({ spec: { network: { flannel: { network: null, vni: null } }, provider: { aws: { vpcCIDR: null } } } });
    const error = await refused(clusters().patch(name, unset, { namespace: 'default' }));
    expect(error.causes?.map((c) => `${c.field}: ${c.message}`)).toEqual([
      'spec.provider.aws.vpcCIDR: Invalid value: "object": spec.provider.aws.vpcCIDR is immutable once set',
      'spec.network.flannel.network: Invalid value: "object": spec.network.flannel.network is immutable once set',
      'spec.network.flannel.vni: Invalid value: "object": spec.network.flannel.vni is immutable once set',
    ]);
  });

  it('accepts updates the rules allow: other fields, values set for the first time, one minor version up', async () => {
    const name = await stored((n) =>
      edit(awsCluster(n), (c) => {
        c.spec.kubernetes.version = '1.31.9';
        delete c.spec.network.flannel;
        delete c.spec.provider.aws.vpcCIDR;
      }),
    );
    const patch = (body: object) => clusters().patch(name, merge(body), { namespace: 'default' });
    const steps = [
      { spec: { workers: [{ name: 'general', replicas: 3, cpus: 4, memory: '8Gi', disk: '40Gi' }], paused: true } },
      { spec: { network: { flannel: { network: '10.9.0.0/16', vni: 9 } }, provider: { aws: { vpcCIDR: '10.12.0.0/16' } } } },
      { spec: { kubernetes: { version: '1.32.5' } } },
      { spec: { kubernetes: { version: '1.33.1' } } },
      // the same values again: nothing changes
      { spec: { kubernetes: { version: '1.33.1' }, network: { podCIDR: '10.2.0.0/16', flannel: { network: '10.9.0.0/16', vni: 9, subnetLen: 30 } } } },
    ];
    for (const body of steps) {
      const result = await patch(body);
      expect(result.isOk() ? 'accepted' : result.error.message).toBe('accepted');
    }
    const cluster = (await clusters().get(name, { namespace: 'default' }))._unsafeUnwrap();
    expect(cluster.spec.kubernetes.version).toBe('1.33.1');
    expect(cluster.spec.network.flannel).toEqual({ network: '10.9.0.0/16', vni: 9, subnetLen: 30 });
  });

  it('evaluates transition rules on replace (PUT) and server-side apply too', async () => {
    const name = await stored(withVersion('1.33.1'));
    const current = (await clusters().get(name, { namespace: 'default' }))._unsafeUnwrap() as Obj;
    const replaced = await refused(clusters().replace(edit(current, (c) => (c.spec.kubernetes.version = '1.31.9')) as never));
    expect(replaced.causes?.[0]?.message).toBe(
      'Invalid value: "string": spec.kubernetes.version may not go down a minor version (from 1.33.1 to 1.31.9): downgrades are not supported',
    );
    const intent = edit(withVersion('1.33.1')(name), (c) => (c.spec.network.podCIDR = '10.4.0.0/16'));
    const applied = await refused(clusters().apply(intent as never, { fieldManager: 'test', force: true }));
    expect(applied.causes).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.network.podCIDR', message: 'Invalid value: "string": spec.network.podCIDR is immutable' },
    ]);
  });

  it('keeps the provider with an open provider map too (no provider registered)', async () => {
    const open = await startFakeKube({ crds: kubeceptionCrds() });
    try {
      const openClusters = createKubeClient({ kubeConfig: open.kubeConfig, qps: 0, retry: { maxAttempts: 1 } }).resource(
        createClusterModel({ providers: [] }).resource,
      );
      (await openClusters.create(kvmCluster('open') as never))._unsafeUnwrap();
      const moved = await refused(openClusters.patch('open', merge({ spec: { provider: { kvm: null, sandbox: { size: 1 } } } }), { namespace: 'default' }));
      expect(moved.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec.provider', message: `Invalid value: "object": ${PROVIDER_FIXED}` }]);
      const tuned = await openClusters.patch('open', merge({ spec: { provider: { kvm: { anything: 1 } } } }), { namespace: 'default' });
      expect(tuned.isOk() ? 'accepted' : tuned.error.message).toBe('accepted');
    } finally {
      await open.stop();
    }
  });

  it('leaves status writes alone: spec rules see an unchanged spec', async () => {
    const name = await stored(kvmCluster);
    const result = await clusters().patchStatus(name, merge({ status: { phase: 'Provisioning', network: { podCIDR: '10.2.0.0/16' } } }), {
      namespace: 'default',
    });
    expect(result.isOk() ? 'accepted' : result.error.message).toBe('accepted');
  });
});

/** `kind|message` of every rule in a CRD. */
function rulesOf(crd: CustomResourceDefinition): string[] {
  const out: string[] = [];
  const walk = (s: JSONSchemaProps | undefined) => {
    if (!s) return;
    for (const r of s['x-kubernetes-validations'] ?? []) out.push(`${crd.spec.names.kind}|${r.message ?? r.rule}`);
    Object.values(s.properties ?? {}).forEach(walk);
    walk(s.items);
    if (typeof s.additionalProperties === 'object') walk(s.additionalProperties);
  };
  for (const v of crd.spec.versions) walk(v.schema.openAPIV3Schema);
  return out;
}

it('every CEL rule of the CRDs has a case above', () => {
  const covered = [...staticCases.map((c) => `${c.kind}|${c.message}`), ...transitionCases.map((c) => `Cluster|${c.message}`)];
  expect([...new Set(crds.flatMap(rulesOf))].sort()).toEqual([...new Set(covered)].sort());
});

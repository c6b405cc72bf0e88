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
  readonly type: string;
}

let n = 0;
const named = (make: (name: string) => Obj, change: (o: Obj) => void = () => undefined) => edit(make(`rule-${++n}`), change);

const staticCases: StaticCase[] = [
  {
    kind: 'Cluster',
    message: 'cluster name must be at most 40 characters',
    accepted: named(kvmCluster, (c) => (c.metadata.name = 'a'.repeat(40))),
    refused: named(kvmCluster, (c) => (c.metadata.name = 'a'.repeat(41))),
    field: '<nil>',
    type: 'object',
  },
  {
    kind: 'Cluster',
    message: "cluster name must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
    accepted: named(kvmCluster, (c) => (c.metadata.name = 'edge-1')),
    refused: named(kvmCluster, (c) => (c.metadata.name = 'edge.one')),
    field: '<nil>',
    type: 'object',
  },
  {
    kind: 'Cluster',
    message: 'exactly one provider must be set (kvm or aws)',
    accepted: named(awsCluster),
    refused: named(kvmCluster, (c) => (c.spec.provider = { kvm: {}, aws: awsCluster('x').spec.provider.aws })),
    field: 'spec.provider',
    type: 'object',
  },
  {
    kind: 'Cluster',
    message: 'set either disk, or kernel and initrd together',
    accepted: named(kvmCluster, (c) => (c.spec.provider.kvm.guestImage = { kernel: '/images/vmlinuz', initrd: '/images/initrd' })),
    refused: named(kvmCluster, (c) => (c.spec.provider.kvm.guestImage = { kernel: '/images/vmlinuz' })),
    field: 'spec.provider.kvm.guestImage',
    type: 'object',
  },
  {
    kind: 'Cluster',
    message: 'type persistentVolume needs persistentVolume.size',
    accepted: named(kvmCluster, (c) => (c.spec.provider.kvm.etcdStorage = { type: 'persistentVolume', persistentVolume: { size: '10Gi' } })),
    refused: named(kvmCluster, (c) => (c.spec.provider.kvm.etcdStorage = { type: 'persistentVolume' })),
    field: 'spec.provider.kvm.etcdStorage',
    type: 'object',
  },
  {
    kind: 'Cluster',
    message: 'set exactly one of count or names',
    accepted: named(awsCluster, (c) => (c.spec.provider.aws.availabilityZones = { names: ['eu-west-1a'] })),
    refused: named(awsCluster, (c) => (c.spec.provider.aws.availabilityZones = { count: 1, names: ['eu-west-1a'] })),
    field: 'spec.provider.aws.availabilityZones',
    type: 'object',
  },
  {
    kind: 'Cluster',
    message:
      "label keys must be an optional DNS subdomain prefix and '/', then a name of at most 63 characters: alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character (e.g. 'MyName' or 'example.com/MyName')",
    accepted: named(kvmCluster, (c) => (c.spec.workers[0].labels = { 'example.com/MyName': 'x' })),
    refused: named(kvmCluster, (c) => (c.spec.workers[0].labels = { 'bad key!': 'x' })),
    field: 'spec.workers[0].labels',
    type: 'object',
  },
  {
    kind: 'Cluster',
    message: 'the prefix of a label key must be at most 253 characters',
    accepted: named(kvmCluster, (c) => (c.spec.workers[0].labels = { [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}/x`]: 'x' })),
    refused: named(kvmCluster, (c) => (c.spec.workers[0].labels = { [`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}/x`]: 'x' })),
    field: 'spec.workers[0].labels',
    type: 'object',
  },
  {
    kind: 'Cluster',
    message: 'ttl must be shorter than caTTL',
    accepted: named(kvmCluster, (c) => (c.spec.certificates = { caTTL: '720h', ttl: '719h' })),
    refused: named(kvmCluster, (c) => (c.spec.certificates = { caTTL: '720h', ttl: '43200m' })),
    field: 'spec.certificates',
    type: 'object',
  },
  {
    kind: 'Cluster',
    message: 'renewBefore must be shorter than ttl',
    accepted: named(kvmCluster, (c) => (c.spec.certificates = { ttl: '72h', renewBefore: '71h59m' })),
    refused: named(kvmCluster, (c) => (c.spec.certificates = { ttl: '72h', renewBefore: '4320m' })),
    field: 'spec.certificates',
    type: 'object',
  },
  {
    kind: 'Certificate',
    message: 'renewBefore must be shorter than ttl',
    accepted: named(certificate, (c) => (c.spec.renewBefore = '1h')),
    refused: named(certificate, (c) => (c.spec.renewBefore = '96h')),
    field: 'spec',
    type: 'object',
  },
];

describe('CEL rules of the Kubeception CRDs', () => {
  it.each(staticCases.map((c) => [`${c.kind}: ${c.message}`, c] as const))('%s: accepted when true, refused when false', async (_name, c) => {
    const accepted = await create(c.accepted);
    expect(accepted.isOk() ? 'accepted' : accepted.error.message).toBe('accepted');
    const error = await refused(create(c.refused));
    expect(error.kind).toBe('Invalid');
    expect(error.causes).toEqual([{ reason: 'FieldValueInvalid', field: c.field, message: `Invalid value: "${c.type}": ${c.message}` }]);
    expect(error.message).toBe(`${c.kind}.kubeception.io "${c.refused.metadata.name}" is invalid: ${c.field}: Invalid value: "${c.type}": ${c.message}`);
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

const transitionCases: TransitionCase[] = [
  {
    message: 'spec.network.podCIDR is immutable',
    make: kvmCluster,
    patch: merge({ spec: { network: { podCIDR: '10.3.0.0/16' } } }),
    field: 'spec.network.podCIDR',
    type: 'string',
  },
  {
    message: 'spec.network.flannel.network is immutable once set',
    make: kvmCluster,
    patch: merge({ spec: { network: { flannel: { network: '10.8.0.0/16' } } } }),
    field: 'spec.network.flannel.network',
    type: 'object',
  },
  {
    message: 'spec.network.flannel.vni is immutable once set',
    make: kvmCluster,
    patch: merge({ spec: { network: { flannel: { vni: 8 } } } }),
    field: 'spec.network.flannel.vni',
    type: 'object',
  },
  {
    message: 'spec.network.flannel.subnetLen is immutable',
    make: kvmCluster,
    patch: merge({ spec: { network: { flannel: { subnetLen: 29 } } } }),
    field: 'spec.network.flannel.subnetLen',
    type: 'integer',
  },
  {
    message: 'spec.kubernetes.api.serviceCIDR is immutable',
    make: kvmCluster,
    patch: merge({ spec: { kubernetes: { api: { serviceCIDR: '172.30.0.0/16' } } } }),
    field: 'spec.kubernetes.api.serviceCIDR',
    type: 'string',
  },
  {
    message: 'spec.kubernetes.dns.clusterDomain is immutable',
    make: kvmCluster,
    patch: merge({ spec: { kubernetes: { dns: { clusterDomain: 'guest.local' } } } }),
    field: 'spec.kubernetes.dns.clusterDomain',
    type: 'string',
  },
  {
    message: PROVIDER_FIXED,
    make: kvmCluster,
    patch: merge({ spec: { provider: { kvm: null, aws: awsCluster('x').spec.provider.aws } } }),
    field: 'spec.provider',
    type: 'object',
  },
  {
    message: 'spec.provider.aws.region is immutable',
    make: awsCluster,
    patch: merge({ spec: { provider: { aws: { region: 'eu-central-1' } } } }),
    field: 'spec.provider.aws.region',
    type: 'string',
  },
  {
    message: 'spec.provider.aws.availabilityZones is immutable',
    make: awsCluster,
    patch: merge({ spec: { provider: { aws: { availabilityZones: { count: 3 } } } } }),
    field: 'spec.provider.aws.availabilityZones',
    type: 'object',
  },
  {
    message: 'spec.provider.aws.vpcCIDR is immutable once set',
    make: awsCluster,
    patch: merge({ spec: { provider: { aws: { vpcCIDR: '10.11.0.0/16' } } } }),
    field: 'spec.provider.aws.vpcCIDR',
    type: 'object',
  },
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

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineProvider } from '../provider.js';
import { certificateSecretName, renewBeforeMs, validateCertificate } from './certificate.js';
import { createClusterModel, validateCluster } from './cluster.js';

const cluster = (provider: object, extra: object = {}) => ({
  apiVersion: 'kubeception.io/v1alpha1',
  kind: 'Cluster',
  metadata: { name: 'demo' },
  spec: {
    provider,
    kubernetes: { version: '1.33.1', api: { domain: 'api.demo.example.com' } },
    ingress: { domain: 'demo.example.com' },
    network: { podCIDR: '10.2.0.0/16' },
    masters: { cpus: 2, memory: '4Gi', disk: '20Gi' },
    ...extra,
  },
});

const big = defineProvider({
  name: 'big',
  specSchema: z.strictObject({ zone: z.string() }),
  check: (spec, c) => (c.spec.masters.cpus < 4 ? [{ path: 'spec.masters.cpus', message: `must be at least 4 in zone ${spec.zone}` }] : []),
});

describe('createClusterModel', () => {
  it('applies every default of DESIGN.md §2', () => {
    const { spec } = validateCluster(cluster({ any: {} }))._unsafeUnwrap();
    expect(spec).toMatchObject({
      kubernetes: { api: { securePort: 443, serviceCIDR: '172.31.0.0/16' }, dns: { clusterDomain: 'cluster.local' } },
      network: { flannel: { subnetLen: 30 } },
      masters: { replicas: 1 },
      workers: [],
      certificates: { caTTL: '87600h', ttl: '72h' },
      paused: false,
    });
    expect(spec.certificates.renewBefore).toBeUndefined();
  });

  it('runs a provider’s own checks with the rest of the cluster', () => {
    const model = createClusterModel({ providers: [big] });
    expect(model.validate(cluster({ big: { zone: 'z1' } }))._unsafeUnwrapErr().issues).toEqual([
      { path: 'spec.masters.cpus', message: 'must be at least 4 in zone z1' },
    ]);
    const ok = model.validate(cluster({ big: { zone: 'z1' } }, { masters: { cpus: 4, memory: '4Gi', disk: '20Gi' } }));
    expect(ok._unsafeUnwrap().spec.provider.big?.zone).toBe('z1');
  });

  it('validates provider sub-specs through the provider schema', () => {
    const model = createClusterModel({ providers: [big] });
    expect(model.validate(cluster({ big: { zone: 3 } }))._unsafeUnwrapErr().issues).toEqual([
      { path: 'spec.provider.big.zone', message: 'must be a string (got number)' },
    ]);
  });

  it('refuses two providers with the same name (a programmer error)', () => {
    expect(() => createClusterModel({ providers: [big, big] })).toThrow(/duplicate provider names/);
  });

  it('accepts generateName in place of a name', () => {
    const c = cluster({ any: {} });
    expect(validateCluster({ ...c, metadata: { generateName: 'demo-' } }).isOk()).toBe(true);
  });

  it('checks worker pool labels with the Kubernetes syntax, naming each entry, with the other field problems', () => {
    const pool = { name: 'gpu', replicas: 1, cpus: 2, memory: '4Gi', disk: '20Gi' };
    const labels = { 'bad key!': 'x', workload: 'batch\nExecStart=/bin/sh', 'example.com/owner': '$(curl x)', 'example.com/gpu': 'true' };
    const issues = validateCluster(cluster({ any: {} }, { workers: [{ ...pool, labels }], paused: 'yes' }))._unsafeUnwrapErr().issues;
    expect(issues.map((i) => i.path)).toEqual([
      'spec.workers[0].labels["bad key!"]',
      'spec.workers[0].labels.workload',
      'spec.workers[0].labels["example.com/owner"]',
      'spec.paused',
    ]);
    expect(issues[0]?.message).toMatch(/^Invalid value: "bad key!": name part must consist of alphanumeric characters/);
    expect(issues[1]?.message).toMatch(/^Invalid value: "batch\\nExecStart=\/bin\/sh": a valid label must be an empty string/);
  });

  it('reports a non-object input without throwing', () => {
    expect(validateCluster('not a cluster')._unsafeUnwrapErr().issues).toEqual([{ path: '(root)', message: 'must be an object (got string)' }]);
    expect(validateCluster(null).isErr()).toBe(true);
  });
});

describe('Certificate helpers', () => {
  const cert = validateCertificate({
    apiVersion: 'kubeception.io/v1alpha1',
    kind: 'Certificate',
    metadata: { name: 'demo-etcd' },
    spec: { clusterRef: { name: 'demo' }, component: 'etcd', role: 'etcd', commonName: 'etcd.demo' },
  })._unsafeUnwrap();

  it('names the Secret <cluster>-<component> unless secretName is set', () => {
    expect(certificateSecretName(cert)).toBe('demo-etcd');
    expect(certificateSecretName({ spec: { ...cert.spec, secretName: 'custom' } })).toBe('custom');
  });

  it('renews a third of the ttl before expiry unless renewBefore is set', () => {
    expect(renewBeforeMs(cert.spec)).toBe(24 * 3_600_000);
    expect(renewBeforeMs({ ttl: '72h', renewBefore: '48h' })).toBe(48 * 3_600_000);
  });
});

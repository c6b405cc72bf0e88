/**
 * A Cluster's PKI: the objects `clusterPki` makes for it (`../cluster-pki.ts`), and the helpers of
 * the step that writes them and waits for them (`pki.ts`), on one Cluster.
 */
import { describe, expect, it } from 'vitest';
import { validateCertificate } from '../../models/certificate.js';
import { validateCertificateAuthority } from '../../models/certificate-authority.js';
import type { KubeObject, Persisted } from '../../resource.js';
import { clusterPki } from '../cluster-pki.js';
import { testCluster, testClusterMetadata } from '../cluster.test-support.js';
import { controls, foreignObject, pkiWaitingFor, specChanged } from './pki.js';

const metadata = testClusterMetadata;
const cluster = testCluster;

const owned = (name: string, owner: { uid: string; controller?: boolean } | undefined) =>
  ({
    metadata: {
      ...metadata,
      name,
      uid: `uid-${name}`,
      ...(owner ? { ownerReferences: [{ apiVersion: 'kubeception.io/v1alpha1', kind: 'Cluster', name: 'demo', ...owner }] } : {}),
    },
  }) as Persisted<KubeObject>;

describe('controls', () => {
  it("is true only for the Cluster's controller owner reference", () => {
    expect(controls(cluster, owned('ca', { uid: 'uid-demo', controller: true }))).toBe(true);
    expect(controls(cluster, owned('ca', { uid: 'uid-demo' }))).toBe(false);
    expect(controls(cluster, owned('ca', { uid: 'uid-other', controller: true }))).toBe(false);
    expect(controls(cluster, owned('ca', undefined))).toBe(false);
  });
});

describe('foreignObject', () => {
  it('finds the first existing object the Cluster does not control; missing objects are not foreign', () => {
    const ours = owned('ca', { uid: 'uid-demo', controller: true });
    const theirs = owned('etcd', { uid: 'uid-other', controller: true });
    expect(
      foreignObject(cluster, [
        { kind: 'CertificateAuthority', object: ours },
        { kind: 'Certificate', object: undefined },
      ]),
    ).toBeUndefined();
    expect(
      foreignObject(cluster, [
        { kind: 'CertificateAuthority', object: ours },
        { kind: 'Certificate', object: undefined },
        { kind: 'Certificate', object: theirs },
      ]),
    ).toEqual({ kind: 'Certificate', object: theirs });
  });
});

describe('specChanged', () => {
  it('is false only when the cached spec already has every field of the desired one (fields others set are kept)', () => {
    expect(specChanged({ spec: { ttl: '72h' } }, undefined)).toBe(true);
    expect(specChanged({ spec: { ttl: '72h' } }, { spec: { ttl: '72h', defaulted: true } })).toBe(false);
    expect(specChanged({ spec: { ttl: '72h' } }, { spec: { ttl: '24h' } })).toBe(true);
    expect(specChanged({ spec: { ttl: '72h', usages: ['server'] } }, { spec: { ttl: '72h' } })).toBe(true);
  });
});

describe('pkiWaitingFor', () => {
  const ca = (status: string, message?: string) => ({ status: { conditions: [{ type: 'Ready', status, ...(message ? { message } : {}) }] } });

  it('names the CA, and quotes why it is not Ready when it says so', () => {
    expect(pkiWaitingFor('demo-ca', undefined, false, 8)).toBe('waiting for CertificateAuthority demo-ca to be Ready');
    expect(pkiWaitingFor('demo-ca', ca('False', 'Vault is sealed'), false, 8)).toBe('waiting for CertificateAuthority demo-ca to be Ready: Vault is sealed');
    expect(pkiWaitingFor('demo-ca', ca('Unknown', 'starting'), false, 8)).toBe('waiting for CertificateAuthority demo-ca to be Ready');
  });

  it('does not count down once the CA is Ready', () => {
    expect(pkiWaitingFor('demo-ca', ca('True'), true, 8)).toBe('waiting until all 8 Certificates are Ready');
  });
});

describe('clusterPki', () => {
  const { authority, certificates } = clusterPki(cluster);

  it('makes one CA and the seven standard certificates, all valid and owned by the Cluster', () => {
    expect(validateCertificateAuthority(authority).isOk()).toBe(true);
    expect(certificates.map((c) => c.spec.component)).toEqual([
      'api',
      'etcd',
      'worker',
      'admin',
      'service-account',
      'flanneld-etcd-client',
      'calico-etcd-client',
    ]);
    for (const c of [authority, ...certificates]) {
      expect(c.metadata.ownerReferences).toEqual([
        { apiVersion: 'kubeception.io/v1alpha1', kind: 'Cluster', name: 'demo', uid: 'uid-demo', controller: true, blockOwnerDeletion: true },
      ]);
      expect(controls(cluster, { metadata: { ...metadata, ...c.metadata } } as Persisted<KubeObject>)).toBe(true);
      if (c.kind === 'Certificate') expect(validateCertificate(c).isOk()).toBe(true);
    }
  });

  it('gives the API server the kubernetes.default names and the first service IP', () => {
    const api = certificates.find((c) => c.spec.component === 'api');
    expect(api?.spec.dnsNames).toContain('kubernetes.default.svc.cluster.local');
    expect(api?.spec.ipAddresses).toEqual(['172.31.0.1', '127.0.0.1']);
  });

  it('makes admin a member of system:masters and workers of system:nodes', () => {
    expect(certificates.find((c) => c.spec.component === 'admin')?.spec).toMatchObject({ commonName: 'admin', organizations: ['system:masters'] });
    expect(certificates.find((c) => c.spec.component === 'worker')?.spec.organizations).toEqual(['system:nodes']);
  });

  it('gives each component a role allowing exactly its own names', () => {
    const etcd = authority.spec.roles?.find((r) => r.name === 'etcd');
    expect(etcd).toMatchObject({
      allowedDomains: ['etcd.demo.example.com', 'localhost'],
      allowBareDomains: true,
      allowSubdomains: false,
      allowIPSANs: true,
    });
    expect(authority.spec.roles?.find((r) => r.name === 'admin')).toMatchObject({
      allowedDomains: ['admin'],
      allowIPSANs: false,
      organizations: ['system:masters'],
    });
  });
});

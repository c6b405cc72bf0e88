import {
  validateCertificate,
  validateCertificateAuthority,
  validateCluster,
  type Certificate,
  type CertificateAuthority,
  type Cluster,
  type Persisted,
} from '@kubeception/sdk';
import { describe, expect, it } from 'vitest';
import { checkRequest } from './certificate-request.js';
import { clusterPki } from './cluster-pki.js';

const cluster = validateCluster({
  apiVersion: 'kubeception.io/v1alpha1',
  kind: 'Cluster',
  metadata: { name: 'demo', namespace: 'default', uid: 'u-1', resourceVersion: '1', generation: 1, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: {
    provider: { kvm: {} },
    kubernetes: { version: '1.33.1', api: { domain: 'api.demo.k8s.example.com' } },
    ingress: { domain: 'demo.k8s.example.com' },
    network: { podCIDR: '10.2.0.0/16' },
    masters: { cpus: 2, memory: '4Gi', disk: '20Gi' },
  },
})._unsafeUnwrap() as Persisted<Cluster>;

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
        { apiVersion: 'kubeception.io/v1alpha1', kind: 'Cluster', name: 'demo', uid: 'u-1', controller: true, blockOwnerDeletion: true },
      ]);
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
      allowedDomains: ['etcd.demo.k8s.example.com', 'localhost'],
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

  it('makes certificates its own CertificateAuthority can issue as asked (checkRequest refuses none)', () => {
    const meta = (name: string) => ({ ...cluster.metadata, name, uid: `uid-${name}` });
    const own = validateCertificateAuthority({ ...authority, metadata: meta('demo') })._unsafeUnwrap() as Persisted<CertificateAuthority>;
    for (const c of certificates) {
      const cert = validateCertificate({ ...c, metadata: meta(c.metadata.name ?? '') })._unsafeUnwrap() as Persisted<Certificate>;
      expect(checkRequest(cert, own).isOk(), cert.metadata.name).toBe(true);
    }
    expect(certificates.map((c) => c.spec.organizations)).toContainEqual(['system:masters']); // the admin's, from the admin role
  });
});

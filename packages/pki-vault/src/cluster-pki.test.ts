/**
 * The PKI the Cluster controller writes for a Cluster (`clusterPki` of `@kubeception/sdk/cluster`)
 * is what this package's controllers issue as asked: whatever its API domain and service network,
 * each Certificate passes `checkRequest` against the Cluster's own CertificateAuthority. (What
 * `clusterPki` makes is tested beside it, in the SDK.)
 */
import {
  validateCertificate,
  validateCertificateAuthority,
  validateCluster,
  type Certificate,
  type CertificateAuthority,
  type Cluster,
  type Persisted,
} from '@kubeception/sdk';
import { clusterPki } from '@kubeception/sdk/cluster';
import { describe, expect, it } from 'vitest';
import { checkRequest } from './certificate-request.js';

/** The Cluster `default/demo` with this API domain and service network, as the API server stores it. */
function demo(domain: string, serviceCIDR: string): Persisted<Cluster> {
  const spec = {
    provider: { kvm: {} },
    kubernetes: { version: '1.33.1', api: { domain, serviceCIDR } },
    ingress: { domain: 'apps.example.com' },
    network: { podCIDR: '10.2.0.0/16' },
    masters: { cpus: 2, memory: '4Gi', disk: '20Gi' },
  };
  const valid = validateCluster({
    apiVersion: 'kubeception.io/v1alpha1',
    kind: 'Cluster',
    metadata: { name: 'demo', namespace: 'default' },
    spec,
  })._unsafeUnwrap();
  return { ...valid, metadata: { ...valid.metadata, uid: 'uid-demo', resourceVersion: '1', generation: 1 } } as Persisted<Cluster>;
}

describe('clusterPki and checkRequest', () => {
  it.each([
    ['api.demo.k8s.example.com', '172.31.0.0/16'],
    ['k8s.example.com', '10.96.0.0/12'],
  ])('API %s, services %s: its CertificateAuthority issues each of its Certificates as asked', (domain, serviceCIDR) => {
    const cluster = demo(domain, serviceCIDR);
    const { authority, certificates } = clusterPki(cluster);
    const meta = (name: string) => ({ ...cluster.metadata, name, uid: `uid-${name}` });
    const own = validateCertificateAuthority({ ...authority, metadata: meta('demo') })._unsafeUnwrap() as Persisted<CertificateAuthority>;
    for (const c of certificates) {
      const cert = validateCertificate({ ...c, metadata: meta(c.metadata.name ?? '') })._unsafeUnwrap() as Persisted<Certificate>;
      expect(checkRequest(cert, own).isOk(), cert.metadata.name).toBe(true);
    }
    expect(certificates.map((c) => c.spec.organizations)).toContainEqual(['system:masters']); // the admin's, from the admin role
  });
});

/**
 * From a Cluster, the PKI it needs: its CertificateAuthority (one role per component, allowing
 * exactly the names that component's Certificate asks for) and the standard component
 * Certificates, all owned by the Cluster. SDK objects only, no backend: the Cluster controller
 * writes them and whichever PKI controllers run (pki-vault's, yours) make them real.
 */
import type { CertificateAuthorityInput } from '../models/certificate-authority.js';
import type { CertificateInput } from '../models/certificate.js';
import type { Cluster } from '../models/cluster.js';
import { parseCidr } from '../parse/cidr.js';
import type { OwnerReference, Persisted } from '../resource.js';
import { API_VERSION, Component } from '../vocabulary.js';

/** What one component's certificate says. */
export interface ComponentCertificate {
  /** The component (`api`, `etcd`, `worker`, `admin`, …): the Certificate's and its role's name. */
  readonly component: string;
  /** The certificate's common name (for `admin` and `worker`, the Kubernetes user). */
  readonly commonName: string;
  /** DNS subject alternative names. */
  readonly dnsNames: readonly string[];
  /** IP subject alternative names. */
  readonly ipAddresses: readonly string[];
  /** Organizations (for client certificates, the Kubernetes groups). */
  readonly organizations: readonly string[];
}

/** The standard components' certificates of a cluster (DESIGN.md §5). */
export function componentCertificates(cluster: Pick<Cluster, 'metadata' | 'spec'>): ComponentCertificate[] {
  const { api, dns } = cluster.spec.kubernetes;
  const base = api.domain.startsWith('api.') ? api.domain.slice(4) : api.domain;
  const service = parseCidr(api.serviceCIDR);
  const serviceIP = typeof service === 'string' ? undefined : [24, 16, 8, 0].map((shift) => Math.floor((service.first + 1) / 2 ** shift) % 256).join('.');
  const named = (component: string, extra: Partial<ComponentCertificate> = {}): ComponentCertificate => ({
    component,
    commonName: `${component}.${base}`,
    dnsNames: [`${component}.${base}`],
    ipAddresses: [],
    organizations: [],
    ...extra,
  });
  return [
    named(Component.Api, {
      commonName: api.domain,
      dnsNames: [api.domain, 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${dns.clusterDomain}`],
      ipAddresses: [...(serviceIP ? [serviceIP] : []), '127.0.0.1'],
    }),
    named(Component.Etcd, { dnsNames: [`etcd.${base}`, 'localhost'], ipAddresses: ['127.0.0.1'] }),
    named(Component.Worker, { organizations: ['system:nodes'] }),
    named(Component.Admin, { commonName: 'admin', dnsNames: [], organizations: ['system:masters'] }),
    named(Component.ServiceAccount),
    named(Component.FlanneldEtcdClient),
    named(Component.CalicoEtcdClient),
  ];
}

/**
 * The CertificateAuthority and Certificates a Cluster owns: the default `pki` of the Cluster
 * controller in the provider packages' operator factories.
 *
 * @example
 * ```ts
 * import { clusterPki, createClusterController } from '@kubeception/sdk/cluster';
 *
 * const controller = createClusterController({ driver, pki: clusterPki });
 * const { authority, certificates } = clusterPki(cluster); // 1 CertificateAuthority, 7 Certificates
 * ```
 */
export function clusterPki(cluster: Persisted<Cluster>): { authority: CertificateAuthorityInput; certificates: CertificateInput[] } {
  const { name, namespace } = cluster.metadata;
  const owner: OwnerReference = {
    apiVersion: cluster.apiVersion,
    kind: cluster.kind,
    name,
    uid: cluster.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
  const metadata = (objectName: string) => ({ name: objectName, namespace, labels: { 'kubeception.io/cluster': name }, ownerReferences: [owner] });
  const { caTTL, ttl, renewBefore } = cluster.spec.certificates;
  const components = componentCertificates(cluster);
  const authority: CertificateAuthorityInput = {
    apiVersion: API_VERSION,
    kind: 'CertificateAuthority',
    metadata: metadata(name),
    spec: {
      clusterRef: { name },
      commonName: cluster.spec.kubernetes.api.domain.replace(/^api\./, ''),
      ttl: caTTL,
      keyType: 'ec',
      roles: components.map((c) => ({
        name: c.component,
        allowedDomains: [...new Set([c.commonName, ...c.dnsNames])],
        allowBareDomains: true,
        allowSubdomains: false,
        allowIPSANs: c.ipAddresses.length > 0,
        organizations: [...c.organizations],
        maxTTL: ttl,
      })),
    },
  };
  const certificates: CertificateInput[] = components.map((c) => ({
    apiVersion: API_VERSION,
    kind: 'Certificate',
    metadata: metadata(`${name}-${c.component}`),
    spec: {
      clusterRef: { name },
      component: c.component,
      role: c.component,
      commonName: c.commonName,
      dnsNames: [...c.dnsNames],
      ipAddresses: [...c.ipAddresses],
      organizations: [...c.organizations],
      ttl,
      ...(renewBefore ? { renewBefore } : {}),
    },
  }));
  return { authority, certificates };
}

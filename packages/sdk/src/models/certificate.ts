import type { Result } from 'neverthrow';
import { z } from 'zod';
import { conditionColumn, customResourceDefinition, type CustomResourceDefinition } from '../crd.js';
import { isIpAddress } from '../parse/cidr.js';
import { parseDuration } from '../parse/duration.js';
import { defineResource, type ObjectMeta, type ResourceDescriptor } from '../resource.js';
import { conditionsSchema } from '../schema/condition.js';
import { clusterRef, dateTime, dnsLabel, dnsSubdomain, duration, observedGeneration } from '../schema/fields.js';
import type { FieldIssue, ValidationError } from '../validation.js';
import { type API_VERSION, CATEGORY, ConditionType, GROUP, VERSION } from '../vocabulary.js';
import { validateObject } from './validate.js';

const ipAddress = z
  .string()
  .meta({ description: 'An IPv4 or IPv6 address the certificate is valid for.' })
  .check(z.refine(isIpAddress, { error: (i) => `must be an IP address (got ${JSON.stringify(i.input)})` }));

const spec = z
  .strictObject({
    clusterRef,
    component: dnsLabel(63, 'Component the certificate is for, such as api, etcd, worker, admin, service-account, flanneld-etcd-client or calico-etcd-client.'),
    role: dnsLabel(63, 'Vault role of the cluster CA to issue with: a role name of the CertificateAuthority.'),
    commonName: z.string().min(1).max(64).meta({ description: 'Common name (CN), 1-64 characters; the Kubernetes user name of a client certificate.' }),
    dnsNames: z
      .array(z.string().min(1).meta({ description: 'A DNS name the certificate is valid for.' }))
      .default([])
      .meta({ description: 'DNS subject alternative names.' }),
    ipAddresses: z.array(ipAddress).default([]).meta({ description: 'IP address subject alternative names.' }),
    organizations: z
      .array(z.string().min(1).meta({ description: 'An organization (O), such as system:masters.' }))
      .default([])
      .meta({ description: 'Organizations (O): the Kubernetes RBAC groups of the holder of a client certificate.' }),
    ttl: duration('Requested lifetime of the certificate.').default('72h'),
    renewBefore: duration('How long before it expires the certificate is renewed; shorter than ttl. A third of ttl when unset.').optional(),
    secretName: dnsSubdomain('Name of the kubernetes.io/tls Secret holding tls.crt, tls.key and ca.crt; <cluster>-<component> when unset.').optional(),
  })
  .meta({
    description: 'Desired certificate of one guest cluster component.',
    'x-kubernetes-validations': [
      { rule: '!has(self.renewBefore) || duration(self.renewBefore) < duration(self.ttl)', message: 'renewBefore must be shorter than ttl' },
    ],
  });

const status = z
  .strictObject({
    observedGeneration: observedGeneration(),
    conditions: conditionsSchema.optional(),
    notBefore: dateTime('Start of the validity of the current certificate.').optional(),
    notAfter: dateTime('When the current certificate expires.').optional(),
    renewalTime: dateTime('When the certificate will be renewed: notAfter minus renewBefore.').optional(),
    serialNumber: z.string().optional().meta({ description: 'Serial number of the current certificate, as Vault reports it.' }),
    lastRotation: dateTime('When the Secret last got a new certificate.').optional(),
  })
  .meta({ description: 'Observed state of the certificate.' });

/** Descriptor of Certificate (`kcert`). */
export const CertificateResource: ResourceDescriptor<Certificate, CertificateInput> = defineResource({
  group: GROUP,
  version: VERSION,
  kind: 'Certificate',
  plural: 'certificates',
  shortNames: ['kcert'],
  categories: [CATEGORY],
  spec,
  status,
});

/** A component certificate, with defaults applied. */
export interface Certificate {
  /** Always `kubeception.io/v1alpha1` ({@link API_VERSION}). */
  apiVersion: typeof API_VERSION;
  /** Always `Certificate`. */
  kind: 'Certificate';
  /** Standard object metadata. */
  metadata: ObjectMeta;
  /** Desired state, with defaults applied. */
  spec: CertificateSpec;
  /** Observed state, written by the operator only. */
  status?: CertificateStatus;
}

/** A Certificate as a user writes it: fields with defaults are optional. */
export interface CertificateInput {
  /** Always `kubeception.io/v1alpha1` ({@link API_VERSION}). */
  apiVersion: typeof API_VERSION;
  /** Always `Certificate`. */
  kind: 'Certificate';
  /** Standard object metadata. */
  metadata: ObjectMeta;
  /** Desired state; fields with defaults may be left out. */
  spec: CertificateSpecInput;
  /** Observed state, written by the operator only. */
  status?: CertificateStatus;
}

/**
 * Desired certificate of one guest cluster component (`Certificate.spec`), with defaults applied.
 * @useDeclaredType
 */
export type CertificateSpec = z.output<typeof spec>;

/**
 * `Certificate.spec` as a user writes it: fields with defaults are optional.
 * @useDeclaredType
 */
export type CertificateSpecInput = z.input<typeof spec>;

/**
 * Observed state of a certificate (`Certificate.status`), written by the operator only.
 * @useDeclaredType
 */
export type CertificateStatus = z.output<typeof status>;

/** Checks a Certificate and applies defaults. */
export function validateCertificate(input: unknown): Result<Certificate, ValidationError> {
  return validateObject('Certificate', CertificateResource.schema as z.ZodType<Certificate>, input, checkCertificate);
}

function checkCertificate({ spec: s }: Certificate): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (s.renewBefore !== undefined && (parseDuration(s.renewBefore) ?? 0) >= (parseDuration(s.ttl) ?? 0)) {
    issues.push({ path: 'spec.renewBefore', message: `must be shorter than ttl (${s.renewBefore} ≥ ${s.ttl}), or the certificate would be renewed forever` });
  }
  return issues;
}

/** Name of the Secret a Certificate writes: `spec.secretName` or `<cluster>-<component>`. */
export function certificateSecretName(cert: { readonly spec: Pick<Certificate['spec'], 'clusterRef' | 'component' | 'secretName'> }): string {
  return cert.spec.secretName ?? `${cert.spec.clusterRef.name}-${cert.spec.component}`;
}

/** When to renew, in ms before expiry: `renewBefore`, or a third of `ttl`. */
export function renewBeforeMs(spec: { readonly ttl: string; readonly renewBefore?: string | undefined }): number {
  const ttl = parseDuration(spec.ttl) ?? 0;
  return spec.renewBefore === undefined ? ttl / 3 : (parseDuration(spec.renewBefore) ?? ttl / 3);
}

/** The Certificate CRD. */
export function certificateCrd(): CustomResourceDefinition {
  return customResourceDefinition(CertificateResource, {
    description: 'A certificate of one guest cluster component, issued by the cluster CertificateAuthority into a kubernetes.io/tls Secret.',
    printerColumns: [
      { name: 'Cluster', type: 'string', jsonPath: '.spec.clusterRef.name', description: 'Cluster the certificate belongs to.' },
      { name: 'Component', type: 'string', jsonPath: '.spec.component', description: 'Component the certificate is for.' },
      { name: 'Ready', type: 'string', jsonPath: conditionColumn(ConditionType.Ready), description: 'Status of the Ready condition.' },
      { name: 'Expires', type: 'date', jsonPath: '.status.notAfter', description: 'When the current certificate expires.' },
    ],
  });
}

import type { Result } from 'neverthrow';
import { z } from 'zod';
import { conditionColumn, customResourceDefinition, type CustomResourceDefinition } from '../crd.js';
import { isIpAddress } from '../parse/cidr.js';
import { parseDuration } from '../parse/duration.js';
import { defineResource, type ObjectMeta, type ResourceDescriptor } from '../resource.js';
import { conditionsSchema } from '../schema/condition.js';
import { clusterRef, dnsLabel, dnsSubdomain, duration, timestamp } from '../schema/fields.js';
import type { FieldIssue, ValidationError } from '../validation.js';
import { type API_VERSION, CATEGORY, ConditionType, GROUP, VERSION } from '../vocabulary.js';
import { validateObject } from './validate.js';

const ipAddress = z
  .string()
  .meta({ description: 'An IPv4 or IPv6 address.' })
  .check(z.refine(isIpAddress, { error: (i) => `must be an IP address (got ${JSON.stringify(i.input)})` }));

const spec = z
  .strictObject({
    clusterRef,
    component: dnsLabel(63, 'Component the certificate is for: api, etcd, worker, admin, service-account, flanneld-etcd-client, calico-etcd-client, …'),
    role: dnsLabel(63, 'Vault role of the cluster CA to issue with.'),
    commonName: z.string().min(1).max(64).meta({ description: 'CN: the Kubernetes user name for client certificates.' }),
    dnsNames: z.array(z.string().min(1)).default([]).meta({ description: 'DNS subject alternative names.' }),
    ipAddresses: z.array(ipAddress).default([]).meta({ description: 'IP subject alternative names.' }),
    organizations: z.array(z.string().min(1)).default([]).meta({ description: 'O: the Kubernetes RBAC groups.' }),
    ttl: duration('Requested lifetime.').default('72h'),
    renewBefore: duration('Renew this long before expiry; default ttl/3.').optional(),
    secretName: dnsSubdomain('Secret holding tls.crt, tls.key and ca.crt; default <cluster>-<component>.').optional(),
  })
  .meta({
    description: 'Desired certificate of one guest cluster component.',
    'x-kubernetes-validations': [
      { rule: '!has(self.renewBefore) || duration(self.renewBefore) < duration(self.ttl)', message: 'renewBefore must be shorter than ttl' },
    ],
  });

const status = z
  .strictObject({
    observedGeneration: z.int().min(0).optional(),
    conditions: conditionsSchema.optional(),
    notBefore: timestamp.optional(),
    notAfter: timestamp.optional(),
    renewalTime: timestamp.optional().meta({ description: 'When the certificate will be renewed.' }),
    serialNumber: z.string().optional(),
    lastRotation: timestamp.optional().meta({ description: 'When the Secret last got a new certificate.' }),
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
  apiVersion: typeof API_VERSION;
  kind: 'Certificate';
  metadata: ObjectMeta;
  spec: CertificateSpec;
  status?: CertificateStatus;
}
export type CertificateSpec = z.output<typeof spec>;

/** A Certificate as a user writes it: fields with defaults are optional. */
export interface CertificateInput {
  apiVersion: typeof API_VERSION;
  kind: 'Certificate';
  metadata: ObjectMeta;
  spec: z.input<typeof spec>;
  status?: CertificateStatus;
}
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
    printerColumns: [
      { name: 'Cluster', type: 'string', jsonPath: '.spec.clusterRef.name' },
      { name: 'Component', type: 'string', jsonPath: '.spec.component' },
      { name: 'Ready', type: 'string', jsonPath: conditionColumn(ConditionType.Ready) },
      { name: 'Expires', type: 'date', jsonPath: '.status.notAfter' },
    ],
  });
}

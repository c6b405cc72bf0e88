import type { Result } from 'neverthrow';
import { z } from 'zod';
import { conditionColumn, customResourceDefinition, type CustomResourceDefinition } from '../crd.js';
import { parseDuration } from '../parse/duration.js';
import { defineResource, type ObjectMeta, type ResourceDescriptor } from '../resource.js';
import { conditionsSchema } from '../schema/condition.js';
import { clusterRef, dnsLabel, dnsSubdomain, duration, timestamp } from '../schema/fields.js';
import type { FieldIssue, ValidationError } from '../validation.js';
import { type API_VERSION, CATEGORY, ConditionType, GROUP, VERSION } from '../vocabulary.js';
import { validateObject } from './validate.js';

const role = z
  .strictObject({
    name: dnsLabel(63, 'Vault role name, unique within the CA.'),
    allowedDomains: z.array(dnsSubdomain()).optional().meta({ description: "Domains this role may issue for; default the CA's allowedDomains." }),
    allowSubdomains: z.boolean().default(false).meta({ description: 'Allow names below the allowed domains.' }),
    allowBareDomains: z.boolean().default(false).meta({ description: 'Allow the allowed domains themselves.' }),
    allowIPSANs: z.boolean().default(false).meta({ description: 'Allow IP subject alternative names.' }),
    organizations: z.array(z.string().min(1)).default([]).meta({ description: 'O of issued certificates (the Kubernetes RBAC groups).' }),
    ttl: duration('Default lifetime of certificates issued with this role.').optional(),
    maxTTL: duration('Longest lifetime this role issues.').optional(),
  })
  .meta({ description: 'A Vault PKI role: which names a component may get certificates for.' });

const spec = z
  .strictObject({
    clusterRef,
    commonName: z.string().min(1).max(64).meta({ description: 'CN of the root CA certificate.' }),
    ttl: duration('Lifetime of the root CA.').default('87600h'),
    keyType: z.enum(['ec', 'rsa']).default('ec').meta({ description: 'Key algorithm: ec (P-256) or rsa (2048).' }),
    allowedDomains: z.array(dnsSubdomain()).default([]).meta({ description: 'Domains roles may issue for unless they narrow it.' }),
    roles: z
      .array(role)
      .default([])
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], description: 'Vault roles, one per component.' }),
  })
  .meta({ description: 'Desired root CA of a guest cluster.' });

const status = z
  .strictObject({
    observedGeneration: z.int().min(0).optional(),
    conditions: conditionsSchema.optional(),
    mountPath: z.string().optional().meta({ description: 'Vault mount of this PKI: pki-<cluster>.' }),
    certificate: z.string().optional().meta({ description: 'The CA certificate (PEM, public).' }),
    notAfter: timestamp.optional(),
    serialNumber: z.string().optional(),
  })
  .meta({ description: 'Observed state of the CA.' });

/** Descriptor of CertificateAuthority (`kca`). */
export const CertificateAuthorityResource: ResourceDescriptor<CertificateAuthority, CertificateAuthorityInput> = defineResource({
  group: GROUP,
  version: VERSION,
  kind: 'CertificateAuthority',
  plural: 'certificateauthorities',
  shortNames: ['kca'],
  categories: [CATEGORY],
  spec,
  status,
});

/** A guest cluster's root CA, with defaults applied. */
export interface CertificateAuthority {
  apiVersion: typeof API_VERSION;
  kind: 'CertificateAuthority';
  metadata: ObjectMeta;
  spec: CertificateAuthoritySpec;
  status?: CertificateAuthorityStatus;
}
export type CertificateAuthoritySpec = z.output<typeof spec>;

/** A CertificateAuthority as a user writes it: fields with defaults are optional. */
export interface CertificateAuthorityInput {
  apiVersion: typeof API_VERSION;
  kind: 'CertificateAuthority';
  metadata: ObjectMeta;
  spec: z.input<typeof spec>;
  status?: CertificateAuthorityStatus;
}
export type CertificateAuthorityStatus = z.output<typeof status>;
export type CertificateAuthorityRole = z.output<typeof role>;

/** Checks a CertificateAuthority and applies defaults. */
export function validateCertificateAuthority(input: unknown): Result<CertificateAuthority, ValidationError> {
  return validateObject('CertificateAuthority', CertificateAuthorityResource.schema as z.ZodType<CertificateAuthority>, input, checkRoles);
}

function checkRoles(ca: CertificateAuthority): FieldIssue[] {
  const caTTL = parseDuration(ca.spec.ttl) ?? 0;
  const seen = new Set<string>();
  return ca.spec.roles.flatMap((r, i) => {
    const at = `spec.roles[${i}]`;
    const issues: FieldIssue[] = [];
    if (seen.has(r.name)) issues.push({ path: `${at}.name`, message: `duplicate role name "${r.name}"` });
    seen.add(r.name);
    const ttl = r.ttl === undefined ? undefined : parseDuration(r.ttl);
    const max = r.maxTTL === undefined ? undefined : parseDuration(r.maxTTL);
    if (ttl !== undefined && max !== undefined && ttl > max) issues.push({ path: `${at}.ttl`, message: `must not be longer than maxTTL (${r.ttl} > ${r.maxTTL})` });
    if (max !== undefined && max > caTTL) issues.push({ path: `${at}.maxTTL`, message: `must not be longer than the CA's ttl (${r.maxTTL} > ${ca.spec.ttl})` });
    if ((r.allowedDomains ?? ca.spec.allowedDomains).length === 0 && (r.allowSubdomains || r.allowBareDomains)) {
      issues.push({ path: `${at}.allowedDomains`, message: 'allows subdomains or bare domains but no domain is allowed (set allowedDomains here or on the CA)' });
    }
    return issues;
  });
}

/** The CertificateAuthority CRD. */
export function certificateAuthorityCrd(): CustomResourceDefinition {
  return customResourceDefinition(CertificateAuthorityResource, {
    printerColumns: [
      { name: 'Cluster', type: 'string', jsonPath: '.spec.clusterRef.name' },
      { name: 'Ready', type: 'string', jsonPath: conditionColumn(ConditionType.Ready) },
      { name: 'Expires', type: 'date', jsonPath: '.status.notAfter' },
    ],
  });
}

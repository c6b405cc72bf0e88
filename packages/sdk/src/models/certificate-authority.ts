import type { Result } from 'neverthrow';
import { z } from 'zod';
import { conditionColumn, customResourceDefinition, type CustomResourceDefinition } from '../crd.js';
import { parseDuration } from '../parse/duration.js';
import { defineResource, type ObjectMeta, type ResourceDescriptor } from '../resource.js';
import { conditionsSchema } from '../schema/condition.js';
import { clusterRef, dateTime, dnsLabel, dnsSubdomain, duration, observedGeneration } from '../schema/fields.js';
import type { FieldIssue, ValidationError } from '../validation.js';
import { type API_VERSION, CATEGORY, ConditionType, GROUP, VERSION } from '../vocabulary.js';
import { validateObject } from './validate.js';

const role = z
  .strictObject({
    name: dnsLabel(63, 'Vault role name, unique within the CA.'),
    allowedDomains: z
      .array(dnsSubdomain('A domain this role may issue certificates for.'))
      .optional()
      .meta({ description: "Domains this role may issue certificates for; the CA's allowedDomains when unset." }),
    allowSubdomains: z.boolean().default(false).meta({ description: 'Allow names below the allowed domains (x.example.com for example.com).' }),
    allowBareDomains: z.boolean().default(false).meta({ description: 'Allow the allowed domains themselves as names.' }),
    allowIPSANs: z.boolean().default(false).meta({ description: 'Allow IP address subject alternative names.' }),
    organizations: z
      .array(z.string().min(1).meta({ description: 'An organization (O), such as system:masters.' }))
      .default([])
      .meta({ description: 'Organizations (O) of the certificates issued with this role: the Kubernetes RBAC groups of their holders.' }),
    ttl: duration('Lifetime of certificates issued with this role when the request names none; at most maxTTL.').optional(),
    maxTTL: duration("Longest lifetime this role issues; at most the CA's ttl.").optional(),
  })
  .meta({ description: 'A Vault PKI role: which names a component may get certificates for.' });

const spec = z
  .strictObject({
    clusterRef,
    commonName: z.string().min(1).max(64).meta({ description: 'Common name (CN) of the root CA certificate, 1-64 characters.' }),
    ttl: duration('Lifetime of the root CA certificate.').default('87600h'),
    keyType: z.enum(['ec', 'rsa']).default('ec').meta({ description: 'Key algorithm of the CA: ec (ECDSA P-256) or rsa (RSA 2048).' }),
    allowedDomains: z
      .array(dnsSubdomain('A domain certificates may be issued for.'))
      .default([])
      .meta({ description: 'Domains the roles may issue certificates for, unless a role sets its own.' }),
    roles: z
      .array(role)
      .default([])
      .meta({
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        description: 'Vault PKI roles of this CA, one per component, keyed by name.',
      }),
  })
  .meta({ description: 'Desired root CA of a guest cluster.' });

const status = z
  .strictObject({
    observedGeneration: observedGeneration(),
    conditions: conditionsSchema.optional(),
    mountPath: z.string().optional().meta({ description: 'Vault mount of this PKI: pki-<cluster-id>.' }),
    certificate: z.string().optional().meta({ description: 'The CA certificate, PEM-encoded (public).' }),
    notAfter: dateTime('When the CA certificate expires.').optional(),
    serialNumber: z.string().optional().meta({ description: 'Serial number of the CA certificate, as Vault reports it.' }),
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
  /** Always `kubeception.io/v1alpha1` ({@link API_VERSION}). */
  apiVersion: typeof API_VERSION;
  /** Always `CertificateAuthority`. */
  kind: 'CertificateAuthority';
  /** Standard object metadata. */
  metadata: ObjectMeta;
  /** Desired state, with defaults applied. */
  spec: CertificateAuthoritySpec;
  /** Observed state, written by the operator only. */
  status?: CertificateAuthorityStatus;
}

/** A CertificateAuthority as a user writes it: fields with defaults are optional. */
export interface CertificateAuthorityInput {
  /** Always `kubeception.io/v1alpha1` ({@link API_VERSION}). */
  apiVersion: typeof API_VERSION;
  /** Always `CertificateAuthority`. */
  kind: 'CertificateAuthority';
  /** Standard object metadata. */
  metadata: ObjectMeta;
  /** Desired state; fields with defaults may be left out. */
  spec: CertificateAuthoritySpecInput;
  /** Observed state, written by the operator only. */
  status?: CertificateAuthorityStatus;
}

/**
 * Desired root CA of a guest cluster (`CertificateAuthority.spec`), with defaults applied.
 * @useDeclaredType
 */
export type CertificateAuthoritySpec = z.output<typeof spec>;

/**
 * `CertificateAuthority.spec` as a user writes it: fields with defaults are optional.
 * @useDeclaredType
 */
export type CertificateAuthoritySpecInput = z.input<typeof spec>;

/**
 * Observed state of a CA (`CertificateAuthority.status`), written by the operator only.
 * @useDeclaredType
 */
export type CertificateAuthorityStatus = z.output<typeof status>;

/**
 * A Vault PKI role of a CA (`spec.roles[]`), with defaults applied: which names a component may
 * get certificates for.
 * @useDeclaredType
 */
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
    if (ttl !== undefined && max !== undefined && ttl > max)
      issues.push({ path: `${at}.ttl`, message: `must not be longer than maxTTL (${r.ttl} > ${r.maxTTL})` });
    if (max !== undefined && max > caTTL) issues.push({ path: `${at}.maxTTL`, message: `must not be longer than the CA's ttl (${r.maxTTL} > ${ca.spec.ttl})` });
    if ((r.allowedDomains ?? ca.spec.allowedDomains).length === 0 && (r.allowSubdomains || r.allowBareDomains)) {
      issues.push({
        path: `${at}.allowedDomains`,
        message: 'allows subdomains or bare domains but no domain is allowed (set allowedDomains here or on the CA)',
      });
    }
    return issues;
  });
}

/** The CertificateAuthority CRD. */
export function certificateAuthorityCrd(): CustomResourceDefinition {
  return customResourceDefinition(CertificateAuthorityResource, {
    description: 'The root certificate authority of a guest cluster, kept in a Vault PKI mount, and the roles it issues with.',
    printerColumns: [
      { name: 'Cluster', type: 'string', jsonPath: '.spec.clusterRef.name', description: 'Cluster the CA belongs to.' },
      { name: 'Ready', type: 'string', jsonPath: conditionColumn(ConditionType.Ready), description: 'Status of the Ready condition.' },
      { name: 'Expires', type: 'date', jsonPath: '.status.notAfter', description: 'When the CA certificate expires.' },
    ],
  });
}

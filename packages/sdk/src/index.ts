/**
 * `@kubeception/sdk`: models, CRDs and conditions for Kubeception guest clusters. No I/O.
 *
 * It also re-exports `z` from [zod](https://zod.dev), so provider schemas are built with the
 * same zod instance the SDK uses (not listed below).
 *
 * @example
 * ```ts
 * import { validateCluster, kubeceptionCrds, toYamlDocuments } from '@kubeception/sdk';
 * const result = validateCluster(obj);
 * result.match((cluster) => console.log(cluster.spec.masters), (error) => console.error(error.message));
 * console.log(toYamlDocuments(kubeceptionCrds()));
 * ```
 * @packageDocumentation
 */

// Vocabularies
export {
  API_VERSION,
  Annotation,
  CATEGORY,
  ClusterPhase,
  Component,
  ConditionStatus,
  ConditionType,
  Finalizer,
  GROUP,
  Label,
  NodeRole,
  Reason,
  VERSION,
} from './vocabulary.js';
export { DEFAULT_INGRESS_VERSION, DEFAULT_KUBERNETES_VERSION, SUPPORTED_KUBERNETES_VERSIONS } from './versions.js';
export type { KubernetesVersion } from './versions.js';

// Resources
export { defineResource, objectMetaSchema } from './resource.js';
export type {
  KubeObject,
  ObjectMeta,
  OwnerReference,
  Persisted,
  PersistedMeta,
  ResourceDefinition,
  ResourceDescriptor,
  ResourceInput,
  ResourceObject,
  ResourceScope,
} from './resource.js';

// Models
export { ClusterResource, createClusterModel, validateCluster } from './models/cluster.js';
export type {
  Cluster,
  ClusterInput,
  ClusterModel,
  ClusterSpec,
  ClusterSpecInput,
  ClusterStatus,
  OpenProviderSpecs,
  ValidateClusterOptions,
} from './models/cluster.js';
export { MAX_CLUSTER_NAME_LENGTH, MAX_POOL_NAME_LENGTH } from './models/cluster-spec.js';
export { CertificateAuthorityResource, certificateAuthorityCrd, validateCertificateAuthority } from './models/certificate-authority.js';
export type {
  CertificateAuthority,
  CertificateAuthorityInput,
  CertificateAuthorityRole,
  CertificateAuthoritySpec,
  CertificateAuthoritySpecInput,
  CertificateAuthorityStatus,
} from './models/certificate-authority.js';
export { CertificateResource, certificateCrd, certificateSecretName, renewBeforeMs, validateCertificate } from './models/certificate.js';
export type { Certificate, CertificateInput, CertificateSpec, CertificateSpecInput, CertificateStatus } from './models/certificate.js';

// Providers
export { defineProvider } from './provider.js';
export type { ProviderCheckInput, ProviderDefinition, ProviderSpecs } from './provider.js';

// Validation
export { formatPath, validationError } from './validation.js';
export type { FieldIssue, ValidationError } from './validation.js';

// Conditions
export { getCondition, isFalse, isTrue, removeCondition, setCondition, summarizeReady } from './conditions.js';
export type { Condition, ConditionInput, SummaryOptions } from './conditions.js';

// CRDs
export { conditionColumn, customResourceDefinition } from './crd.js';
export type { CrdOptions, CustomResourceDefinition, PrinterColumn, ValidationRule } from './crd.js';
export { kubeceptionCrds, toYamlDocuments } from './crds.js';
export type { CrdsOptions } from './crds.js';
export { toStructuralSchema } from './schema/openapi.js';
export type { JSONSchemaProps } from './schema/openapi.js';

// PKI backend contract
export { PkiErrorKind, pkiError } from './pki.js';
export type {
  AuthorityInfo,
  AuthorityOwner,
  AuthoritySpec,
  ClusterToken,
  IssueRequest,
  IssuedCertificate,
  PkiBackend,
  PkiError,
  RoleSpec,
  TokenRequest,
} from './pki.js';
export { SecretValue } from './secret.js';

// Field helpers for provider schemas
export { cidr, clusterRef, dnsLabel, dnsSubdomain, duration, quantity, semver, stringMap } from './schema/fields.js';
export { labelMap } from './schema/labels.js';
export { formatDuration, parseDuration } from './parse/duration.js';
export { formatBytes, parseQuantity } from './parse/quantity.js';
export { canonicalQuantity, quantitiesEqual, QuantityError, quantityError } from './parse/canonical-quantity.js';
export type { CanonicalQuantityOptions } from './parse/canonical-quantity.js';
export { cidrFrom, cidrsOverlap, parseCidr } from './parse/cidr.js';
export type { Cidr } from './parse/cidr.js';

/** zod, re-exported so provider schemas are built with the same instance the SDK uses. */
export { z } from 'zod';

// Cluster identity
export { CLUSTER_ID_HASH_LENGTH, clusterHash, clusterId } from './cluster-id.js';
export type { ClusterCoordinates } from './cluster-id.js';

// Errors
export { errorChain, formatError } from './errors.js';
export type { ErrorLink } from './errors.js';

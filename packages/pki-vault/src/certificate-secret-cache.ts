/**
 * Where the Certificate controller reads Secrets (internal), as cert-manager's filtered Secret
 * caching does: the metadata of every Secret (to see one in the way of a Certificate, whoever
 * wrote it, and to hear it change or go) and the Secrets Certificates write, which carry the
 * cluster label, with their data values as digests (`dataDigests`: a certificate checked once is
 * known by its digests, `certificate-secret-check.ts`). A host's other Secrets — most of them,
 * and often large — are not kept in memory, nor is any key or certificate text.
 */
import { certificateSecretName, Label, type Certificate, type Persisted } from '@kubeception/sdk';
import { SecretResource, type Secret } from '@kubeception/sdk/kube';
import { dataDigests, watchKind, type ReconcileContext, type Selection, type Watch } from '@kubeception/sdk/runtime';

/** Every Secret, metadata only. */
export const SECRET_METADATA: Selection = { metadataOnly: true };
/** The Secrets Certificates write (labelled with their cluster), their data values as digests (shared with the Cluster controller and the KVM driver). */
export const CERTIFICATE_SECRET_DATA: Selection = { labelSelector: Label.Cluster, transform: dataDigests };

type Ctx = Pick<ReconcileContext<Certificate>, 'cache'>;

/** A Certificate's Secret as the caches show it: absent, present (whole when labelled), or not yet in the data cache. */
export type CachedSecret =
  | { readonly kind: 'absent' }
  /** With its data values as digests when it carries the label; otherwise metadata only (someone else's, or ours with the label taken off). */
  | { readonly kind: 'present'; readonly secret: Persisted<Secret> }
  /** Labelled, but the data cache shows another version yet: its event queues the Certificate again. */
  | { readonly kind: 'catching-up' };

/** The Certificate's Secret, from the two caches. */
export function cachedSecret(ctx: Ctx, cert: Persisted<Certificate>): CachedSecret {
  const key = `${cert.metadata.namespace}/${certificateSecretName(cert)}`;
  const metadata = ctx.cache(SecretResource, SECRET_METADATA).get(key);
  if (metadata === undefined) return { kind: 'absent' };
  if (metadata.metadata.labels?.[Label.Cluster] === undefined) return { kind: 'present', secret: metadata };
  const whole = ctx.cache(SecretResource, CERTIFICATE_SECRET_DATA).get(key);
  return whole?.metadata.resourceVersion === metadata.metadata.resourceVersion ? { kind: 'present', secret: whole } : { kind: 'catching-up' };
}

/** The Secret, or undefined when absent or catching up (its metadata is enough: owner, uid, labels). */
export function cachedSecretMetadata(ctx: Ctx, cert: Persisted<Certificate>): Persisted<Secret> | undefined {
  return ctx.cache(SecretResource, SECRET_METADATA).get(`${cert.metadata.namespace}/${certificateSecretName(cert)}`);
}

/** A change of a Secret, in either cache, queues the Certificates `map` names for it. */
export function secretWatches(map: Watch<Secret>['map']): Watch[] {
  return [SECRET_METADATA, CERTIFICATE_SECRET_DATA].map((selection) => watchKind({ resource: SecretResource, selection, map }));
}

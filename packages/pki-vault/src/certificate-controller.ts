/**
 * The Certificate controller: issues each component certificate from the CA of its cluster (in
 * the Certificate's own namespace) into a `kubernetes.io/tls` Secret the Certificate owns, and
 * renews it before it expires or as soon as it no longer chains to the CA's current root.
 */
import {
  CertificateAuthorityResource,
  CertificateResource,
  ConditionType,
  Finalizer,
  Reason,
  certificateSecretName,
  isTrue,
  validateCertificate,
  type Certificate,
  type CertificateAuthority,
  type PkiBackend,
  type Persisted,
} from '@kubeception/sdk';
import { cacheIndex, done, objectKey, waitFor, watchKind, type Controller } from '@kubeception/sdk/runtime';
import { okAsync } from 'neverthrow';
import { notReady } from './conditions.js';
import { cleanup, issue, keepReady, type Ctx, type IssueDeps } from './certificate-issue.js';
import { ownedBy, secretConflict } from './certificate-secret.js';
import { createSecretChecks } from './certificate-secret-check.js';
import { cachedSecret, secretWatches } from './certificate-secret-cache.js';
import { createPkiController } from './pki-controller.js';
import { BY_CLUSTER, clusterKey, clusterOf } from './pki-index.js';
import { PkiReason } from './reasons.js';
import { issueReasonOf } from './renewal.js';

/** Options of {@link createCertificateController}. */
export interface CertificateControllerOptions {
  /** Where certificates are issued (e.g. `createVaultPki`). */
  readonly pki: PkiBackend;
  /** @default 'cert-operator' */
  readonly name?: string;
  /** Only Certificates in this namespace. @default every namespace */
  readonly namespace?: string;
  /** @default 4 */
  readonly concurrency?: number;
  /** The clock. @default () => new Date() */
  readonly now?: () => Date;
}

type Ca = Persisted<CertificateAuthority>;

/** Index of Certificates by the Secret they write (`namespace/secretName`). */
const BY_SECRET = 'kubeception.io/secretName';
const secretKeyOf = (cert: { readonly metadata: { readonly namespace?: string | undefined }; readonly spec?: Certificate['spec'] }): readonly string[] =>
  cert.spec ? [`${cert.metadata.namespace ?? ''}/${certificateSecretName(cert as { spec: Certificate['spec'] })}`] : [];

/** The Certificate's CA: the Ready one of its own namespace for its clusterRef, with its root (one being deleted is not). */
function authorityOf(cert: Persisted<Certificate>, ctx: Ctx): { ca?: Ca; exists: boolean } {
  const candidates = ctx.cache(CertificateAuthorityResource).byIndex(BY_CLUSTER, clusterKey(cert));
  const ready = candidates.find(
    (ca) => isTrue(ca.status?.conditions, ConditionType.Ready) && ca.status?.certificate !== undefined && ca.metadata.deletionTimestamp === undefined,
  );
  return { ...(ready ? { ca: ready } : {}), exists: candidates.length > 0 };
}

/** Continues with the CA, the Secret and what to do about them: conflicts and waits end the pass, then issue or confirm. */
function applyValid(deps: IssueDeps, cert: Persisted<Certificate>, ctx: Ctx) {
  const { ca, exists } = authorityOf(cert, ctx);
  const ref = `${cert.spec.clusterRef.name} in namespace ${cert.metadata.namespace}`;
  if (!exists)
    return notReady(
      cert,
      ctx,
      PkiReason.AuthorityNotFound,
      `no CertificateAuthority for cluster ${ref}: a Certificate uses only the CertificateAuthority of its own namespace`,
    ).map(() => done());
  if (ca === undefined) {
    const message = `waiting for the CertificateAuthority of cluster ${ref} to be Ready`;
    return notReady(cert, ctx, Reason.Waiting, message).map(() => waitFor(message));
  }
  const cached = cachedSecret(ctx, cert);
  if (cached.kind === 'catching-up') return okAsync(done());
  const secret = cached.kind === 'present' ? cached.secret : undefined;
  if (secret !== undefined && !ownedBy(secret, cert))
    return notReady(cert, ctx, PkiReason.SecretConflict, secretConflict(secret, cert).message).map(() => done());
  return deps.checks.check(ctx, cert, secret, ca.status?.certificate ?? '').andThen((check) => {
    const why = issueReasonOf(cert, check, deps.now());
    return why !== undefined ? issue(deps, { cert, ctx, ca, secret, why }) : keepReady(deps, cert, ctx);
  });
}

/**
 * Creates the Certificate controller.
 *
 * @example
 * ```ts
 * const controller = createCertificateController({ pki: createVaultPki({ client }) });
 * ```
 */
export function createCertificateController(options: CertificateControllerOptions): Controller {
  const deps: IssueDeps = { pki: options.pki, now: options.now ?? (() => new Date()), checks: createSecretChecks() };
  return createPkiController({
    options,
    defaults: { name: 'cert-operator', concurrency: 4 },
    resource: CertificateResource,
    finalizer: Finalizer.CertOperator,
    indexes: [
      cacheIndex({ resource: CertificateResource, name: BY_CLUSTER, fn: clusterOf }),
      cacheIndex({ resource: CertificateResource, name: BY_SECRET, fn: secretKeyOf }),
      cacheIndex({ resource: CertificateAuthorityResource, name: BY_CLUSTER, fn: clusterOf }),
    ],
    watches: [
      // a CA becoming Ready, rotating, going or coming back concerns every Certificate of its cluster
      watchKind({ resource: CertificateAuthorityResource, map: (ca, certs) => certs.byIndex(BY_CLUSTER, clusterKey(ca)).map((c) => objectKey(c)) }),
      // a Secret changed or gone concerns every Certificate naming it (its owner, and one waiting in SecretConflict)
      ...secretWatches((secret, certs) => certs.byIndex(BY_SECRET, objectKey(secret)).map((c) => objectKey(c))),
    ],
    validate: validateCertificate,
    apply: (cert, ctx) => applyValid(deps, cert, ctx),
    cleanup: (cert, ctx) => cleanup(deps, cert, ctx),
  });
}

/**
 * A Certificate's Secret: created by the Certificate, written again only while its controller
 * owner reference is the Certificate's uid, deleted only under a uid precondition. A Secret
 * someone else owns (another Certificate, a user, another controller) is never taken over
 * (internal).
 */
import { certificateSecretName, type Certificate, type IssuedCertificate, type Persisted } from '@kubeception/sdk';
import { readByList, SecretResource, type KubeClient, type KubeError, type Secret } from '@kubeception/sdk/kube';
import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { SecretPems } from './renewal.js';

/** Why a Secret was not written. */
export type SecretWriteError = SecretConflict | { readonly kind: 'Kube'; readonly cause: KubeError };
/** The Secret exists and is not this Certificate's. */
export interface SecretConflict {
  readonly kind: 'SecretConflict';
  readonly message: string;
}

const FIELD_MANAGER = 'cert-operator';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const text = (value: string | undefined) => (value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8'));

/** Whether the Secret's controller owner reference is this Certificate (by uid: a same-named predecessor is not it). */
export function ownedBy(secret: Pick<Secret, 'metadata'>, cert: Persisted<Certificate>): boolean {
  return (secret.metadata?.ownerReferences ?? []).some((r) => r.controller === true && r.kind === 'Certificate' && r.uid === cert.metadata.uid);
}

/** Who a Secret belongs to, for a message. */
export function describeSecretOwner(secret: Pick<Secret, 'metadata'>): string {
  const owner = (secret.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  return owner ? `${owner.kind} ${owner.name}` : 'nobody kubeception manages (it is not owned by a Certificate)';
}

/** The conflict to report for a Secret this Certificate does not own. */
export function secretConflict(secret: Pick<Secret, 'metadata'>, cert: Persisted<Certificate>): SecretConflict {
  const name = certificateSecretName(cert);
  return {
    kind: 'SecretConflict',
    message: `Secret ${name} already exists and belongs to ${describeSecretOwner(secret)}; a Certificate writes only a Secret it created. Choose another spec.secretName or delete that Secret.`,
  };
}

/** `tls.crt` and `ca.crt` of a Secret, decoded. */
export function secretPems(secret: Pick<Secret, 'data'> | undefined): SecretPems | undefined {
  if (secret === undefined) return undefined;
  const certificate = text(secret.data?.['tls.crt']);
  const ca = text(secret.data?.['ca.crt']);
  return { ...(certificate === undefined ? {} : { certificate }), ...(ca === undefined ? {} : { ca }) };
}

function secretFor(cert: Persisted<Certificate>, issued: IssuedCertificate): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: {
      name: certificateSecretName(cert),
      namespace: cert.metadata.namespace,
      labels: { 'kubeception.io/cluster': cert.spec.clusterRef.name },
      ownerReferences: [
        { apiVersion: cert.apiVersion, kind: cert.kind, name: cert.metadata.name, uid: cert.metadata.uid, controller: true, blockOwnerDeletion: true },
      ],
    },
    data: secretData(issued),
  };
}

/** The `data` of a Certificate's Secret holding `issued` (base64): `tls.crt` (the leaf, then its chain), `tls.key`, `ca.crt`. */
export function secretData(issued: IssuedCertificate): Record<string, string> {
  return { 'tls.crt': b64([issued.certificate, ...issued.chain].join('\n')), 'tls.key': b64(issued.privateKey.reveal()), 'ca.crt': b64(issued.caCertificate) };
}

/** Replaces our own Secret, guarded by its resourceVersion: a Secret changed since it was read is not overwritten (409, retried). */
function replaceOwn(kube: KubeClient, current: Persisted<Secret>, wanted: Secret): ResultAsync<void, SecretWriteError> {
  const metadata = {
    ...current.metadata,
    labels: { ...current.metadata.labels, ...wanted.metadata?.labels },
    ownerReferences: wanted.metadata?.ownerReferences ?? [],
  };
  return kube
    .resource(SecretResource)
    .replace({ ...wanted, metadata }, { fieldManager: FIELD_MANAGER })
    .map(() => undefined)
    .mapErr((cause): SecretWriteError => ({ kind: 'Kube', cause }));
}

/**
 * Writes the issued certificate: creates the Secret when `existing` (from the cache) is absent,
 * and on AlreadyExists re-reads it and writes only if it is this Certificate's; replaces it when
 * `existing` is ours. The caller has checked `existing` is ours or absent.
 */
export function writeSecret(
  kube: KubeClient,
  cert: Persisted<Certificate>,
  existing: Persisted<Secret> | undefined,
  issued: IssuedCertificate,
): ResultAsync<void, SecretWriteError> {
  const wanted = secretFor(cert, issued);
  const secrets = kube.resource(SecretResource);
  if (existing !== undefined) return ownedBy(existing, cert) ? replaceOwn(kube, existing, wanted) : errAsync(secretConflict(existing, cert));
  return secrets
    .create(wanted, { fieldManager: FIELD_MANAGER })
    .map(() => undefined)
    .orElse((cause): ResultAsync<void, SecretWriteError> => {
      if (cause.kind !== 'AlreadyExists') return errAsync({ kind: 'Kube', cause });
      // read by a LIST of its name: the cert-operator's role grants list on Secrets, not get (gone
      // since: the AlreadyExists is returned, and the next pass creates it)
      return readByList(secrets, certificateSecretName(cert), cert.metadata.namespace ?? '')
        .mapErr((e): SecretWriteError => ({ kind: 'Kube', cause: e }))
        .andThen((current) =>
          current === undefined
            ? errAsync<void, SecretWriteError>({ kind: 'Kube', cause })
            : ownedBy(current, cert)
              ? replaceOwn(kube, current, wanted)
              : errAsync(secretConflict(current, cert)),
        );
    });
}

/** Deletes the Secret only if it is this Certificate's, with its uid as a precondition. */
export function deleteOwnSecret(kube: KubeClient, cert: Persisted<Certificate>, cached: Persisted<Secret> | undefined): ResultAsync<void, KubeError> {
  if (cached === undefined || !ownedBy(cached, cert)) return okAsync(undefined);
  return kube
    .resource(SecretResource)
    .delete(cached.metadata.name, { namespace: cached.metadata.namespace ?? '', preconditions: { uid: cached.metadata.uid } })
    .map(() => undefined)
    .orElse((e) => (e.kind === 'NotFound' || e.kind === 'Conflict' ? okAsync(undefined) : errAsync(e))); // gone, or replaced by another object
}

/**
 * The Certificate controller: issues each component certificate from its cluster's CA into a
 * `kubernetes.io/tls` Secret (owned by the Certificate) and renews it before it expires.
 */
import {
  CertificateAuthorityResource,
  CertificateResource,
  ConditionType,
  Finalizer,
  Reason,
  certificateSecretName,
  formatDuration,
  isTrue,
  validateCertificate,
  type Certificate,
  type CertificateAuthority,
  type CertificateInput,
  type PkiBackend,
  type Persisted,
} from '@kubeception/sdk';
import { SecretResource, type Secret } from '@kubeception/sdk/kube';
import { cacheIndex, changedBeyondStatusOrFinalizer, createController, done, objectKey, patchConditions, requeueAfter, waitFor, watchKind, withFinalizer, type Controller, type ReconcileContext } from '@kubeception/sdk/runtime';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { branch, notReady, reportPkiError, type PkiControllerError } from './conditions.js';
import { issueReason, renewalTime, ttlWithin } from './renewal.js';

/** Options of {@link createCertificateController}. */
export interface CertificateControllerOptions {
  readonly pki: PkiBackend;
  /** @default 'cert-operator' */
  readonly name?: string;
  readonly namespace?: string;
  /** @default 4 */
  readonly concurrency?: number;
  /** The clock. @default () => new Date() */
  readonly now?: () => Date;
}

type Ctx = ReconcileContext<Certificate, CertificateInput>;

/** The caches' index of PKI objects by their cluster (`namespace/name`): a lookup, not a walk of every Certificate or CA. */
const BY_CLUSTER = 'kubeception.io/clusterRef';
type ClusterOwned = { readonly metadata: { readonly namespace?: string | undefined }; readonly spec?: { readonly clusterRef?: { readonly name?: string } } };
const clusterKey = (o: ClusterOwned) => `${o.metadata.namespace ?? ''}/${o.spec?.clusterRef?.name ?? ''}`;
const clusterOf = (o: ClusterOwned): readonly string[] => (o.spec?.clusterRef?.name ? [clusterKey(o)] : []);
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

export function createCertificateController(options: CertificateControllerOptions): Controller {
  const now = options.now ?? (() => new Date());
  const { pki } = options;

  const authorityOf = (cert: Persisted<Certificate>, ctx: Ctx): Persisted<CertificateAuthority> | undefined => ctx.cache(CertificateAuthorityResource).byIndex(BY_CLUSTER, clusterKey(cert))[0];

  const issue = (cert: Persisted<Certificate>, ctx: Ctx, ca: Persisted<CertificateAuthority>, why: string) => {
    const at = now();
    const ttl = ttlWithin(cert, ca.status?.notAfter ?? '', at);
    if (ttl === undefined) return notReady(cert, ctx, 'CAExpiring', `the CA expires at ${ca.status?.notAfter}: a new certificate would not outlive renewBefore; rotate the CA`).map(() => done());
    ctx.log.info({ reason: why }, 'issuing certificate');
    const request = { cluster: cert.spec.clusterRef.name, role: cert.spec.role, commonName: cert.spec.commonName, dnsNames: cert.spec.dnsNames, ipAddresses: cert.spec.ipAddresses, ttl: formatDuration(ttl) };
    return branch(
      pki.issue(request),
      (issued) => {
        const secret: Secret = {
          apiVersion: 'v1',
          kind: 'Secret',
          type: 'kubernetes.io/tls',
          metadata: {
            name: certificateSecretName(cert),
            namespace: cert.metadata.namespace,
            labels: { 'kubeception.io/cluster': cert.spec.clusterRef.name },
            ownerReferences: [{ apiVersion: cert.apiVersion, kind: cert.kind, name: cert.metadata.name, uid: cert.metadata.uid, controller: true, blockOwnerDeletion: true }],
          },
          data: { 'tls.crt': b64([issued.certificate, ...issued.chain].join('\n')), 'tls.key': b64(issued.privateKey.reveal()), 'ca.crt': b64(issued.caCertificate) },
        };
        const renewal = renewalTime(cert, issued.notAfter);
        return ctx.kube
          .resource(SecretResource)
          .apply(secret, { fieldManager: 'cert-operator', force: true })
          .andThen(() =>
            patchConditions<Certificate>(ctx.client as never, cert, [{ type: ConditionType.Ready, status: 'True', reason: Reason.AsExpected, message: `certificate ${issued.serialNumber} valid until ${issued.notAfter}` }], {
              observedGeneration: cert.metadata.generation,
              notBefore: issued.notBefore,
              notAfter: issued.notAfter,
              renewalTime: renewal.toISOString(),
              serialNumber: issued.serialNumber,
              lastRotation: at.toISOString(),
            }),
          )
          .andThen(() => ResultAsync.fromSafePromise(ctx.events.record(cert, { type: 'Normal', reason: 'Issued', message: `issued certificate ${issued.serialNumber} (${why})` })))
          .map(() => requeueAfter(Math.max(1000, renewal.getTime() - at.getTime())))
          .mapErr((cause): PkiControllerError => ({ kind: 'Kube', cause }));
      },
      (error) => reportPkiError(cert, ctx, error),
    );
  };

  const applyValid = (cert: Persisted<Certificate>, ctx: Ctx) => {
    const ca = authorityOf(cert, ctx);
    if (ca === undefined || !isTrue(ca.status?.conditions, ConditionType.Ready)) {
      const message = `waiting for the CertificateAuthority of cluster ${cert.spec.clusterRef.name} to be Ready`;
      return notReady(cert, ctx, Reason.Waiting, message).map(() => waitFor(message));
    }
    const secret = ctx.cache(SecretResource).get(`${cert.metadata.namespace}/${certificateSecretName(cert)}`);
    const crt = secret?.data?.['tls.crt'];
    const why = issueReason(cert, crt === undefined ? undefined : Buffer.from(crt, 'base64').toString('utf8'), now());
    if (why !== undefined) return issue(cert, ctx, ca, why);
    const renewal = renewalTime(cert, cert.status?.notAfter ?? '');
    return okAsync(requeueAfter(Math.max(1000, renewal.getTime() - now().getTime())));
  };

  return createController({
    name: options.name ?? 'cert-operator',
    resource: CertificateResource,
    concurrency: options.concurrency ?? 4,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    // its own status and finalizer writes queue nothing (a full resync still looks at every Certificate)
    predicate: changedBeyondStatusOrFinalizer(Finalizer.CertOperator),
    indexes: [cacheIndex({ resource: CertificateResource, name: BY_CLUSTER, fn: clusterOf }), cacheIndex({ resource: CertificateAuthorityResource, name: BY_CLUSTER, fn: clusterOf })],
    owns: [SecretResource],
    watches: [
      // a CA becoming Ready (or rotating) concerns every Certificate of its cluster
      watchKind({
        resource: CertificateAuthorityResource,
        map: (ca, certs) => certs.byIndex(BY_CLUSTER, clusterKey(ca)).map((c) => objectKey(c)),
      }),
    ],
    reconcile: withFinalizer(Finalizer.CertOperator, {
      apply: (cert, ctx) =>
        validateCertificate(cert).match(
          () => applyValid(cert, ctx),
          (invalid) => notReady(cert, ctx, Reason.InvalidSpec, invalid.message).map(() => done()),
        ),
      cleanup: (cert, ctx) => {
        const serial = cert.status?.serialNumber;
        if (serial === undefined) return okAsync(done());
        return pki
          .revoke(cert.spec.clusterRef.name, serial)
          .map(() => done())
          .orElse((error) => (error.kind === 'NotFound' || error.kind === 'Invalid' ? okAsync(done()) : errAsync<ReturnType<typeof done>, typeof error>(error)))
          .orElse((error) => reportPkiError(cert, ctx, error));
      },
    }),
  });
}

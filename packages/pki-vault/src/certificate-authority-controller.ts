/**
 * The CertificateAuthority controller: makes the cluster's PKI real (mount, root CA, one role
 * per component), reports the public CA in status, and on deletion revokes every certificate
 * and unmounts, so no mount outlives its CertificateAuthority.
 */
import {
  CertificateAuthorityResource,
  ConditionType,
  Finalizer,
  Reason,
  validateCertificateAuthority,
  type CertificateAuthority,
  type CertificateAuthorityInput,
  type PkiBackend,
  type PkiError,
  type Persisted,
} from '@kubeception/sdk';
import { changedBeyondStatusOrFinalizer, createController, done, patchConditions, withFinalizer, type Controller, type ReconcileContext } from '@kubeception/sdk/runtime';
import { ResultAsync } from 'neverthrow';
import { branch, notReady, reportPkiError, type PkiControllerError } from './conditions.js';

/** Options of {@link createCertificateAuthorityController}. */
export interface CertificateAuthorityControllerOptions {
  readonly pki: PkiBackend;
  /** @default 'ca-operator' */
  readonly name?: string;
  readonly namespace?: string;
  /** @default 2 */
  readonly concurrency?: number;
}

type Ctx = ReconcileContext<CertificateAuthority, CertificateAuthorityInput>;

export function createCertificateAuthorityController(options: CertificateAuthorityControllerOptions): Controller {
  const { pki } = options;

  // the roles are independent: ensured at once, a CA waits for one round of Vault requests, not
  // one per role (seven roles one after another were most of a CA's reconcile time)
  const ensureRoles = (ca: Persisted<CertificateAuthority>): ResultAsync<void, PkiError> =>
    ResultAsync.combine(
      ca.spec.roles.map((role) =>
        pki.ensureRole({
          cluster: ca.spec.clusterRef.name,
          name: role.name,
          allowedDomains: role.allowedDomains ?? ca.spec.allowedDomains,
          allowSubdomains: role.allowSubdomains,
          allowBareDomains: role.allowBareDomains,
          allowIPSANs: role.allowIPSANs,
          organizations: role.organizations,
          keyType: ca.spec.keyType,
          ...(role.ttl ? { ttl: role.ttl } : {}),
          ...(role.maxTTL ? { maxTTL: role.maxTTL } : {}),
        }),
      ),
    ).map(() => undefined);

  const applyValid = (ca: Persisted<CertificateAuthority>, ctx: Ctx) => {
    const converged = pki
      .ensureAuthority({ cluster: ca.spec.clusterRef.name, commonName: ca.spec.commonName, ttl: ca.spec.ttl, keyType: ca.spec.keyType })
      .andThen((info) => ensureRoles(ca).map(() => info));
    return branch(
      converged,
      (info) =>
        patchConditions<CertificateAuthority>(ctx.client as never, ca, [{ type: ConditionType.Ready, status: 'True', reason: Reason.AsExpected, message: `CA ${info.serialNumber} in ${info.mountPath}` }], {
          observedGeneration: ca.metadata.generation,
          mountPath: info.mountPath,
          certificate: info.certificate,
          notAfter: info.notAfter,
          serialNumber: info.serialNumber,
        })
          .map(() => done())
          .mapErr((cause): PkiControllerError => ({ kind: 'Kube', cause })),
      (error) => reportPkiError(ca, ctx, error),
    );
  };

  return createController({
    name: options.name ?? 'ca-operator',
    resource: CertificateAuthorityResource,
    concurrency: options.concurrency ?? 2,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    // its own status and finalizer writes queue nothing: the pass its finalizer caused re-read the
    // mount, the CA and every role from Vault for nothing (9 of a cluster's 35 Vault requests); a
    // resync still checks Vault
    predicate: changedBeyondStatusOrFinalizer(Finalizer.CaOperator),
    reconcile: withFinalizer(Finalizer.CaOperator, {
      apply: (ca, ctx) =>
        validateCertificateAuthority(ca).match(
          () => applyValid(ca, ctx),
          (invalid) => notReady(ca, ctx, Reason.InvalidSpec, invalid.message).map(() => done()),
        ),
      cleanup: (ca, ctx) =>
        pki
          .destroyAuthority(ca.spec.clusterRef.name)
          .map(() => done())
          .orElse((error) => reportPkiError(ca, ctx, error)),
    }),
  });
}

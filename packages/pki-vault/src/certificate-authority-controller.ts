/**
 * The CertificateAuthority controller: makes the PKI of the Cluster its `clusterRef` names in
 * its own namespace real (mount `pki-<cluster-id>` recording this CA as its owner, root CA, one
 * role per component), reports the public CA in status, and on deletion revokes every
 * certificate and unmounts — only a mount it owns.
 */
import {
  CertificateAuthorityResource,
  ClusterResource,
  ConditionType,
  Finalizer,
  Reason,
  getCondition,
  validateCertificateAuthority,
  type AuthorityInfo,
  type CertificateAuthority,
  type CertificateAuthorityInput,
  type PkiBackend,
  type PkiError,
  type Persisted,
} from '@kubeception/sdk';
import { cacheIndex, done, objectKey, patchConditions, requeueAfter, watchKind, type Controller, type ReconcileContext } from '@kubeception/sdk/runtime';
import { ResultAsync } from 'neverthrow';
import { branch, notReady, reportPkiError, type PkiControllerError } from './conditions.js';
import { createPkiController } from './pki-controller.js';
import { BY_CLUSTER, clusterKey, clusterOf, coordinates, ownerOf } from './pki-index.js';
import { PkiReason } from './reasons.js';

/** Options of {@link createCertificateAuthorityController}. */
export interface CertificateAuthorityControllerOptions {
  /** Where the CAs live (e.g. `createVaultPki`). */
  readonly pki: PkiBackend;
  /** @default 'ca-operator' */
  readonly name?: string;
  /** Only CertificateAuthorities in this namespace. @default every namespace */
  readonly namespace?: string;
  /** @default 2 */
  readonly concurrency?: number;
}

type Ctx = ReconcileContext<CertificateAuthority, CertificateAuthorityInput>;
type Ca = Persisted<CertificateAuthority>;

/** How often a CA whose mount belongs to someone else looks again (the owner may let go of it). */
const CONFLICT_RECHECK_MS = 5 * 60_000;

const reasonOf = (ca: Ca) => getCondition(ca.status?.conditions, ConditionType.Ready)?.reason;

// the roles are independent: ensured at once, a CA waits for one round of Vault requests, not
// one per role (seven roles one after another were most of a CA's reconcile time)
function ensureRoles(pki: PkiBackend, ca: Ca): ResultAsync<void, PkiError> {
  return ResultAsync.combine(
    ca.spec.roles.map((role) =>
      pki.ensureRole({
        cluster: coordinates(ca),
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
}

function reportReady(ca: Ca, ctx: Ctx, info: AuthorityInfo) {
  const ready = { type: ConditionType.Ready, status: 'True', reason: Reason.AsExpected, message: `CA ${info.serialNumber} in ${info.mountPath}` } as const;
  const facts = {
    observedGeneration: ca.metadata.generation,
    mountPath: info.mountPath,
    certificate: info.certificate,
    notAfter: info.notAfter,
    serialNumber: info.serialNumber,
  };
  return patchConditions<CertificateAuthority>(ctx.client, ca, [ready], facts)
    .map(() => done())
    .mapErr((cause): PkiControllerError => ({ kind: 'Kube', cause }));
}

/** The Cluster must exist in the CA's namespace before anything is created; then mount, root and roles, or MountConflict. */
function applyValid(pki: PkiBackend, ca: Ca, ctx: Ctx) {
  const { namespace } = ca.metadata;
  if (ctx.cache(ClusterResource).get(clusterKey(ca)) === undefined) {
    const message = `Cluster ${ca.spec.clusterRef.name} not found in namespace ${namespace}: a CertificateAuthority serves only a Cluster of its own namespace; nothing was created`;
    return notReady(ca, ctx, PkiReason.ClusterNotFound, message).map(() => done()); // the Cluster watch brings it back
  }
  const { commonName, ttl, keyType } = ca.spec;
  const converged = pki
    .ensureAuthority({ cluster: coordinates(ca), owner: ownerOf(ca), commonName, ttl, keyType })
    .andThen((info) => ensureRoles(pki, ca).map(() => info));
  return branch(
    converged,
    (info) => reportReady(ca, ctx, info),
    (error) =>
      error.kind === 'Conflict'
        ? notReady(ca, ctx, PkiReason.MountConflict, error.message).map(() => requeueAfter(CONFLICT_RECHECK_MS))
        : reportPkiError(ca, ctx, error),
  );
}

/**
 * Creates the CertificateAuthority controller.
 *
 * @example
 * ```ts
 * const controller = createCertificateAuthorityController({ pki: createVaultPki({ client }) });
 * ```
 */
export function createCertificateAuthorityController(options: CertificateAuthorityControllerOptions): Controller {
  const { pki } = options;
  return createPkiController({
    options,
    defaults: { name: 'ca-operator', concurrency: 2 },
    resource: CertificateAuthorityResource,
    // its own writes queue nothing: the pass its finalizer caused re-read the mount, the CA and
    // every role from Vault for nothing (9 of a cluster's 35 Vault requests)
    finalizer: Finalizer.CaOperator,
    indexes: [cacheIndex({ resource: CertificateAuthorityResource, name: BY_CLUSTER, fn: clusterOf })],
    watches: [
      // a Cluster appearing wakes the CAs waiting for it; one going makes its CAs report it (no
      // other Cluster change costs a Vault round)
      watchKind({
        resource: ClusterResource,
        ...(options.namespace ? { selection: { namespace: options.namespace } } : {}),
        map: (cluster, cas, deleted) =>
          cas
            .byIndex(BY_CLUSTER, objectKey(cluster))
            .filter((ca) => deleted || reasonOf(ca as Ca) === PkiReason.ClusterNotFound)
            .map((ca) => objectKey(ca)),
      }),
      // a CA gone (its mount released) wakes the other CAs of its cluster waiting in MountConflict
      watchKind({
        resource: CertificateAuthorityResource,
        ...(options.namespace ? { selection: { namespace: options.namespace } } : {}),
        map: (gone, cas, deleted) =>
          deleted
            ? cas
                .byIndex(BY_CLUSTER, clusterKey(gone))
                .filter((ca) => ca.metadata.uid !== gone.metadata.uid)
                .map((ca) => objectKey(ca))
            : [],
      }),
    ],
    validate: validateCertificateAuthority,
    apply: (ca, ctx) => applyValid(pki, ca, ctx),
    // only a mount this CA owns is revoked and removed (destroyAuthority checks the owner)
    cleanup: (ca, ctx) =>
      pki
        .destroyAuthority(coordinates(ca), ownerOf(ca))
        .map(() => done())
        .orElse((error) => reportPkiError(ca, ctx, error)),
  });
}

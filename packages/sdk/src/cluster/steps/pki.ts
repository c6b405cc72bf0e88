/**
 * The PKI step of the Cluster controller: the Cluster's CertificateAuthority and component
 * Certificates (`DesiredPki`), owned by the Cluster.
 *
 * - `ensurePki` applies the objects whose spec differs from the cache: the CA, and the
 *   Certificates once the CA is Ready (created with it, each would first report that it waits for
 *   the CA: a status write of every Certificate, and a wake-up of the Cluster). It goes on once
 *   all are Ready; until then it reports `CertificatesReady=False` and waits for their events.
 * - A CA or Certificate of the same name that the Cluster does not control is someone else's:
 *   never taken over by a forced apply, reported (`PkiConflict`), looked at again in a minute.
 * - `removePki` deletes the objects the Cluster controls and waits until they are gone (their
 *   finalizers unmount Vault).
 */
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { isTrue } from '../../conditions.js';
import type { KubeError } from '../../kube/errors.js';
import { CertificateAuthorityResource } from '../../models/certificate-authority.js';
import { CertificateResource } from '../../models/certificate.js';
import type { Cluster } from '../../models/cluster.js';
import type { KubeObject, Persisted } from '../../resource.js';
import { waitFor } from '../../runtime/action.js';
import { jsonEqual } from '../../runtime/status.js';
import { next } from '../../runtime/steps.js';
import { ConditionType, Reason } from '../../vocabulary.js';
import { deletingStatus, pendingStatus, refusedStatus } from '../cluster-status.js';
import { kubeFailed, writeStatus, type ClusterReconcileContext, type ClusterStepContext, type ClusterStepResult } from './context.js';

/** How often a Cluster whose PKI object names are taken looks again (the other object's deletion queues nothing). */
const FOREIGN_RECHECK_MS = 60_000;

/** An object with conditions in its status, as the CA's. */
type WithConditions = { status?: { conditions?: readonly { type: string; status: string; message?: string }[] } };

/** Whether `object`'s controller owner reference is `cluster`. */
export function controls(cluster: Persisted<Cluster>, object: KubeObject): boolean {
  return object.metadata?.ownerReferences?.some((ref) => ref.controller === true && ref.uid === cluster.metadata.uid) === true;
}

/** The first of the cached objects (by kind) that exists and is not controlled by `cluster`. */
export function foreignObject(cluster: Persisted<Cluster>, cached: readonly { readonly kind: string; readonly object: Persisted<KubeObject> | undefined }[]) {
  return cached.find((c): c is { kind: string; object: Persisted<KubeObject> } => c.object !== undefined && !controls(cluster, c.object));
}

/** Whether applying `desired` would change `cached`: it is missing, or its spec lacks or differs in a field of `desired`'s. */
export function specChanged(desired: { spec: object }, cached: { spec: object } | undefined): boolean {
  return cached === undefined || !jsonEqual({ ...cached.spec, ...desired.spec }, cached.spec);
}

/**
 * What a Cluster whose PKI is not Ready waits for. Messages do not count down: every Certificate
 * turning Ready would be a status write of the Cluster (and a count is what `kubectl get kcert`
 * shows anyway). The CA's own Ready condition is quoted when it says why it is not Ready (e.g.
 * Vault is sealed).
 */
export function pkiWaitingFor(authorityName: string | undefined, ca: WithConditions | undefined, caReady: boolean, certificates: number): string {
  if (caReady) return `waiting until all ${certificates} Certificates are Ready`;
  const ready = ca?.status?.conditions?.find((c) => c.type === ConditionType.Ready);
  const says = ready?.status === 'False' && ready.message ? `: ${ready.message}` : '';
  return `waiting for CertificateAuthority ${authorityName} to be Ready${says}`;
}

/** Applies the PKI objects that differ from the cache; reports CertificatesReady. */
export function ensurePki<S, P>(step: ClusterStepContext<S, P>, cluster: Persisted<Cluster>, ctx: ClusterReconcileContext): ClusterStepResult {
  const { authority, certificates } = step.pki(cluster);
  const namespace = cluster.metadata.namespace;
  const cas = ctx.cache(CertificateAuthorityResource);
  const certCache = ctx.cache(CertificateResource);
  const cachedCert = (cert: { metadata: { name?: string } }) => certCache.get(`${namespace}/${cert.metadata.name}`);
  const cachedCa = cas.get(`${namespace}/${authority.metadata.name}`);
  const foreign = foreignObject(cluster, [
    { kind: 'CertificateAuthority', object: cachedCa },
    ...certificates.map((cert) => ({ kind: 'Certificate', object: cachedCert(cert) })),
  ]);
  if (foreign !== undefined) {
    const message = `${foreign.kind} ${namespace}/${foreign.object.metadata.name} exists and is not controlled by this Cluster; delete or rename it`;
    return writeStatus(cluster, ctx, refusedStatus(cluster, Reason.PkiConflict, message)).map(() => waitFor(message, FOREIGN_RECHECK_MS));
  }
  const caReady = isTrue(cachedCa?.status?.conditions, ConditionType.Ready);
  const apply = { fieldManager: step.fieldManager, force: true };
  // the Certificates are created once the CA is Ready (see the module doc)
  const wanted = caReady ? certificates : certificates.filter((cert) => cachedCert(cert) !== undefined);
  const applies: (() => ResultAsync<unknown, KubeError>)[] = [
    () => (specChanged(authority, cachedCa) ? ctx.kube.resource(CertificateAuthorityResource).apply(authority, apply) : okAsync(undefined)),
    ...wanted.map((cert) => () => (specChanged(cert, cachedCert(cert)) ? ctx.kube.resource(CertificateResource).apply(cert, apply) : okAsync(undefined))),
  ];
  const applied = applies.reduce<ResultAsync<unknown, KubeError>>((chain, run) => chain.andThen(run), okAsync(undefined));
  return applied.mapErr(kubeFailed).andThen(() => {
    const ready = caReady && certificates.every((c) => isTrue(cachedCert(c)?.status?.conditions, ConditionType.Ready));
    if (ready) return okAsync(next());
    const message = pkiWaitingFor(authority.metadata.name, cachedCa, caReady, certificates.length);
    const condition = { type: ConditionType.CertificatesReady, status: 'False' as const, reason: Reason.Waiting, message };
    return writeStatus(cluster, ctx, pendingStatus(cluster, step.driver.name, condition)).map(() => waitFor(message));
  });
}

/** Deletes the PKI objects the Cluster controls and waits until they are gone (their finalizers unmount Vault). */
export function removePki<S, P>(step: ClusterStepContext<S, P>, cluster: Persisted<Cluster>, ctx: ClusterReconcileContext): ClusterStepResult {
  const { authority, certificates } = step.pki(cluster);
  const namespace = cluster.metadata.namespace;
  // only what this Cluster controls: a same-named object it refused to take over (PkiConflict)
  // is someone else's, and stays
  const ours = (object: KubeObject | undefined) => object !== undefined && controls(cluster, object);
  const present = [
    ...certificates
      .filter((c) => ours(ctx.cache(CertificateResource).get(`${namespace}/${c.metadata.name}`)))
      .map((c) => ({ kind: CertificateResource, name: c.metadata.name ?? '' })),
    ...(ours(ctx.cache(CertificateAuthorityResource).get(`${namespace}/${authority.metadata.name}`))
      ? [{ kind: CertificateAuthorityResource, name: authority.metadata.name ?? '' }]
      : []),
  ];
  if (present.length === 0) return okAsync(next());
  const deletes = present.map((p) =>
    ctx.kube
      .resource(p.kind as typeof CertificateResource)
      .delete(p.name, { namespace })
      .orElse((e) => (e.kind === 'NotFound' ? okAsync(undefined) : errAsync(e))),
  );
  return ResultAsync.combine(deletes)
    .mapErr(kubeFailed)
    .andThen(() => writeStatus(cluster, ctx, deletingStatus(cluster, `waiting for ${present.length} PKI objects to go`)))
    .map(() => waitFor(`${present.length} PKI objects still exist`));
}

/**
 * What the Cluster controller's steps (`preflight.ts`, `pki.ts`, `infrastructure.ts`,
 * `kubeconfig.ts`) share: a small context (the driver, the desired PKI, the field manager, the
 * cached Secrets), the controller's error type,
 * and the few helpers every step uses to write status and to speak the driver's terms.
 */
import { errAsync, type ResultAsync } from 'neverthrow';
import type { KubeError } from '../../kube/errors.js';
import type { CertificateAuthorityInput } from '../../models/certificate-authority.js';
import type { CertificateInput } from '../../models/certificate.js';
import type { Cluster } from '../../models/cluster.js';
import type { Persisted } from '../../resource.js';
import { requeueAfter, waitFor } from '../../runtime/action.js';
import type { BoundedMap } from '../../internal/bounded-map.js';
import type { ReconcileContext } from '../../runtime/controller.js';
import type { Selection } from '../../runtime/informer.js';
import { patchStatusIfChanged } from '../../runtime/status.js';
import { next, type StepOutcome } from '../../runtime/steps.js';
import { refusedStatus } from '../cluster-status.js';
import type { ClusterDriver, DriverContext, DriverError, DriverProgress } from '../driver.js';

/** The PKI objects a Cluster needs (e.g. {@link clusterPki}, what the provider packages' operator factories give). */
export type DesiredPki = (cluster: Persisted<Cluster>) => { readonly authority: CertificateAuthorityInput; readonly certificates: readonly CertificateInput[] };

/** Errors of the Cluster controller. */
export type ClusterControllerError =
  { readonly kind: 'Kube'; readonly cause: KubeError } | { readonly kind: 'Driver'; readonly cause: DriverError; readonly terminal?: true };

/** What every step of one Cluster controller knows. */
export interface ClusterStepContext<S, P> {
  /** The provider driver. */
  readonly driver: ClusterDriver<S, P>;
  /** The CertificateAuthority and Certificates each Cluster needs. */
  readonly pki: DesiredPki;
  /** The controller's field manager (of its applies). */
  readonly fieldManager: string;
  /** The Secrets the controller caches: certificate and kubeconfig Secrets (`clusterSecrets`). */
  readonly secrets: Selection;
  /** The digest of the kubeconfig made from each set of inputs (the admin certificate's digests, the endpoint: `kubeconfig.ts`). */
  readonly kubeconfigs: BoundedMap<string, string>;
}

/** The reconcile context of the Cluster controller. */
export type ClusterReconcileContext = ReconcileContext<Cluster, Cluster>;

/** A step's answer. */
export type ClusterStepResult = ResultAsync<StepOutcome, ClusterControllerError>;

/** A failed API call, as an error of the controller. */
export const kubeFailed = (cause: KubeError): ClusterControllerError => ({ kind: 'Kube', cause });

/** A driver's error, as an error of the controller (terminal when the driver's is). */
export const driverFailed = (cause: DriverError): ClusterControllerError => ({ kind: 'Driver', cause, ...(cause.terminal ? { terminal: true as const } : {}) });

/** Writes the Cluster's status when it differs from what the Cluster has. */
export function writeStatus(
  cluster: Persisted<Cluster>,
  ctx: ClusterReconcileContext,
  status: NonNullable<Cluster['status']>,
): ResultAsync<Persisted<Cluster>, ClusterControllerError> {
  return patchStatusIfChanged(ctx.client, cluster, status).mapErr(kubeFailed);
}

/** The Cluster's provider part for this driver (`spec.provider.<driver name>`). */
export function providerSpec<S, P>({ driver }: ClusterStepContext<S, P>, cluster: Persisted<Cluster>): S {
  return (cluster.spec.provider as Record<string, unknown>)[driver.name] as S;
}

/** What a driver gets of the reconcile context. */
export function driverContext(ctx: ClusterReconcileContext): DriverContext {
  return { cache: (descriptor, selection) => ctx.cache(descriptor, selection), log: ctx.log, signal: ctx.signal };
}

/** A driver's progress as a step's answer: `done` goes on to the next step. */
export function progressOutcome(progress: DriverProgress): StepOutcome {
  return progress.type === 'done' ? next() : progress.type === 'requeueAfter' ? requeueAfter(progress.ms) : waitFor(progress.reason, progress.recheckAfterMs);
}

/** Terminal driver errors refuse the Cluster: `Ready=False` with the error's reason, and no retry until it changes. */
export function refuse(cluster: Persisted<Cluster>, ctx: ClusterReconcileContext, error: DriverError): ResultAsync<never, ClusterControllerError> {
  return error.terminal
    ? writeStatus(cluster, ctx, refusedStatus(cluster, error.reason ?? error.kind, error.message)).andThen(() => errAsync(driverFailed(error)))
    : errAsync(driverFailed(error));
}

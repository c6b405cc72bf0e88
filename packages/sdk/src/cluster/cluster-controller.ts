/**
 * `createClusterController`: the provider-agnostic Cluster controller. It validates the
 * Cluster, ensures its PKI (CertificateAuthority and component Certificates, owned by the
 * Cluster) and waits for it, then runs the driver; on deletion it runs the driver's cleanup,
 * deletes the PKI and lets the Cluster go. See `contract.md`.
 */
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import { isTrue } from '../conditions.js';
import type { KubeError } from '../kube/errors.js';
import { CertificateAuthorityResource, type CertificateAuthorityInput } from '../models/certificate-authority.js';
import { CertificateResource, type CertificateInput } from '../models/certificate.js';
import { createClusterModel, type Cluster } from '../models/cluster.js';
import type { KubeObject, Persisted, ResourceDescriptor } from '../resource.js';
import { done, requeueAfter, waitFor, type Action } from '../runtime/action.js';
import { watchKind, type Controller, type ReconcileContext } from '../runtime/controller.js';
import { createController } from '../runtime/controller-loop.js';
import { objectKey } from '../runtime/store.js';
import { changedBeyondStatusOrFinalizer } from '../runtime/predicates.js';
import { withFinalizer, type FinalizerError } from '../runtime/finalizer.js';
import { patchStatusIfChanged, jsonEqual } from '../runtime/status.js';
import { steps, next, type StepError, type StepOutcome } from '../runtime/steps.js';
import { ConditionType, Reason } from '../vocabulary.js';
import { deletingStatus, infrastructureStatus, invalidStatus, pendingStatus, refusedStatus } from './cluster-status.js';
import type { ClusterDriver, DriverContext, DriverError, DriverProgress } from './driver.js';

/** How often a Cluster whose PKI object names are taken looks again (the other object's deletion queues nothing). */
const FOREIGN_RECHECK_MS = 60_000;

/** Whether `object`'s controller owner reference is `cluster`. */
const controls = (cluster: Persisted<Cluster>, object: KubeObject): boolean =>
  object.metadata?.ownerReferences?.some((ref) => ref.controller === true && ref.uid === cluster.metadata.uid) === true;

/** The PKI objects a Cluster needs (e.g. `clusterPki` of `@kubeception/pki-vault`). */
export type DesiredPki = (cluster: Persisted<Cluster>) => { readonly authority: CertificateAuthorityInput; readonly certificates: readonly CertificateInput[] };

/** Options of {@link createClusterController}. */
export interface ClusterControllerOptions<S, P> {
  /** The provider driver that turns Clusters into infrastructure. */
  readonly driver: ClusterDriver<S, P>;
  /** The CertificateAuthority and Certificates each Cluster needs. */
  readonly pki: DesiredPki;
  /** @default `${driver.name}-operator` */
  readonly name?: string;
  /** @default `kubeception.io/${driver.name}-operator` */
  readonly finalizer?: string;
  /** Only Clusters in this namespace. @default every namespace */
  readonly namespace?: string;
  /** @default 4 */
  readonly concurrency?: number;
}

/** Errors of the Cluster controller. */
export type ClusterControllerError = { readonly kind: 'Kube'; readonly cause: KubeError } | { readonly kind: 'Driver'; readonly cause: DriverError; readonly terminal?: true };

type Ctx = ReconcileContext<Cluster, Cluster>;

/**
 * The provider-agnostic Cluster controller: validates each Cluster of the driver's provider, ensures its PKI and
 * waits for it, runs the driver's `observe` and `apply` and writes status; on deletion runs `cleanup`, deletes
 * the PKI objects and removes its finalizer. See the driver contract, {@link ClusterDriver}.
 *
 * @example
 * ```ts
 * import { createClusterController } from '@kubeception/sdk/cluster';
 * import { createManager } from '@kubeception/sdk/runtime';
 * import { createKvmDriver } from '@kubeception/driver-kvm';
 * import { clusterPki } from '@kubeception/pki-vault';
 *
 * const controller = createClusterController({ driver: createKvmDriver(kvmOptions), pki: clusterPki });
 * await createManager({ controllers: [controller], handleSignals: true }).start();
 * ```
 */
export function createClusterController<S, P>(options: ClusterControllerOptions<S, P>): Controller {
  const { driver } = options;
  const model = createClusterModel({ providers: [driver.provider] });
  const fieldManager = options.name ?? `${driver.name}-operator`;
  const finalizer = options.finalizer ?? `kubeception.io/${driver.name}-operator`;
  const kube = (cause: KubeError): ClusterControllerError => ({ kind: 'Kube', cause });
  const failed = (cause: DriverError): ClusterControllerError => ({ kind: 'Driver', cause, ...(cause.terminal ? { terminal: true as const } : {}) });
  const writeStatus = (cluster: Persisted<Cluster>, ctx: Ctx, status: NonNullable<Cluster['status']>) =>
    patchStatusIfChanged(ctx.client, cluster, status).mapErr(kube);
  const specOf = (cluster: Persisted<Cluster>) => (cluster.spec.provider as Record<string, unknown>)[driver.name] as S;
  const driverContext = (ctx: Ctx): DriverContext => ({ cache: (descriptor, selection) => ctx.cache(descriptor, selection), log: ctx.log, signal: ctx.signal });
  const toAction = (progress: DriverProgress): StepOutcome =>
    progress.type === 'done' ? next() : progress.type === 'requeueAfter' ? requeueAfter(progress.ms) : waitFor(progress.reason, progress.recheckAfterMs);

  /** What the CA's own Ready condition says, when it says why it is not Ready (e.g. Vault is sealed). */
  const caSays = (ca: { status?: { conditions?: readonly { type: string; status: string; message?: string }[] } } | undefined) => {
    const ready = ca?.status?.conditions?.find((c) => c.type === ConditionType.Ready);
    return ready?.status === 'False' && ready.message ? `: ${ready.message}` : '';
  };

  /** Applies the PKI objects that differ from the cache; reports CertificatesReady. */
  const certificates = (cluster: Persisted<Cluster>, ctx: Ctx): ResultAsync<StepOutcome, ClusterControllerError> => {
    const { authority, certificates: certs } = options.pki(cluster);
    const namespace = cluster.metadata.namespace;
    const cas = ctx.cache(CertificateAuthorityResource);
    const certCache = ctx.cache(CertificateResource);
    const applyIfChanged = <T extends { metadata: { name?: string }; spec: object }>(desired: T, cached: { spec: object } | undefined, apply: () => ResultAsync<unknown, KubeError>) =>
      cached !== undefined && jsonEqual({ ...cached.spec, ...desired.spec }, cached.spec) ? okAsync(undefined) : apply().map(() => undefined);
    const cachedCa = cas.get(`${namespace}/${authority.metadata.name}`);
    // a CA or Certificate of the same name that this Cluster does not control is someone else's:
    // never taken over by a forced apply; reported, and looked at again in a minute
    const foreign = [
      { kind: 'CertificateAuthority', object: cachedCa },
      ...certs.map((cert) => ({ kind: 'Certificate', object: certCache.get(`${namespace}/${cert.metadata.name}`) })),
    ].find(({ object }) => object !== undefined && !controls(cluster, object));
    if (foreign?.object !== undefined) {
      const message = `${foreign.kind} ${namespace}/${foreign.object.metadata.name} exists and is not controlled by this Cluster; delete or rename it`;
      return writeStatus(cluster, ctx, refusedStatus(cluster, Reason.PkiConflict, message)).map(() => waitFor(message, FOREIGN_RECHECK_MS));
    }
    const caReady = isTrue(cachedCa?.status?.conditions, ConditionType.Ready);
    // the Certificates are created once the CA is Ready: created with it, each would first report
    // that it waits for the CA (a status write of every Certificate, and a wake-up of the Cluster)
    const wanted = caReady ? certs : certs.filter((cert) => certCache.get(`${namespace}/${cert.metadata.name}`) !== undefined);
    const applies: (() => ResultAsync<unknown, KubeError>)[] = [
      () => applyIfChanged(authority, cachedCa, () => ctx.kube.resource(CertificateAuthorityResource).apply(authority, { fieldManager, force: true })),
      ...wanted.map((cert) => () => applyIfChanged(cert, certCache.get(`${namespace}/${cert.metadata.name}`), () => ctx.kube.resource(CertificateResource).apply(cert, { fieldManager, force: true }))),
    ];
    const applied = applies.reduce<ResultAsync<unknown, KubeError>>((chain, step) => chain.andThen(step), okAsync(undefined));
    return applied.mapErr(kube).andThen(() => {
      const ready = caReady && certs.every((c) => isTrue(certCache.get(`${namespace}/${c.metadata.name}`)?.status?.conditions, ConditionType.Ready));
      // messages that do not count down: every Certificate turning Ready would be a status write
      // of the Cluster (and a count is what `kubectl get kcert` shows anyway)
      const message = ready
        ? `CA and ${certs.length} certificates Ready`
        : !caReady
          ? `waiting for CertificateAuthority ${authority.metadata.name} to be Ready${caSays(cachedCa)}`
          : `waiting until all ${certs.length} Certificates are Ready`;
      const condition = { type: ConditionType.CertificatesReady, status: ready ? ('True' as const) : ('False' as const), reason: ready ? Reason.AsExpected : Reason.Waiting, message };
      if (ready) return okAsync<StepOutcome, ClusterControllerError>(next());
      return writeStatus(cluster, ctx, pendingStatus(cluster, driver.name, condition)).map(() => waitFor(message));
    });
  };

  /** Terminal driver errors refuse the Cluster: `Ready=False` with the error's reason, and no retry until it changes. */
  const refuse = (cluster: Persisted<Cluster>, ctx: Ctx, error: DriverError) =>
    error.terminal ? writeStatus(cluster, ctx, refusedStatus(cluster, error.reason ?? error.kind, error.message)).andThen(() => errAsync(failed(error))) : errAsync(failed(error));

  /** The driver's refusals that must come before any side effect (the PKI step creates a CA and a Vault mount). */
  const preflight = (cluster: Persisted<Cluster>, ctx: Ctx): ResultAsync<StepOutcome, ClusterControllerError> =>
    driver.preflight === undefined
      ? okAsync(next())
      : driver
          .preflight(cluster, specOf(cluster), driverContext(ctx))
          .map(() => next())
          .orElse((error) => refuse(cluster, ctx, error));

  /** Observes, applies one step, writes what it found. */
  const infrastructure = (cluster: Persisted<Cluster>, ctx: Ctx): ResultAsync<StepOutcome, ClusterControllerError> => {
    const spec = specOf(cluster);
    const certificatesReady = { type: ConditionType.CertificatesReady, status: 'True' as const, reason: Reason.AsExpected, message: 'CA and certificates Ready' };
    const withCerts = { ...cluster, status: pendingStatus(cluster, driver.name, certificatesReady) } as Persisted<Cluster>;
    const context = driverContext(ctx);
    return driver
      .observe(cluster, spec, context)
      .andThen((observed) => driver.apply(cluster, spec, observed, context).map((progress) => ({ observed, progress })))
      .orElse((error) => refuse(withCerts, ctx, error))
      .andThen(({ observed, progress }) => writeStatus(cluster, ctx, infrastructureStatus(withCerts, driver.name, observed, progress)).map(() => toAction(progress)));
  };

  /** Deletes the PKI objects and waits until they are gone (their finalizers unmount Vault). */
  const removePki = (cluster: Persisted<Cluster>, ctx: Ctx): ResultAsync<StepOutcome, ClusterControllerError> => {
    const { authority, certificates: certs } = options.pki(cluster);
    const namespace = cluster.metadata.namespace;
    // only what this Cluster controls: a same-named object it refused to take over (PkiConflict)
    // is someone else's, and stays
    const ours = (object: KubeObject | undefined) => object !== undefined && controls(cluster, object);
    const present = [
      ...certs.filter((c) => ours(ctx.cache(CertificateResource).get(`${namespace}/${c.metadata.name}`))).map((c) => ({ kind: CertificateResource, name: c.metadata.name ?? '' })),
      ...(ours(ctx.cache(CertificateAuthorityResource).get(`${namespace}/${authority.metadata.name}`)) ? [{ kind: CertificateAuthorityResource, name: authority.metadata.name ?? '' }] : []),
    ];
    if (present.length === 0) return okAsync(next());
    const deletes = present.map((p) => ctx.kube.resource(p.kind as typeof CertificateResource).delete(p.name, { namespace }).orElse((e) => (e.kind === 'NotFound' ? okAsync(undefined) : errAsync(e))));
    return ResultAsync.combine(deletes)
      .mapErr(kube)
      .andThen(() => writeStatus(cluster, ctx, deletingStatus(cluster, `waiting for ${present.length} PKI objects to go`)))
      .map(() => waitFor(`${present.length} PKI objects still exist`));
  };

  const teardown = (cluster: Persisted<Cluster>, ctx: Ctx): ResultAsync<StepOutcome, ClusterControllerError> => {
    // the cached object has only the CRD's defaults: parse the provider part (defaults applied); a
    // provider part changed to something invalid after resources were created is no reason to leak
    // them: the driver then finds everything from the Cluster's identity alone
    const parsed = driver.provider.specSchema.safeParse(specOf(cluster));
    const spec = parsed.success ? (parsed.data as S) : undefined;
    const context = driverContext(ctx);
    const warned = parsed.success
      ? okAsync(undefined)
      : ResultAsync.fromSafePromise(
          ctx.events.record(cluster, { type: 'Warning', reason: 'CleanupByIdentity', message: `spec.provider.${driver.name} does not parse (${parsed.error.message}): deleting what the Cluster's identity finds` }),
        );
    return warned
      .andThen(() => driver.observe(cluster, spec, context))
      .andThen((observed) => driver.cleanup(cluster, spec, observed, context))
      .orElse((error) => {
        // a deletion is never given up: even a "terminal" error (credentials refused) is shown
        // in status and retried with backoff, since the finalizer must go once it can
        const { terminal: _terminal, ...retried } = error;
        return writeStatus(cluster, ctx, deletingStatus(cluster, `cleanup failed (${error.reason ?? error.kind}): ${error.message}`)).andThen(() => errAsync(failed(retried)));
      })
      .andThen((progress) =>
        progress.type === 'done' ? okAsync<StepOutcome, ClusterControllerError>(next()) : writeStatus(cluster, ctx, deletingStatus(cluster, progress.reason)).map(() => toAction(progress)),
      );
  };

  const pipeline = steps<Cluster, Cluster, ClusterControllerError>([
    { name: 'preflight', reconcile: preflight },
    { name: 'certificates', reconcile: certificates, cleanup: removePki },
    { name: 'infrastructure', reconcile: infrastructure, cleanup: teardown },
  ]);

  /** Runs `run` on the Cluster with its defaults applied, or reports why it is invalid. */
  const validated = <E>(cluster: Persisted<Cluster>, ctx: Ctx, run: (c: Persisted<Cluster>) => ResultAsync<Action, E>): ResultAsync<Action, E | ClusterControllerError> =>
    model.validate(cluster).match<ResultAsync<Action, E | ClusterControllerError>>(
      (valid) => run({ ...cluster, spec: valid.spec } as Persisted<Cluster>),
      (invalid) => writeStatus(cluster, ctx, invalidStatus(cluster, invalid.message)).map(() => done()),
    );

  return createController({
    name: fieldManager,
    resource: model.resource as unknown as ResourceDescriptor<Cluster, Cluster>,
    concurrency: options.concurrency ?? 4,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    owns: [CertificateResource, CertificateAuthorityResource],
    // the controller's own status and finalizer writes queue nothing: every pass ends in a wait
    // for an event of its PKI objects or the driver's watches, or a timer
    predicate: changedBeyondStatusOrFinalizer(finalizer),
    watches: (driver.watches ?? []).map((w) =>
      watchKind({
        resource: w.resource,
        ...(w.selection ? { selection: w.selection } : {}),
        map: (object, primary, deleted) =>
          w.clusters(object, deleted).flatMap((ref) => (ref.namespace !== undefined ? [`${ref.namespace}/${ref.name}`] : primary.byName(ref.name).map(objectKey))),
      }),
    ),
    ...(driver.events ? { sources: [(enqueue: (key: string) => void, signal: AbortSignal) => driver.events?.((ref) => enqueue(`${ref.namespace}/${ref.name}`), signal)] } : {}),
    reconcile: (cluster, ctx) => {
      if ((cluster.spec.provider as Record<string, unknown>)[driver.name] === undefined) return okAsync(done()); // another provider's Cluster
      const guarded = withFinalizer<Cluster, Cluster, StepError<ClusterControllerError> | ClusterControllerError>(finalizer, {
        apply: (c, x) => validated(c, x, (v) => pipeline.apply(v, x)),
        cleanup: (c, x) => pipeline.cleanup(c, x),
      });
      // the finalizer is added only once something is about to be created (Cluster API's rule): a
      // Cluster refused by validation or the driver's preflight holds nothing, and is deleted at
      // once, whatever its provider can still be asked (a region the account does not serve)
      if (cluster.metadata.deletionTimestamp === undefined && !(cluster.metadata.finalizers ?? []).includes(finalizer)) {
        return validated(cluster, ctx, (v) => preflight(v, ctx).andThen<Action, ClusterControllerError | FinalizerError<StepError<ClusterControllerError> | ClusterControllerError>>((outcome) => (outcome.type === 'next' ? guarded(cluster, ctx) : okAsync(outcome))));
      }
      return guarded(cluster, ctx);
    },
  });
}


/**
 * `createClusterController`: the provider-agnostic Cluster controller. It validates the
 * Cluster, ensures its PKI (CertificateAuthority and component Certificates, owned by the
 * Cluster) and waits for it, then runs the driver and writes the guest kubeconfig Secret; on
 * deletion it runs the driver's cleanup, deletes the PKI and lets the Cluster go (the garbage
 * collector takes the kubeconfig Secret). See `contract.md`. Here: the wiring — validation, the
 * finalizer, the steps (`steps/preflight.ts`, `steps/pki.ts`, `steps/infrastructure.ts` with
 * `steps/kubeconfig.ts`) and what queues a Cluster.
 */
import { err, ok, okAsync, type Result, type ResultAsync } from 'neverthrow';
import { CertificateAuthorityResource } from '../models/certificate-authority.js';
import { CertificateResource } from '../models/certificate.js';
import { createClusterModel, type Cluster } from '../models/cluster.js';
import type { KubeObject, Persisted, ResourceDescriptor } from '../resource.js';
import { done, type Action } from '../runtime/action.js';
import { boundedMap } from '../internal/bounded-map.js';
import { watchKind, type Controller, type Reconciler, type Watch } from '../runtime/controller.js';
import { createController } from '../runtime/controller-loop.js';
import { objectKey, type Store } from '../runtime/store.js';
import { changedBeyondStatusOrFinalizer } from '../runtime/predicates.js';
import { withFinalizer, type FinalizerError } from '../runtime/finalizer.js';
import { steps, type StepError } from '../runtime/steps.js';
import { invalidStatus } from './cluster-status.js';
import type { ClusterDriver, DriverWatch } from './driver.js';
import { writeStatus, type ClusterControllerError, type ClusterReconcileContext, type ClusterStepContext, type DesiredPki } from './steps/context.js';
import { infrastructure, teardown } from './steps/infrastructure.js';
import { clusterSecrets, kubeconfigWatch } from './steps/kubeconfig.js';
import { ensurePki, removePki } from './steps/pki.js';
import { preflight } from './steps/preflight.js';

export type { ClusterControllerError, DesiredPki } from './steps/context.js';

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

/**
 * The provider-agnostic Cluster controller: validates each Cluster of the driver's provider, ensures its PKI and
 * waits for it, runs the driver's `observe` and `apply`, writes the guest kubeconfig Secret `<cluster>-kubeconfig`
 * (Cluster API's, see `GuestKubeconfig`) once there is an endpoint, and writes status; on deletion runs
 * `cleanup`, deletes the PKI objects and removes its finalizer. See the driver contract, {@link ClusterDriver}.
 *
 * @example
 * ```ts
 * import { clusterPki, createClusterController } from '@kubeception/sdk/cluster';
 * import { createManager } from '@kubeception/sdk/runtime';
 * import { createKvmDriver } from '@kubeception/driver-kvm';
 *
 * const controller = createClusterController({ driver: createKvmDriver(kvmOptions), pki: clusterPki });
 * await createManager({ controllers: [controller], handleSignals: true }).start();
 * ```
 */
export function createClusterController<S, P>(options: ClusterControllerOptions<S, P>): Controller {
  const { driver } = options;
  const clusterModel = createClusterModel({ providers: [driver.provider] });
  const model = validatedOnce(clusterModel);
  const fieldManager = options.name ?? `${driver.name}-operator`;
  const finalizer = options.finalizer ?? `kubeception.io/${driver.name}-operator`;
  const step: ClusterStepContext<S, P> = {
    driver,
    pki: options.pki,
    fieldManager,
    secrets: clusterSecrets(options.namespace),
    kubeconfigs: boundedMap<string, string>(16_384),
  };
  const pipeline = steps<Cluster, Cluster, ClusterControllerError>([
    { name: 'preflight', reconcile: (c, ctx) => preflight(step, c, ctx) },
    { name: 'certificates', reconcile: (c, ctx) => ensurePki(step, c, ctx), cleanup: (c, ctx) => removePki(step, c, ctx) },
    { name: 'infrastructure', reconcile: (c, ctx) => infrastructure(step, c, ctx), cleanup: (c, ctx) => teardown(step, c, ctx) },
  ]);
  const guarded = withFinalizer<Cluster, Cluster, StepError<ClusterControllerError> | ClusterControllerError>(finalizer, {
    apply: (c, ctx) => validated(model, c, ctx, (v) => pipeline.apply(v, ctx)),
    cleanup: (c, ctx) => pipeline.cleanup(c, ctx),
  });
  return createController({
    name: fieldManager,
    resource: clusterModel.resource as unknown as ResourceDescriptor<Cluster, Cluster>,
    concurrency: options.concurrency ?? 4,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    owns: [CertificateResource, CertificateAuthorityResource],
    // the controller's own status and finalizer writes queue nothing: every pass ends in a wait
    // for an event of its PKI objects or the driver's watches, or a timer
    predicate: changedBeyondStatusOrFinalizer(finalizer),
    watches: [...(driver.watches ?? []).map(clusterWatch), kubeconfigWatch(step.secrets)],
    ...(driver.events
      ? { sources: [(enqueue: (key: string) => void, signal: AbortSignal) => driver.events?.((ref) => enqueue(`${ref.namespace}/${ref.name}`), signal)] }
      : {}),
    reconcile: (cluster, ctx) => reconcileCluster({ step, model, finalizer, guarded }, cluster, ctx),
  });
}

/** What the reconcile of one Cluster controller is made of. */
interface ClusterReconcile<S, P> {
  readonly step: ClusterStepContext<S, P>;
  readonly model: ReturnType<typeof validatedOnce>;
  readonly finalizer: string;
  /** The steps, behind the finalizer. */
  readonly guarded: Reconciler<Cluster, Cluster, GuardedError>;
}

/** What validation needs of the Cluster model (of the driver's provider). */
interface ClusterValidator {
  validate(input: unknown): Result<{ readonly spec: object }, { readonly message: string }>;
}

/** A Cluster with its defaults applied, or why it is invalid. */
type Defaulted = Result<Persisted<Cluster>, { readonly message: string }>;
/** What {@link validatedOnce} keeps of a validation (a plain value: a Result is used where it is made). */
type Validation = { readonly valid: Persisted<Cluster> } | { readonly invalid: { readonly message: string } };

/**
 * Validates each Cluster object once. The cache hands a reconcile the same (never mutated) object
 * until the Cluster changes, and the defaulted Cluster is the same object on every pass, so
 * what the driver derives from it can be kept per object too.
 */
function validatedOnce(model: ClusterValidator): { validate(cluster: Persisted<Cluster>): Defaulted } {
  const seen = new WeakMap<Persisted<Cluster>, Validation>();
  return {
    validate: (cluster) => {
      let validation = seen.get(cluster);
      if (validation === undefined) {
        validation = model.validate(cluster).match<Validation>(
          (valid) => ({ valid: { ...cluster, spec: valid.spec } as Persisted<Cluster> }),
          (invalid) => ({ invalid }),
        );
        seen.set(cluster, validation);
      }
      return 'valid' in validation ? ok(validation.valid) : err(validation.invalid);
    },
  };
}

type GuardedError = FinalizerError<StepError<ClusterControllerError> | ClusterControllerError>;

/**
 * Reconciles a Cluster of the driver's provider (others are left alone). The finalizer is added
 * only once something is about to be created (Cluster API's rule): a Cluster refused by
 * validation or the driver's preflight holds nothing, and is deleted at once, whatever its
 * provider can still be asked (a region the account does not serve).
 */
function reconcileCluster<S, P>(
  parts: ClusterReconcile<S, P>,
  cluster: Persisted<Cluster>,
  ctx: ClusterReconcileContext,
): ResultAsync<Action, ClusterControllerError | GuardedError> {
  const { step, model, finalizer, guarded } = parts;
  if ((cluster.spec.provider as Record<string, unknown>)[step.driver.name] === undefined) return okAsync(done()); // another provider's Cluster
  if (cluster.metadata.deletionTimestamp === undefined && !(cluster.metadata.finalizers ?? []).includes(finalizer)) {
    return validated(model, cluster, ctx, (v) =>
      preflight(step, v, ctx).andThen<Action, ClusterControllerError | GuardedError>((outcome) =>
        outcome.type === 'next' ? guarded(cluster, ctx) : okAsync(outcome),
      ),
    );
  }
  return guarded(cluster, ctx);
}

/** Runs `run` on the Cluster with its defaults applied, or reports why it is invalid. */
function validated<E>(
  model: ReturnType<typeof validatedOnce>,
  cluster: Persisted<Cluster>,
  ctx: ClusterReconcileContext,
  run: (c: Persisted<Cluster>) => ResultAsync<Action, E>,
): ResultAsync<Action, E | ClusterControllerError> {
  return model.validate(cluster).match<ResultAsync<Action, E | ClusterControllerError>>(
    (valid) => run(valid),
    (invalid) => writeStatus(cluster, ctx, invalidStatus(cluster, invalid.message)).map(() => done()),
  );
}

/** A driver's watch as the controller's: a change queues the Clusters it names. */
function clusterWatch(watch: DriverWatch): Watch {
  return watchKind({
    resource: watch.resource,
    ...(watch.selection ? { selection: watch.selection } : {}),
    map: (object, primary, deleted) => clusterKeys(watch.clusters(object, deleted), primary),
  });
}

/** Keys of the named Clusters: `namespace/name`, or every Cluster of the name when no namespace is given. */
export function clusterKeys(refs: readonly { readonly name: string; readonly namespace?: string }[], clusters: Store<KubeObject>): string[] {
  return refs.flatMap((ref) => (ref.namespace !== undefined ? [`${ref.namespace}/${ref.name}`] : clusters.byName(ref.name).map(objectKey)));
}

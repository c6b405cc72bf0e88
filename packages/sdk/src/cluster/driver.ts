/**
 * The driver contract (DESIGN.md §4): how a provider (KVM, AWS, …) plugs into the
 * provider-agnostic Cluster controller. See `contract.md` beside this file for the rules table.
 *
 * | Rule | Mandatory |
 * |---|---|
 * | `observe` never mutates anything | yes |
 * | `apply`/`cleanup` are idempotent and safe to interrupt at any point | yes |
 * | every created external thing is findable from the cluster alone (deterministic names or tags) | yes |
 * | `cleanup` tolerates `apply` never having run; deletes in reverse dependency order, continuing past independent failures | yes |
 * | long waits are returned as `waitFor`/`requeueAfter`, never awaited in-process | yes |
 * | the driver never writes the Cluster's status; the controller writes what the driver returns | yes |
 */
import type { ResultAsync } from 'neverthrow';
import type { ZodType } from 'zod';
import type { Logger } from 'pino';
import type { Cluster } from '../models/cluster.js';
import type { ClusterStatus } from '../models/cluster.js';
import type { ProviderDefinition } from '../provider.js';
import type { KubeObject, Persisted, ResourceDescriptor } from '../resource.js';
import type { Selection } from '../runtime/informer.js';
import type { Store } from '../runtime/store.js';

/**
 * What a driver failure is. `terminal` errors are not retried until the Cluster changes: the
 * controller reports them as `Ready=False` with `reason` (default: the `kind`) and `message`.
 */
export interface DriverError {
  /**
   * What went wrong: `Transient` (retry), `InvalidSpec`, `QuotaExceeded`, `Conflict` (something else holds a
   * name or range), `Failed`.
   */
  readonly kind: 'Transient' | 'InvalidSpec' | 'QuotaExceeded' | 'Conflict' | 'Failed';
  /** Human-readable detail; becomes the `Ready` condition's message when terminal. */
  readonly message: string;
  /** Set when retrying cannot help: not retried until the Cluster changes. */
  readonly terminal?: true;
  /** The `Ready` condition's reason for a terminal error (UpperCamelCase), e.g. `NetworkTaken`. @default kind */
  readonly reason?: string;
  /** The underlying error (a `KubeError`, a cloud SDK error), for logs. */
  readonly cause?: unknown;
}

/**
 * What the controller lends a driver on every call: the manager's shared caches of host kinds
 * (read-only; a driver reads its host objects here instead of listing them on every pass), a
 * logger bound to the Cluster, and the reconcile's abort signal.
 */
export interface DriverContext {
  /**
   * The shared, read-only cache of a host kind (and selection); declare the same kind and selection in
   * {@link ClusterDriver.watches}.
   */
  cache<U extends KubeObject>(descriptor: ResourceDescriptor<U, KubeObject>, selection?: Selection): Store<U>;
  /** A logger bound to the Cluster. */
  readonly log: Logger;
  /** Aborted when the reconcile is cancelled (shutdown, lost leadership). */
  readonly signal: AbortSignal;
}

/**
 * A host kind the driver reads from the cache: a change to one of its objects queues the
 * Clusters `clusters` names (by name in any namespace, or by namespace and name).
 */
export interface DriverWatch<U extends KubeObject = KubeObject> {
  /** The host kind to watch. */
  readonly resource: ResourceDescriptor<U, KubeObject>;
  /** The same selection the driver passes to `context.cache`, so both share one informer. */
  readonly selection?: Selection;
  /** The Clusters a change concerns; `deleted`: the object is gone (this is its last state). */
  readonly clusters: (object: Persisted<U>, deleted: boolean) => readonly { readonly name: string; readonly namespace?: string }[];
}

/**
 * The infrastructure conditions every driver reports (the controller summarises them into
 * `Ready`). A driver may add conditions of its own types (e.g. `VpcReady`); they are shown
 * in status but do not enter the summary.
 */
export type DriverConditionType = 'InfrastructureReady' | 'NetworkReady' | 'ControlPlaneReady' | 'WorkersReady';

/** A driver's report on one condition. */
export interface DriverCondition {
  /** One of {@link DriverConditionType}, or a driver's own type (shown, not summarised). */
  readonly type: DriverConditionType | (string & {});
  /** Condition status. */
  readonly status: 'True' | 'False' | 'Unknown';
  /** UpperCamelCase reason. */
  readonly reason: string;
  /** Human-readable detail. */
  readonly message?: string;
}

/**
 * A driver's report on one condition from whether it holds: `True`/`AsExpected` with no message
 * when `ok`, else `False` with `reason` and `message`.
 *
 * @example
 * ```ts
 * driverCondition('NetworkReady', world.gateway !== undefined, 'Provisioning', 'attaching the internet gateway')
 * ```
 */
export function driverCondition(type: DriverCondition['type'], ok: boolean, reason: string, message: string): DriverCondition {
  return ok ? { type, status: 'True', reason: 'AsExpected', message: '' } : { type, status: 'False', reason, message };
}

/** What `observe` found: the world as it is, in Cluster-status terms. Reads only. */
export interface Observed<ProviderStatus> {
  /** The driver's own observation, handed to `apply` and `cleanup` (not written to status). */
  readonly provider: ProviderStatus;
  /** Conditions to set on the Cluster; the controller summarises them into `Ready`. */
  readonly conditions: readonly DriverCondition[];
  /** Written to `status.network` when present. */
  readonly network?: NonNullable<ClusterStatus['network']>;
  /** Written to `status.endpoint` when present. */
  readonly endpoint?: NonNullable<ClusterStatus['endpoint']>;
  /** Written to `status.nodes` when present. */
  readonly nodes?: NonNullable<ClusterStatus['nodes']>;
}

/** What one `apply` or `cleanup` pass achieved. */
export type DriverProgress =
  /** Converged (apply) or everything is gone (cleanup). */
  | { readonly type: 'done' }
  /** Progress was made; run again after `ms` (something is booting, a cloud call is pending). */
  | { readonly type: 'requeueAfter'; readonly ms: number; readonly reason: string }
  /**
   * Waiting on an event a watch reports (a pod becoming ready). While every condition is True,
   * `reason` is the message of `Ready=False` (reason `Progressing`); otherwise the conditions say why.
   */
  | { readonly type: 'waitFor'; readonly reason: string; readonly recheckAfterMs?: number };

/** A provider driver. */
export interface ClusterDriver<ProviderSpec, ProviderStatus> {
  /** The provider name: the key under `spec.provider` this driver handles (`kvm`, `aws`). */
  readonly name: string;
  /** The provider sub-spec definition (registered with the Cluster model). */
  readonly provider: ProviderDefinition<string, ZodType<ProviderSpec>>;
  /** Host kinds whose changes concern Clusters (the controller watches them). @default none */
  readonly watches?: readonly DriverWatch[];
  /**
   * Changes outside the host API that concern Clusters (a guest cluster's own Nodes, watched by
   * the driver): the controller calls this once when it starts; the driver calls `notify` with a
   * Cluster whenever what `observe` would read of it changed, until `signal` aborts.
   * @default none
   */
  readonly events?: (notify: (cluster: { readonly name: string; readonly namespace: string }) => void, signal: AbortSignal) => void;
  /**
   * The checks that can refuse a Cluster before anything is created for it: its host namespace,
   * network or VNI held by another Cluster, a name another tenant owns. Reads only. A terminal
   * error refuses the Cluster (`Ready=False` with the error's reason) before the PKI step, so a
   * refused Cluster gets no CertificateAuthority, no Vault mount and no certificates.
   * @default none (nothing refuses a valid Cluster before `apply`)
   */
  preflight?(cluster: Persisted<Cluster>, spec: ProviderSpec, context: DriverContext): ResultAsync<void, DriverError>;
  /**
   * Reads the world as it is for the Cluster. Never mutates anything; called on every pass, also while paused or
   * deleting. `spec` is `undefined` only while deleting a Cluster whose provider part no longer parses (it was
   * changed to something invalid after resources were created): observe what can be found from the Cluster's
   * identity alone (its cluster ID, ownership tags), so that `cleanup` still deletes it all.
   */
  observe(cluster: Persisted<Cluster>, spec: ProviderSpec | undefined, context: DriverContext): ResultAsync<Observed<ProviderStatus>, DriverError>;
  /** One idempotent, interruptible step toward the desired infrastructure. */
  apply(cluster: Persisted<Cluster>, spec: ProviderSpec, observed: Observed<ProviderStatus>, context: DriverContext): ResultAsync<DriverProgress, DriverError>;
  /**
   * One idempotent step toward deleting everything `apply` may have created; tolerates `apply` never having run.
   * `spec` is `undefined` when the provider part no longer parses: everything is still found from the Cluster's
   * identity (and `observed`), never skipped.
   */
  cleanup(
    cluster: Persisted<Cluster>,
    spec: ProviderSpec | undefined,
    observed: Observed<ProviderStatus>,
    context: DriverContext,
  ): ResultAsync<DriverProgress, DriverError>;
}

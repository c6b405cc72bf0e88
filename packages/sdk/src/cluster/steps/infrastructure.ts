/**
 * The infrastructure step of the Cluster controller, where the driver does its work.
 *
 * - `infrastructure` (apply): the driver's `observe`, then one `apply` step; the guest kubeconfig
 *   Secret (`kubeconfig.ts`) once there is an endpoint; the status says what it found
 *   (`infrastructureStatus`), and the step waits as the driver's progress says. A terminal driver
 *   error refuses the Cluster.
 * - `teardown` (cleanup): `observe`, then one `cleanup` step, until the driver answers `done`. A
 *   provider part that no longer parses is no reason to leak what was created: the driver then
 *   finds everything from the Cluster's identity (and a Warning event says so). A deletion is
 *   never given up: even a terminal error is shown in status and retried with backoff.
 */
import { errAsync, okAsync, ResultAsync } from 'neverthrow';
import type { Cluster } from '../../models/cluster.js';
import type { Persisted } from '../../resource.js';
import { waitFor } from '../../runtime/action.js';
import { next, type StepOutcome } from '../../runtime/steps.js';
import { ConditionType, Reason } from '../../vocabulary.js';
import { deletingStatus, infrastructureStatus, pendingStatus } from '../cluster-status.js';
import type { DriverError } from '../driver.js';
import {
  driverContext,
  driverFailed,
  progressOutcome,
  providerSpec,
  refuse,
  writeStatus,
  type ClusterControllerError,
  type ClusterReconcileContext,
  type ClusterStepContext,
  type ClusterStepResult,
} from './context.js';
import { ensureKubeconfig, KUBECONFIG_RECHECK_MS, withKubeconfigCondition } from './kubeconfig.js';

/** Observes, applies one step, writes what it found. */
export function infrastructure<S, P>(step: ClusterStepContext<S, P>, cluster: Persisted<Cluster>, ctx: ClusterReconcileContext): ClusterStepResult {
  const { driver } = step;
  const spec = providerSpec(step, cluster);
  const certificatesReady = { type: ConditionType.CertificatesReady, status: 'True' as const, reason: Reason.AsExpected, message: 'CA and certificates Ready' };
  const withCerts = { ...cluster, status: pendingStatus(cluster, driver.name, certificatesReady) } as Persisted<Cluster>;
  const context = driverContext(ctx);
  return driver
    .observe(cluster, spec, context)
    .andThen((observed) => driver.apply(cluster, spec, observed, context).map((progress) => ({ observed, progress })))
    .orElse((error) => refuse(withCerts, ctx, error))
    .andThen(({ observed, progress }) =>
      ensureKubeconfig(step, cluster, observed.endpoint ?? cluster.status?.endpoint, ctx).andThen((kubeconfig) => {
        const status = withKubeconfigCondition(infrastructureStatus(withCerts, driver.name, observed, progress), kubeconfig, cluster.metadata.generation);
        const outcome = progressOutcome(progress);
        const { conflict } = kubeconfig;
        // a taken kubeconfig Secret name is looked at again, once nothing else will queue the Cluster
        return writeStatus(cluster, ctx, status).map(() =>
          conflict !== undefined && outcome.type === 'next' ? waitFor(conflict, KUBECONFIG_RECHECK_MS) : outcome,
        );
      }),
    );
}

/** Observes and runs one cleanup step; goes on once the driver has deleted everything. */
export function teardown<S, P>(step: ClusterStepContext<S, P>, cluster: Persisted<Cluster>, ctx: ClusterReconcileContext): ClusterStepResult {
  const { driver } = step;
  // the cached object has only the CRD's defaults: parse the provider part (defaults applied)
  const parsed = driver.provider.specSchema.safeParse(providerSpec(step, cluster));
  const spec = parsed.success ? (parsed.data as S) : undefined;
  const context = driverContext(ctx);
  const warned = parsed.success
    ? okAsync(undefined)
    : ResultAsync.fromSafePromise(
        ctx.events.record(cluster, {
          type: 'Warning',
          reason: 'CleanupByIdentity',
          message: `spec.provider.${driver.name} does not parse (${parsed.error.message}): deleting what the Cluster's identity finds`,
        }),
      );
  return warned
    .andThen(() => driver.observe(cluster, spec, context))
    .andThen((observed) => driver.cleanup(cluster, spec, observed, context))
    .orElse((error) => cleanupFailed(cluster, ctx, error))
    .andThen((progress) =>
      progress.type === 'done'
        ? okAsync<StepOutcome, ClusterControllerError>(next())
        : writeStatus(cluster, ctx, deletingStatus(cluster, progress.reason)).map(() => progressOutcome(progress)),
    );
}

/** Shows a failed cleanup in status and fails retryably, whatever the driver's error says (the finalizer must go once it can). */
function cleanupFailed(cluster: Persisted<Cluster>, ctx: ClusterReconcileContext, error: DriverError): ResultAsync<never, ClusterControllerError> {
  const { terminal: _terminal, ...retried } = error;
  return writeStatus(cluster, ctx, deletingStatus(cluster, `cleanup failed (${error.reason ?? error.kind}): ${error.message}`)).andThen(() =>
    errAsync(driverFailed(retried)),
  );
}

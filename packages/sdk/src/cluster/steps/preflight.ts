/**
 * The preflight step of the Cluster controller: the driver's refusals that must come before any
 * side effect (the PKI step creates a CA and a Vault mount). A terminal error refuses the Cluster
 * (`Ready=False` with the error's reason); a driver without `preflight` lets every valid Cluster
 * through. It runs before the finalizer is added, too: a refused Cluster holds nothing.
 */
import { okAsync } from 'neverthrow';
import type { Cluster } from '../../models/cluster.js';
import type { Persisted } from '../../resource.js';
import { next } from '../../runtime/steps.js';
import { driverContext, providerSpec, refuse, type ClusterReconcileContext, type ClusterStepContext, type ClusterStepResult } from './context.js';

/** Runs the driver's `preflight`; goes on when it passes. */
export function preflight<S, P>(step: ClusterStepContext<S, P>, cluster: Persisted<Cluster>, ctx: ClusterReconcileContext): ClusterStepResult {
  const { driver } = step;
  return driver.preflight === undefined
    ? okAsync(next())
    : driver
        .preflight(cluster, providerSpec(step, cluster), driverContext(ctx))
        .map(() => next())
        .orElse((error) => refuse(cluster, ctx, error));
}

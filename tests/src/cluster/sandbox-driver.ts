/**
 * A tiny driver for testing the Cluster controller: its "infrastructure" is one ConfigMap per
 * Cluster on the host, and its nodes are Ready once the test sets `data.ready` to "true".
 */
import { defineProvider, z } from '@kubeception/sdk';
import { ConfigMapResource, type KubeClient } from '@kubeception/sdk/kube';
import { errAsync, okAsync } from 'neverthrow';
import type { ClusterDriver, DriverCondition, Observed } from '@kubeception/sdk/cluster';

/** A Cluster with this annotation is refused by the sandbox driver's preflight: its value names the holder. */
export const SANDBOX_TAKEN_ANNOTATION = 'sandbox.kubeception.io/taken-by';

export const sandboxProvider = defineProvider({ name: 'sandbox', specSchema: z.strictObject({ size: z.int().min(1).default(1) }) });
type Spec = z.output<typeof sandboxProvider.specSchema>;
type SandboxStatus = { exists: boolean; ready: boolean };

/** Counts of driver calls, for assertions. */
export interface SandboxCalls {
  observe: number;
  apply: number;
  cleanup: number;
}

export function createSandboxDriver(kube: KubeClient, calls: SandboxCalls = { observe: 0, apply: 0, cleanup: 0 }): ClusterDriver<Spec, SandboxStatus> {
  const configMaps = kube.resource(ConfigMapResource);
  const name = (cluster: { metadata: { name: string } }) => `${cluster.metadata.name}-infra`;
  return {
    name: 'sandbox',
    provider: sandboxProvider,
    // a stand-in for a driver's refusals (its namespace or network is another Cluster's)
    preflight: (cluster) => {
      const holder = cluster.metadata.annotations?.[SANDBOX_TAKEN_ANNOTATION];
      return holder === undefined
        ? okAsync(undefined)
        : errAsync({
            kind: 'Conflict' as const,
            reason: 'InfrastructureTaken',
            terminal: true as const,
            message: `the sandbox of ${cluster.metadata.name} belongs to Cluster ${holder}`,
          });
    },
    observe: (cluster) => {
      calls.observe++;
      return configMaps
        .get(name(cluster), { namespace: cluster.metadata.namespace })
        .map((cm) => ({ exists: true, ready: cm.data?.ready === 'true' }))
        .orElse(() => okAsync({ exists: false, ready: false }))
        .map((status): Observed<SandboxStatus> => {
          const cond = (type: DriverCondition['type'], ok: boolean, reason: string): DriverCondition => ({
            type,
            status: ok ? 'True' : 'False',
            reason: ok ? 'AsExpected' : reason,
            message: ok ? '' : reason,
          });
          return {
            provider: status,
            conditions: [
              cond('InfrastructureReady', status.exists, 'Creating'),
              cond('NetworkReady', status.exists, 'Creating'),
              cond('ControlPlaneReady', status.ready, 'Booting'),
              cond('WorkersReady', status.ready, 'Booting'),
            ],
            ...(status.exists ? { network: { podCIDR: cluster.spec.network.podCIDR }, endpoint: { host: cluster.spec.kubernetes.api.domain, port: 443 } } : {}),
            ...(status.ready ? { nodes: [{ name: `${cluster.metadata.name}-master-0`, role: 'master' as const, ready: true }] } : {}),
          };
        })
        .mapErr(() => ({ kind: 'Transient' as const, message: 'unreachable' }));
    },
    apply: (cluster, _spec, observed) => {
      calls.apply++;
      if (observed.provider.exists)
        return okAsync(observed.provider.ready ? { type: 'done' as const } : { type: 'waitFor' as const, reason: 'nodes booting', recheckAfterMs: 100 });
      const owner = { apiVersion: cluster.apiVersion, kind: cluster.kind, name: cluster.metadata.name, uid: cluster.metadata.uid, controller: true };
      return configMaps
        .create({ metadata: { name: name(cluster), namespace: cluster.metadata.namespace, ownerReferences: [owner] }, data: { ready: 'false' } })
        .map(() => ({ type: 'requeueAfter' as const, ms: 10, reason: 'infrastructure created' }))
        .orElse((e) =>
          e.kind === 'AlreadyExists'
            ? okAsync({ type: 'requeueAfter' as const, ms: 10, reason: 'exists' })
            : okAsync({ type: 'requeueAfter' as const, ms: 100, reason: e.message }),
        );
    },
    cleanup: (cluster, _spec, observed) => {
      calls.cleanup++;
      if (!observed.provider.exists) return okAsync({ type: 'done' as const });
      return configMaps
        .delete(name(cluster), { namespace: cluster.metadata.namespace })
        .map(() => ({ type: 'requeueAfter' as const, ms: 10, reason: 'deleting infrastructure' }))
        .orElse(() => okAsync({ type: 'requeueAfter' as const, ms: 50, reason: 'retrying delete' }));
    },
  };
}

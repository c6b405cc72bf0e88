/**
 * A tiny driver for testing the Cluster controller: its "infrastructure" is one ConfigMap per
 * Cluster on the host, and its nodes are Ready once the test sets `data.ready` to "true".
 */
import { defineProvider, z, type Cluster, type Persisted } from '@kubeception/sdk';
import { ConfigMapResource, type KubeClient } from '@kubeception/sdk/kube';
import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { ClusterDriver, DriverCondition, DriverError, DriverProgress, Observed } from '@kubeception/sdk/cluster';

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

/** The host's ConfigMaps. */
type ConfigMaps = ReturnType<typeof configMapsOf>;
const configMapsOf = (kube: KubeClient) => kube.resource(ConfigMapResource);

/** The ConfigMap standing for a Cluster's infrastructure. */
const infraName = (cluster: { metadata: { name: string } }) => `${cluster.metadata.name}-infra`;

/** The sandbox driver on the host `kube`, counting its calls in `calls`. */
export function createSandboxDriver(kube: KubeClient, calls: SandboxCalls = { observe: 0, apply: 0, cleanup: 0 }): ClusterDriver<Spec, SandboxStatus> {
  const configMaps = configMapsOf(kube);
  return {
    name: 'sandbox',
    provider: sandboxProvider,
    preflight: refuseTaken,
    observe: (cluster) => {
      calls.observe++;
      return observeSandbox(configMaps, cluster);
    },
    apply: (cluster, _spec, observed) => {
      calls.apply++;
      return applySandbox(configMaps, cluster, observed.provider);
    },
    cleanup: (cluster, _spec, observed) => {
      calls.cleanup++;
      return cleanupSandbox(configMaps, cluster, observed.provider);
    },
  };
}

/** A stand-in for a driver's refusals (its namespace or network is another Cluster's): the annotation names the holder. */
function refuseTaken(cluster: Persisted<Cluster>): ResultAsync<void, DriverError> {
  const holder = cluster.metadata.annotations?.[SANDBOX_TAKEN_ANNOTATION];
  return holder === undefined
    ? okAsync(undefined)
    : errAsync({
        kind: 'Conflict',
        reason: 'InfrastructureTaken',
        terminal: true,
        message: `the sandbox of ${cluster.metadata.name} belongs to Cluster ${holder}`,
      });
}

/** Whether the Cluster's ConfigMap exists and says ready, as the driver's conditions. */
function observeSandbox(configMaps: ConfigMaps, cluster: Persisted<Cluster>): ResultAsync<Observed<SandboxStatus>, DriverError> {
  const cond = (type: DriverCondition['type'], ok: boolean, reason: string): DriverCondition => ({
    type,
    status: ok ? 'True' : 'False',
    reason: ok ? 'AsExpected' : reason,
    message: ok ? '' : reason,
  });
  return configMaps
    .get(infraName(cluster), { namespace: cluster.metadata.namespace })
    .map((cm) => ({ exists: true, ready: cm.data?.ready === 'true' }))
    .orElse(() => okAsync({ exists: false, ready: false }))
    .map((status): Observed<SandboxStatus> => ({
      provider: status,
      conditions: [
        cond('InfrastructureReady', status.exists, 'Creating'),
        cond('NetworkReady', status.exists, 'Creating'),
        cond('ControlPlaneReady', status.ready, 'Booting'),
        cond('WorkersReady', status.ready, 'Booting'),
      ],
      ...(status.exists ? { network: { podCIDR: cluster.spec.network.podCIDR }, endpoint: { host: cluster.spec.kubernetes.api.domain, port: 443 } } : {}),
      ...(status.ready ? { nodes: [{ name: `${cluster.metadata.name}-master-0`, role: 'master' as const, ready: true }] } : {}),
    }))
    .mapErr((): DriverError => ({ kind: 'Transient', message: 'unreachable' }));
}

/** Creates the Cluster's ConfigMap (owned by it) unless it exists; done once it is ready. */
function applySandbox(configMaps: ConfigMaps, cluster: Persisted<Cluster>, status: SandboxStatus): ResultAsync<DriverProgress, DriverError> {
  if (status.exists) return okAsync(status.ready ? { type: 'done' } : { type: 'waitFor', reason: 'nodes booting', recheckAfterMs: 100 });
  const owner = { apiVersion: cluster.apiVersion, kind: cluster.kind, name: cluster.metadata.name, uid: cluster.metadata.uid, controller: true };
  return configMaps
    .create({ metadata: { name: infraName(cluster), namespace: cluster.metadata.namespace, ownerReferences: [owner] }, data: { ready: 'false' } })
    .map((): DriverProgress => ({ type: 'requeueAfter', ms: 10, reason: 'infrastructure created' }))
    .orElse((e) =>
      okAsync<DriverProgress, DriverError>(
        e.kind === 'AlreadyExists' ? { type: 'requeueAfter', ms: 10, reason: 'exists' } : { type: 'requeueAfter', ms: 100, reason: e.message },
      ),
    );
}

/** Deletes the Cluster's ConfigMap; done once it is gone. */
function cleanupSandbox(configMaps: ConfigMaps, cluster: Persisted<Cluster>, status: SandboxStatus): ResultAsync<DriverProgress, DriverError> {
  if (!status.exists) return okAsync({ type: 'done' });
  return configMaps
    .delete(infraName(cluster), { namespace: cluster.metadata.namespace })
    .map((): DriverProgress => ({ type: 'requeueAfter', ms: 10, reason: 'deleting infrastructure' }))
    .orElse(() => okAsync<DriverProgress, DriverError>({ type: 'requeueAfter', ms: 50, reason: 'retrying delete' }));
}

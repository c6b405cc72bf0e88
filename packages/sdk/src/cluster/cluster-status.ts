/** Pure status logic of the Cluster controller (internal). */
import { summarizeReady, setCondition, type Condition, type ConditionInput } from '../conditions.js';
import type { Cluster, ClusterStatus } from '../models/cluster.js';
import type { Persisted } from '../resource.js';
import { ClusterPhase, ConditionType, Reason } from '../vocabulary.js';
import type { DriverCondition, DriverProgress, Observed } from './driver.js';

/** The conditions the Ready summary is made of, in reporting order. */
export const READY_OF = [
  ConditionType.CertificatesReady,
  ConditionType.InfrastructureReady,
  ConditionType.NetworkReady,
  ConditionType.ControlPlaneReady,
  ConditionType.WorkersReady,
] as const;

/** Applies condition inputs with the Cluster's generation. */
export function withConditions(
  conditions: readonly Condition[] | undefined,
  inputs: readonly (ConditionInput | DriverCondition)[],
  generation: number,
): Condition[] {
  let list = [...(conditions ?? [])];
  for (const input of inputs) list = setCondition(list, { ...input, observedGeneration: generation });
  return list;
}

/**
 * The status after an infrastructure pass: phase Ready, and the `Ready` condition True, only when
 * every condition of {@link READY_OF} is True and the driver is done.
 */
export function infrastructureStatus(cluster: Persisted<Cluster>, provider: string, observed: Observed<unknown>, progress: DriverProgress): ClusterStatus {
  const generation = cluster.metadata.generation;
  let conditions = withConditions(cluster.status?.conditions, observed.conditions, generation);
  conditions = summarizeReady(conditions, { of: READY_OF, observedGeneration: generation });
  const healthy = conditions.find((c) => c.type === ConditionType.Ready)?.status === 'True';
  // every part is up but the driver is still at work (a drain, a VM being replaced, objects just
  // written): Ready says so, with the driver's words, rather than True while the phase is not Ready
  if (healthy && progress.type !== 'done') {
    conditions = withConditions(conditions, [{ type: ConditionType.Ready, status: 'False', reason: Reason.Progressing, message: progress.reason }], generation);
  }
  const ready = healthy && progress.type === 'done';
  const version = cluster.spec.kubernetes.version;
  const versions = cluster.status?.versions ?? [];
  return {
    ...cluster.status,
    observedGeneration: generation,
    provider,
    phase: ready ? ClusterPhase.Ready : ClusterPhase.Provisioning,
    conditions,
    ...(observed.network ? { network: observed.network } : {}),
    ...(observed.endpoint ? { endpoint: observed.endpoint } : {}),
    ...(observed.nodes ? { nodes: observed.nodes } : {}),
    versions: ready && versions[0] !== version ? [version, ...versions.filter((v) => v !== version)].slice(0, 5) : versions,
  };
}

/** The status while the PKI is not ready yet. */
export function pendingStatus(cluster: Persisted<Cluster>, provider: string, certificates: ConditionInput): ClusterStatus {
  const generation = cluster.metadata.generation;
  const conditions = summarizeReady(withConditions(cluster.status?.conditions, [certificates], generation), { of: READY_OF, observedGeneration: generation });
  return {
    ...cluster.status,
    observedGeneration: generation,
    provider,
    phase: cluster.status?.phase === ClusterPhase.Ready ? ClusterPhase.Provisioning : ClusterPhase.Pending,
    conditions,
  };
}

/** The status of an invalid Cluster: nothing happens until the spec changes. */
export function invalidStatus(cluster: Persisted<Cluster>, message: string): ClusterStatus {
  const generation = cluster.metadata.generation;
  const conditions = withConditions(
    cluster.status?.conditions,
    [{ type: ConditionType.Ready, status: 'False', reason: Reason.InvalidSpec, message }],
    generation,
  );
  return { ...cluster.status, observedGeneration: generation, phase: ClusterPhase.Failed, conditions };
}

/**
 * The status after a terminal driver error (a request the driver refuses, such as a network
 * another cluster holds): `Ready=False` with the driver's reason; nothing is retried until the
 * spec changes.
 */
export function refusedStatus(cluster: Persisted<Cluster>, reason: string, message: string): ClusterStatus {
  const generation = cluster.metadata.generation;
  const conditions = withConditions(cluster.status?.conditions, [{ type: ConditionType.Ready, status: 'False', reason, message }], generation);
  return { ...cluster.status, observedGeneration: generation, phase: ClusterPhase.Failed, conditions };
}

/** The status while deleting, saying what it waits for. */
export function deletingStatus(cluster: Persisted<Cluster>, waitingFor: string): ClusterStatus {
  const generation = cluster.metadata.generation;
  const conditions = withConditions(
    cluster.status?.conditions,
    [{ type: ConditionType.Deleting, status: 'True', reason: Reason.Deleting, message: waitingFor }],
    generation,
  );
  return { ...cluster.status, phase: ClusterPhase.Deleting, conditions };
}

/**
 * `cleanupCluster`: one step of deleting a KVM guest cluster, in reverse order: VMs, Services
 * and Ingress, flannel, the hosts' bridges, the flannel store prefix, the network allocation,
 * the namespace. Each pass starts the first stage that still has something and says what it
 * waits for; a pass that finds everything gone answers `done`. All of it is found from the
 * Cluster's identity (its ID names the host namespace, the store prefix and the ledger entry) and
 * the observed world: deleting renders nothing of the Cluster and needs no provider spec.
 */
import type { KubeObject } from '@kubeception/sdk';
import type { DriverError, DriverProgress } from '@kubeception/sdk/cluster';
import type { DaemonSet } from '@kubeception/sdk/kube';
import { okAsync, type ResultAsync } from 'neverthrow';
import type { NetworkLedger } from '../network/ledger.js';
import type { NetworkStore } from '../network/store.js';
import { clusterOwner, type KvmClusterIdentity } from '../render/cluster.js';
import { BRIDGE_CLEANUP_DAEMONSET, flannelEtcdPrefix, renderBridgeCleanupDaemonSet } from '../render/flannel.js';
import { KvmLabel, ObjectName } from '../render/names.js';
import { applyObjects, deleteObjects } from './apply.js';
import type { KubeClient } from '@kubeception/sdk/kube';
import { namespaceClaim, type KvmWorld } from './world.js';

/** What deleting needs. */
export interface CleanupDeps {
  readonly kube: KubeClient;
  readonly fieldManager: string;
  readonly store: NetworkStore;
  readonly ledger: NetworkLedger;
  readonly recheckMs: number;
  /** Image of the bridge-cleanup DaemonSet. */
  readonly flannelImage?: string;
  /**
   * The hosts the bridge cleanup runs on (`spec.provider.kvm.nodeSelector`). @default every host
   * (a Cluster whose provider spec no longer parses)
   */
  readonly nodeSelector?: Readonly<Record<string, string>> | undefined;
}

const wait = (reason: string, recheckMs: number): DriverProgress => ({ type: 'waitFor', reason, recheckAfterMs: recheckMs });

/**
 * One deletion step. Only what is this Cluster's is deleted: its host namespace `<cluster-id>`
 * and what is in it when the namespace is annotated as its own, its flannel store prefix and its
 * ledger entry; a namespace of that name that is not its own is never touched.
 */
export function cleanupCluster(cluster: KvmClusterIdentity, world: KvmWorld, deps: CleanupDeps): ResultAsync<DriverProgress, DriverError> {
  const owner = clusterOwner(cluster);
  const all = [...world.objects.values()].filter((o) => o.kind !== 'Namespace');
  const step = (objects: readonly KubeObject[], what: string): ResultAsync<DriverProgress, DriverError> | undefined =>
    objects.length === 0 ? undefined : deleteObjects(deps.kube, objects).map(() => wait(`deleting ${objects.length} ${what}`, deps.recheckMs));
  const finish = (): ResultAsync<DriverProgress, DriverError> =>
    deps.store
      .deletePrefix(flannelEtcdPrefix(cluster.id))
      .mapErr((e): DriverError => ({ kind: 'Transient', message: `flannel store: ${e.message}`, cause: e }))
      .andThen(() => deps.ledger.release(owner).mapErr((e): DriverError => ({ kind: 'Transient', message: e.message, cause: e })))
      .andThen(() =>
        world.namespace
          ? deleteObjects(deps.kube, [world.namespace]).map(() => wait(`namespace ${cluster.id} terminating`, deps.recheckMs))
          : okAsync<DriverProgress, DriverError>({ type: 'done' }),
      );

  // A namespace claimed by another Cluster is not ours to empty (nor is a flannel prefix of its
  // ID): only our ledger entry is released. One a former Cluster of our name left behind keeps its
  // network too: its VMs may still run on it, and this Cluster never had anything there.
  const claim = namespaceClaim(world.namespace, { owner, uid: cluster.metadata.uid });
  if (claim === 'previous') return okAsync({ type: 'done' });
  if (claim === 'foreign')
    return deps.ledger
      .release(owner)
      .mapErr((e): DriverError => ({ kind: 'Transient', message: e.message, cause: e }))
      .map(() => ({ type: 'done' }));

  const vms = all.filter((o) => o.kind === 'Deployment' && o.metadata?.labels?.[KvmLabel.Node] !== undefined);
  const front = all.filter((o) => ['Service', 'EndpointSlice', 'Ingress', 'PodDisruptionBudget'].includes(o.kind ?? ''));
  const flannel = all.filter((o) => o.kind === 'DaemonSet' && o.metadata?.name === ObjectName.FlannelDaemonSet);
  const stages: (() => ResultAsync<DriverProgress, DriverError> | undefined)[] = [
    () => step(vms, 'VMs'),
    () => (world.pods.length > 0 ? okAsync(wait(`${world.pods.length} VM pods stopping`, deps.recheckMs)) : undefined),
    () => step(front, 'Services, EndpointSlices, Ingress and PodDisruptionBudgets'),
    () => step(flannel, 'flannel DaemonSets'),
    () => bridges(cluster, world, deps),
  ];
  return stages.reduce<ResultAsync<DriverProgress, DriverError> | undefined>((found, stage) => found ?? stage(), undefined) ?? finish();
}

/**
 * The hosts' bridges: runs the cleanup DaemonSet on every host until it is Ready everywhere
 * (only while the namespace lives; `undefined` once done or impossible).
 */
function bridges(cluster: KvmClusterIdentity, world: KvmWorld, deps: CleanupDeps): ResultAsync<DriverProgress, DriverError> | undefined {
  const live = world.namespace !== undefined && world.namespace.metadata.deletionTimestamp === undefined;
  if (!live || world.network === undefined) return undefined;
  const cleanup = world.objects.get(`DaemonSet/${BRIDGE_CLEANUP_DAEMONSET}`) as (DaemonSet & KubeObject) | undefined;
  if (cleanup === undefined) {
    return renderBridgeCleanupDaemonSet(cluster, world.network.vni, { image: deps.flannelImage, nodeSelector: deps.nodeSelector })
      .asyncAndThen((daemonSet) => applyObjects(deps, [daemonSet]))
      .mapErr((e): DriverError => ('kind' in e && e.kind === 'Unrenderable' ? { kind: 'Failed', message: e.message, cause: e } : (e as DriverError)))
      .map(() => wait('removing the bridge and VXLAN device from every host', deps.recheckMs));
  }
  const status = cleanup.status;
  const clean =
    status !== undefined && (status.observedGeneration ?? 0) >= (cleanup.metadata?.generation ?? 0) && status.numberReady === status.desiredNumberScheduled;
  return clean ? undefined : okAsync(wait(`bridge cleanup on ${status?.numberReady ?? 0} of ${status?.desiredNumberScheduled ?? '?'} hosts`, deps.recheckMs));
}

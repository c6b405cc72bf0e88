/**
 * `createKvmDriver`: the SDK's `ClusterDriver` for guest clusters as QEMU VMs in pods of the host.
 * Everything it creates lives in host namespace `<cluster-id>` (the Cluster's host-unique ID)
 * with the cluster's labels, so observe finds it from the Cluster alone; it reads host objects
 * from the manager's shared caches and writes with server-side apply only what differs. It
 * never writes into, or deletes, a host namespace that is not annotated as its Cluster's. Its
 * `preflight` refuses, before the Cluster gets any PKI, what `apply` would refuse before writing
 * anything (`NamespaceTaken`, `Unrenderable`, the network's refusals, a changed network
 * `AllocationImmutable`): see `preflight.ts`. A Cluster refused `NamespaceTaken` is looked at
 * again when that namespace changes or goes (see `refused-clusters.ts`). Deleting renders nothing
 * and needs no provider spec: everything is found from the Cluster's ID.
 */
import type { Cluster, Persisted } from '@kubeception/sdk';
import type { ClusterDriver, DriverContext, DriverError, DriverProgress, Observed } from '@kubeception/sdk/cluster';
import type { KubeClient } from '@kubeception/sdk/kube';
import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { DEFAULT_NETWORK_POOL, type NetworkPool } from '../network/allocate.js';
import { createNetworkLedger, NETWORK_LEDGER_NAME, type NetworkLedger } from '../network/ledger.js';
import type { NetworkStore } from '../network/store.js';
import { provider, type KvmSpec } from '../provider-spec.js';
import { clusterOwner, kvmCluster, kvmClusterIdentity } from '../render/cluster.js';
import type { FlannelDaemonSetOptions } from '../render/flannel.js';
import { CURRENT_HOST_API_VERSIONS, type HostApiVersions } from '../render/host-api-versions.js';
import { executePlan } from './apply.js';
import { cleanupCluster } from './cleanup.js';
import { adminCertificateConnector, type GuestConnector } from './guest.js';
import { createGuestWatches, type GuestWatches } from './guest-watch.js';
import type { HostPolicy } from './host-policy.js';
import { hostWatches } from './host-watches.js';
import { createSpecMemo, type SpecMemo } from './elided-specs.js';
import { createAdminCertificates, type AdminCertificates } from './source-secrets.js';
import { observation, type KvmObservation } from './observation.js';
import { allocationRefusal, ledgerRefusal, networkRequest, preflightCluster, unrenderableRefusal, type PreflightDeps } from './preflight.js';
import { createRefusedClusters, type RefusedClusters } from './refused-clusters.js';
import { createRenderCache, type RenderCache } from './render-cache.js';
import { guestTarget, namespaceClaim, namespaceRefusal, observeWorld, type ObserveDeps } from './world.js';

export type { KvmObservation } from './observation.js';

/** Options of {@link createKvmDriver}. */
export interface KvmDriverOptions {
  /** Client of the host cluster. */
  readonly kube: KubeClient;
  /** The host flannel store (etcd in production, memory in tests). */
  readonly networkStore: NetworkStore;
  /**
   * How flanneld reaches that store. With `etcdTlsSecretName`, the driver copies that Secret from
   * `ledgerNamespace` (the operator's) into every cluster's namespace, where the DaemonSet mounts it.
   */
  readonly flannel: FlannelDaemonSetOptions;
  /** Namespace of the network ledger ConfigMap (the operator's). */
  readonly ledgerNamespace: string;
  /** @default {@link NETWORK_LEDGER_NAME} */
  readonly ledgerName?: string;
  /** @default {@link DEFAULT_NETWORK_POOL} */
  readonly networkPool?: NetworkPool;
  /** Reaches guest APIs. @default {@link adminCertificateConnector} */
  readonly guest?: GuestConnector;
  /** Field manager of every write. @default 'kvm-operator' */
  readonly fieldManager?: string;
  /** Namespace of the host ingress controller (admitted by the NetworkPolicy). @default 'ingress-nginx' */
  readonly ingressNamespace?: string;
  /** How long a node drain may take before the VM is removed anyway. @default 300_000 */
  readonly drainTimeoutMs?: number;
  /** How often a converging cluster is looked at again (guest nodes are not watched). @default 2000 */
  readonly recheckMs?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /**
   * Which launcher images and host directories Clusters may ask for (the VM pods are privileged):
   * others are refused before anything is created. @default the default launcher image's
   * repository, and host paths under `/var/lib/kubeception`
   */
  readonly hostPolicy?: HostPolicy;
  /**
   * The versions the host serves PodDisruptionBudgets and EndpointSlices at, which the driver
   * renders, caches, writes and deletes them at: `discoverHostApiVersions(kube)` tells them (the
   * kvm-operator asks when it starts). @default {@link CURRENT_HOST_API_VERSIONS} (`policy/v1`,
   * `discovery.k8s.io/v1`: Kubernetes 1.21 and later)
   */
  readonly hostApiVersions?: HostApiVersions;
}

/** What the driver's steps share: its options, their defaults, and what it keeps between passes. */
interface KvmDriverState {
  readonly options: KvmDriverOptions;
  readonly ledgerName: string;
  readonly pool: NetworkPool;
  readonly ledger: NetworkLedger;
  readonly connect: GuestConnector;
  readonly fieldManager: string;
  readonly recheckMs: number;
  /**
   * The guests' Nodes are watched (one informer per guest cluster) once the controller starts the
   * driver's events; a pass then reads them from the watch's cache instead of listing them.
   */
  readonly guests: GuestWatches;
  /** The last rendering of each Cluster, reused while its spec and network are the same. */
  readonly renders: RenderCache;
  /** The VM Deployments checked against a rendering, at which generation (their cache keeps no spec). */
  readonly specs: SpecMemo;
  /** The Clusters' admin certificates, read whole when their Secret's cache keeps digests. */
  readonly admins: AdminCertificates;
  /**
   * The Clusters refused NamespaceTaken, by the namespace in their way: the Namespace watch queues
   * one when that namespace changes or goes (a squatter's namespace leads to no Cluster otherwise).
   */
  readonly refused: RefusedClusters;
  /** The versions of the host's PodDisruptionBudgets and EndpointSlices. */
  readonly hostApiVersions: HostApiVersions;
}

/** Creates the KVM driver. */
export function createKvmDriver(options: KvmDriverOptions): ClusterDriver<KvmSpec, KvmObservation> {
  const state = driverState(options);
  const { ledgerName, pool, connect, guests, renders, refused, hostApiVersions, specs } = state;
  const flannelTlsSecret = options.flannel.etcdTlsSecretName;
  const observeDeps: ObserveDeps = {
    store: options.networkStore,
    ledgerNamespace: options.ledgerNamespace,
    ledgerName,
    connect,
    guests,
    hostApiVersions,
    kube: options.kube,
    specs,
    admins: state.admins,
    ...(flannelTlsSecret ? { flannelTlsSecret } : {}),
  };
  const preflightDeps: PreflightDeps = {
    ledgerNamespace: options.ledgerNamespace,
    ledgerName,
    pool,
    unrenderable: (kc, network) => {
      const outcome = renders.render(kc, network);
      return 'error' in outcome ? outcome.error : undefined;
    },
    hostPolicy: options.hostPolicy ?? {},
  };
  return {
    name: 'kvm',
    provider,
    watches: hostWatches({ ledgerNamespace: options.ledgerNamespace, ledgerName, flannelTlsSecret, refused, hostApiVersions }),
    events: (notify, signal) => guests.start(notify, signal),
    preflight: (cluster, spec, context) => tracked(refused, cluster, preflightCluster(preflightDeps, cluster, kvmCluster(cluster, spec), context)),
    observe: (cluster, spec, context) => observeWorld(cluster, observeDeps, context).map((world) => observation({ cluster, spec, world, renders, specs })),
    apply: (cluster, spec, observed, context) => tracked(refused, cluster, applyStep(state, { cluster, spec, observed, context })),
    cleanup: (cluster, spec, observed) => cleanupStep(state, { cluster, spec, observed }),
  };
}

/** The driver's options with their defaults, and its (empty) state. */
function driverState(options: KvmDriverOptions): KvmDriverState {
  const ledgerName = options.ledgerName ?? NETWORK_LEDGER_NAME;
  const pool = options.networkPool ?? DEFAULT_NETWORK_POOL;
  const hostApiVersions = options.hostApiVersions ?? CURRENT_HOST_API_VERSIONS;
  return {
    options,
    ledgerName,
    pool,
    ledger: createNetworkLedger(options.kube, { namespace: options.ledgerNamespace, name: ledgerName, pool }),
    connect: options.guest ?? adminCertificateConnector(),
    fieldManager: options.fieldManager ?? 'kvm-operator',
    recheckMs: options.recheckMs ?? 2000,
    guests: createGuestWatches(),
    renders: createRenderCache({ flannel: options.flannel, ingressNamespace: options.ingressNamespace, hostApiVersions }),
    specs: createSpecMemo(),
    admins: createAdminCertificates(options.kube),
    refused: createRefusedClusters(),
    hostApiVersions,
  };
}

/** `outcome`, noting whether it refuses the Cluster because its host namespace is taken (or no longer does). */
function tracked<T>(refused: RefusedClusters, cluster: Persisted<Cluster>, outcome: ResultAsync<T, DriverError>): ResultAsync<T, DriverError> {
  const id = kvmClusterIdentity(cluster).id;
  const note = (error: DriverError | undefined) => {
    if (error?.reason === 'NamespaceTaken') refused.refused(id, { name: cluster.metadata.name, namespace: cluster.metadata.namespace });
    else refused.cleared(id);
  };
  return outcome.andTee(() => note(undefined)).orTee(note);
}

/** One pass of `apply` or `cleanup`: the Cluster, its spec and what `observe` reported. */
interface Pass<S> {
  readonly cluster: Persisted<Cluster>;
  readonly spec: S;
  readonly observed: Observed<KvmObservation>;
}

/** One step of `apply`: the checks preflight made (the caches may have been behind), the network, then the plan. */
function applyStep(state: KvmDriverState, pass: Pass<KvmSpec> & { readonly context: DriverContext }): ResultAsync<DriverProgress, DriverError> {
  const { options, ledger, connect, fieldManager, recheckMs } = state;
  const { cluster, spec, observed, context } = pass;
  const { world, rendered, plan, unrenderable } = observed.provider;
  const kc = kvmCluster(cluster, spec);
  const owner = clusterOwner(kc);
  const claim = namespaceClaim(world.namespace, { owner, uid: cluster.metadata.uid });
  if (claim === 'previous' && world.namespace?.metadata.deletionTimestamp !== undefined) {
    return okAsync({ type: 'waitFor', reason: `host namespace ${kc.id}, left by a former Cluster ${owner}, is terminating`, recheckAfterMs: recheckMs });
  }
  const refusal =
    namespaceRefusal(kc.id, world.namespace, { owner, uid: cluster.metadata.uid }) ??
    (unrenderable === undefined ? undefined : unrenderableRefusal(unrenderable)) ??
    allocationRefusal(kc.spec.network.flannel, world.network);
  if (refusal !== undefined) return errAsync(refusal);
  if (!world.ledgered || rendered === undefined || plan === undefined) {
    return ledger
      .allocate(owner, networkRequest(kc.spec.network.flannel, world.network))
      .mapErr(ledgerRefusal)
      .map((): DriverProgress => ({ type: 'requeueAfter', ms: 50, reason: 'network allocated' }));
  }
  // drains and Node deletions dial as the admin, as reading the Nodes does
  const guest = connect(guestTarget(cluster, world.admin));
  const applyDeps = {
    kube: options.kube,
    fieldManager,
    store: options.networkStore,
    drainTimeoutMs: options.drainTimeoutMs ?? 300_000,
    recheckMs,
    now: options.now ?? (() => new Date()),
    guest,
    specs: state.specs,
  };
  // a Cluster with nothing left to do lets its rendering go: the next pass (a change, a resync)
  // renders it again, and a settled Cluster keeps no copy of what it renders
  return executePlan(applyDeps, world, plan, rendered, kc, context).andTee((progress) => {
    if (progress.type === 'done') state.renders.forget(owner);
  });
}

/** One step of `cleanup`: the driver forgets the Cluster (its rendering, refusal and guest watch), then deletes what is its own. */
function cleanupStep(state: KvmDriverState, pass: Pass<KvmSpec | undefined>): ResultAsync<DriverProgress, DriverError> {
  const { options } = state;
  const { cluster, spec, observed } = pass;
  const identity = kvmClusterIdentity(cluster);
  state.renders.forget(clusterOwner(identity));
  state.refused.cleared(identity.id);
  state.guests.stop({ name: cluster.metadata.name, namespace: cluster.metadata.namespace });
  state.admins.forget(cluster);
  const cleanupDeps = {
    kube: options.kube,
    fieldManager: state.fieldManager,
    store: options.networkStore,
    ledger: state.ledger,
    recheckMs: state.recheckMs,
    flannelImage: options.flannel.image,
    nodeSelector: spec?.nodeSelector,
  };
  return cleanupCluster(identity, observed.provider.world, cleanupDeps);
}

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
import { Label, NodeRole, type Cluster, type KubeObject, type Persisted } from '@kubeception/sdk';
import { driverCondition, type ClusterDriver, type DriverContext, type DriverError, type DriverProgress, type DriverWatch, type Observed } from '@kubeception/sdk/cluster';
import { ConfigMapResource, NamespaceResource, PodResource, SecretResource, type KubeClient } from '@kubeception/sdk/kube';
import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { DEFAULT_NETWORK_POOL, type NetworkPool } from '../network/allocate.js';
import { createNetworkLedger, NETWORK_LEDGER_NAME, parseLedgerEntry } from '../network/ledger.js';
import type { NetworkStore } from '../network/store.js';
import { provider, type KvmSpec } from '../provider-spec.js';
import { clusterOwner, kvmCluster, kvmClusterIdentity, type KvmCluster } from '../render/cluster.js';
import type { FlannelDaemonSetOptions, FlannelNetwork } from '../render/flannel.js';
import { KvmLabel } from '../render/names.js';
import type { Unrenderable } from '../render/quote.js';
import { renderCluster, type RenderedCluster } from '../render/render-cluster.js';
import { executePlan } from './apply.js';
import { cleanupCluster } from './cleanup.js';
import { adminCertificateConnector, type GuestConnector } from './guest.js';
import { createGuestWatches } from './guest-watch.js';
import { CERTIFICATE_SECRETS, clusterOfHostObject, HOST_KINDS, selectionOf, VM_PODS } from './host.js';
import { planCluster, settled, type Plan } from './plan.js';
import type { HostPolicy } from './host-policy.js';
import { allocationRefusal, ledgerRefusal, networkRequest, preflightCluster, unrenderableRefusal, type PreflightDeps } from './preflight.js';
import { createRefusedClusters } from './refused-clusters.js';
import { guestTarget, namespaceClaim, namespaceRefusal, observeWorld, type KvmWorld } from './world.js';

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
}

/** What `observe` hands `apply`: the world and, once a network is known, the rendered cluster and the plan. */
export interface KvmObservation {
  /** The cluster's host objects, flannel config and guest nodes as they are. */
  readonly world: KvmWorld;
  /** The host objects the cluster should have; set once its network is known (never while the Cluster is deleted: deleting renders nothing). */
  readonly rendered?: RenderedCluster;
  /** What `apply` has to do to get from `world` to `rendered`; set with `rendered`. */
  readonly plan?: Plan;
  /** Why the Cluster cannot be rendered (a user-written value that cannot be written safely): `apply` refuses it, `cleanup` is not affected. */
  readonly unrenderable?: Unrenderable;
}


/** A rendering, or why there is none. */
type RenderOutcome = { readonly value: RenderedCluster } | { readonly error: Unrenderable };

/** The network rendered before one is allocated: only to find out whether the Cluster renders at all (rendering fails on user-written values alone). */
const UNALLOCATED: FlannelNetwork = { network: '0.0.0.0/32', vni: 0 };


/** Creates the KVM driver. */
export function createKvmDriver(options: KvmDriverOptions): ClusterDriver<KvmSpec, KvmObservation> {
  const ledgerName = options.ledgerName ?? NETWORK_LEDGER_NAME;
  const pool = options.networkPool ?? DEFAULT_NETWORK_POOL;
  const ledger = createNetworkLedger(options.kube, { namespace: options.ledgerNamespace, name: ledgerName, pool });
  const connect = options.guest ?? adminCertificateConnector();
  const fieldManager = options.fieldManager ?? 'kvm-operator';
  const recheckMs = options.recheckMs ?? 2000;
  // the guests' Nodes are watched (one informer per guest cluster) once the controller starts the
  // driver's events; a pass then reads them from the watch's cache instead of listing them
  const guests = createGuestWatches();
  const deps = { store: options.networkStore, ledgerNamespace: options.ledgerNamespace, ledgerName, connect, guests, ...(options.flannel.etcdTlsSecretName ? { flannelTlsSecret: options.flannel.etcdTlsSecretName } : {}) };
  // rendering (boot configs, their hashes) is most of a pass's CPU and depends on the spec and the
  // network only, while a converging cluster is observed on every change of its host objects: the
  // last rendering of each cluster is kept and reused while those inputs are the same (preflight
  // renders with the network observe then renders with, so the two share one rendering)
  const rendered = new Map<string, { readonly inputs: string; readonly output: RenderOutcome }>();
  const render = (kc: KvmCluster, held: FlannelNetwork | undefined): RenderOutcome => {
    const network = held ?? UNALLOCATED;
    const key = clusterOwner(kc);
    const inputs = JSON.stringify([kc, network]);
    const last = rendered.get(key);
    if (last?.inputs === inputs) return last.output;
    const output = renderCluster(kc, { network, flannel: options.flannel, ...(options.ingressNamespace ? { ingressNamespace: options.ingressNamespace } : {}) }).match(
      (value): RenderOutcome => ({ value }),
      (error): RenderOutcome => ({ error }),
    );
    rendered.set(key, { inputs, output });
    return output;
  };

  // the Clusters refused NamespaceTaken, by the namespace in their way: the Namespace watch queues
  // one when that namespace changes or goes (a squatter's namespace leads to no Cluster otherwise)
  const refused = createRefusedClusters();
  const tracked = <T>(cluster: Persisted<Cluster>, outcome: ResultAsync<T, DriverError>): ResultAsync<T, DriverError> => {
    const id = kvmClusterIdentity(cluster).id;
    const note = (error: DriverError | undefined) => {
      if (error?.reason === 'NamespaceTaken') refused.refused(id, { name: cluster.metadata.name, namespace: cluster.metadata.namespace });
      else refused.cleared(id);
    };
    return outcome.andTee(() => note(undefined)).orTee(note);
  };

  const preflightDeps: PreflightDeps = {
    ledgerNamespace: options.ledgerNamespace,
    ledgerName,
    pool,
    unrenderable: (kc, network) => {
      const outcome = render(kc, network);
      return 'error' in outcome ? outcome.error : undefined;
    },
    hostPolicy: options.hostPolicy ?? {},
  };

  const watch = <U extends KubeObject>(w: DriverWatch<U>) => w as unknown as DriverWatch;
  const watches: DriverWatch[] = [
    ...Object.values(HOST_KINDS).map((resource) => {
      const selection = selectionOf(resource);
      const clusters: DriverWatch['clusters'] =
        resource === NamespaceResource ? (ns, deleted) => [...clusterOfHostObject(ns), ...refused.concerned(ns.metadata.name, deleted)] : clusterOfHostObject;
      return watch({ resource, ...(selection ? { selection } : {}), clusters });
    }),
    watch({ resource: PodResource, selection: VM_PODS, clusters: clusterOfHostObject }),
    // the Clusters' certificate Secrets, and their copies in the host namespaces (which name their Cluster's namespace)
    watch({ resource: SecretResource, selection: CERTIFICATE_SECRETS, clusters: (s) => [{ name: s.metadata.labels?.[Label.Cluster] ?? '', namespace: s.metadata.labels?.[KvmLabel.ClusterNamespace] ?? s.metadata.namespace }] }),
    // a lost ledger: every Cluster it listed re-derives its entry from its status
    watch({ resource: ConfigMapResource, selection: { namespace: options.ledgerNamespace }, clusters: (cm, deleted) => (deleted && cm.metadata.name === ledgerName ? ledgerOwners(cm.data) : []) }),
    ...(options.flannel.etcdTlsSecretName ? [watch({ resource: SecretResource, selection: { namespace: options.ledgerNamespace }, clusters: () => [] })] : []),
  ];

  return {
    name: 'kvm',
    provider,
    watches,
    events: (notify, signal) => guests.start(notify, signal),
    preflight: (cluster, spec, context) => tracked(cluster, preflightCluster(preflightDeps, cluster, kvmCluster(cluster, spec), context)),
    observe: (cluster, spec, context) =>
      observeWorld(cluster, deps, context).map((world): Observed<KvmObservation> => {
        // deleting renders nothing (a spec that no longer parses, or renders, must not keep the
        // Cluster): cleanup finds everything from the Cluster's ID and the world
        if (spec === undefined || cluster.metadata.deletionTimestamp !== undefined) return { provider: { world }, conditions: [] };
        const kc = kvmCluster(cluster, spec);
        const outcome = render(kc, world.network);
        const rendered = world.network !== undefined && 'value' in outcome ? outcome.value : undefined;
        const unrenderable = 'error' in outcome ? outcome.error : undefined;
        const plan = rendered ? planCluster(kc, world, rendered, [...world.certificates, ...(world.flannelTls ? [world.flannelTls] : [])]) : undefined;
        return { provider: { world, ...(rendered ? { rendered } : {}), ...(plan ? { plan } : {}), ...(unrenderable ? { unrenderable } : {}) }, ...summarize(kc, world, rendered, plan, unrenderable) };
      }),
    apply: (cluster, spec, observed, context) => tracked(cluster, applyStep(cluster, spec, observed, context)),
    cleanup: (cluster, spec, observed) => {
      const identity = kvmClusterIdentity(cluster);
      rendered.delete(clusterOwner(identity));
      refused.cleared(identity.id);
      guests.stop({ name: cluster.metadata.name, namespace: cluster.metadata.namespace });
      const cleanupDeps = { kube: options.kube, fieldManager, store: options.networkStore, ledger, recheckMs, flannelImage: options.flannel.image, nodeSelector: spec?.nodeSelector };
      return cleanupCluster(identity, observed.provider.world, cleanupDeps);
    },
  };

  /** One step of `apply`: the checks preflight made (the caches may have been behind), the network, then the plan. */
  function applyStep(cluster: Persisted<Cluster>, spec: KvmSpec, observed: Observed<KvmObservation>, context: DriverContext): ResultAsync<DriverProgress, DriverError> {
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
    const guest = connect(guestTarget(cluster, world.certificates));
    const applyDeps = { kube: options.kube, fieldManager, store: options.networkStore, drainTimeoutMs: options.drainTimeoutMs ?? 300_000, recheckMs, now: options.now ?? (() => new Date()), guest };
    return executePlan(applyDeps, world, plan, rendered, kc, context);
  }
}

/** The Clusters a ledger's data lists. */
function ledgerOwners(data: Record<string, string> | undefined): { name: string; namespace: string }[] {
  return Object.entries(data ?? {}).flatMap(([key, value]) => {
    const owner = parseLedgerEntry(key, value)?.owner;
    const slash = owner?.indexOf('/') ?? -1;
    return owner !== undefined && slash > 0 ? [{ namespace: owner.slice(0, slash), name: owner.slice(slash + 1) }] : [];
  });
}

/** Conditions, nodes, network and endpoint of an observation. */
function summarize(kc: KvmCluster, world: KvmWorld, rendered: RenderedCluster | undefined, plan: Plan | undefined, unrenderable: Unrenderable | undefined): Omit<Observed<KvmObservation>, 'provider'> {
  const version = kc.spec.kubernetes.version;
  const nodes = rendered?.nodes ?? [];
  const guestNodes = world.guest.reachable ? world.guest.nodes : new Map();
  const vmsReady = (role: NodeRole) => {
    // no rendering yet (the network is being allocated): no VM exists, so none is Ready
    if (rendered === undefined) return driverCondition(role === NodeRole.Master ? 'ControlPlaneReady' : 'WorkersReady', false, 'Provisioning', 'no VMs yet: allocating the flannel network');
    const mine = nodes.filter((n) => n.role === role);
    const unschedulable = world.pods.find((p) => p.role === role && p.unschedulable !== undefined);
    const notReady = mine.filter((n) => !settled(world, n.name) || (world.guest.reachable && world.guest.nodes.get(n.name)?.version !== version));
    if (unschedulable) return driverCondition(role === NodeRole.Master ? 'ControlPlaneReady' : 'WorkersReady', false, 'Unschedulable', `VM ${unschedulable.node} cannot be placed: ${unschedulable.unschedulable}`);
    const detail = world.guest.reachable ? `${notReady.length} of ${mine.length} nodes not Ready at v${version} in the guest (${notReady.map((n) => n.name).join(', ')})` : world.guest.reason;
    return driverCondition(role === NodeRole.Master ? 'ControlPlaneReady' : 'WorkersReady', notReady.length === 0, 'NodesNotReady', detail);
  };
  const shared = plan?.applies.filter((o) => o.metadata?.labels?.['kubeception.io/node'] === undefined && o.kind !== 'EndpointSlice') ?? [];
  const flannelDs = world.objects.get('DaemonSet/flannel') as { status?: { numberReady?: number; desiredNumberScheduled?: number } } | undefined;
  const flannelReady = flannelDs?.status !== undefined && (flannelDs.status.desiredNumberScheduled ?? 0) > 0 && flannelDs.status.numberReady === flannelDs.status.desiredNumberScheduled;
  const networkReady = world.ledgered && world.flannel !== undefined && flannelReady;
  const podCIDR = kc.spec.network.podCIDR;
  return {
    conditions: [
      // no count or list of the objects left: as their writes reach the cache, every new count
      // would be a status write of the Cluster (what was applied is logged at debug level)
      unrenderable !== undefined
        ? driverCondition('InfrastructureReady', false, 'InvalidSpec', unrenderable.message)
        : driverCondition('InfrastructureReady', rendered !== undefined && shared.length === 0, 'Provisioning', rendered === undefined ? 'allocating the flannel network' : "writing the cluster's host objects"),
      driverCondition('NetworkReady', networkReady, 'Provisioning', !world.ledgered ? 'allocating the flannel network' : world.flannel === undefined ? 'writing the flannel config' : 'flanneld starting on the hosts'),
      vmsReady(NodeRole.Master),
      vmsReady(NodeRole.Worker),
    ],
    network: { ...(world.network ? { flannel: { network: world.network.network, vni: world.network.vni } } : {}), podCIDR },
    ...(world.objects.has('Ingress/api') ? { endpoint: { host: kc.spec.kubernetes.api.domain, port: 443 } } : {}),
    nodes: nodes.flatMap((n) => {
      const pod = world.pods.find((p) => p.node === n.name && !p.terminating) ?? world.pods.find((p) => p.node === n.name);
      if (pod === undefined) return [];
      const guest = guestNodes.get(n.name);
      return [{ name: n.name, role: n.role, ...(n.pool ? { pool: n.pool } : {}), ready: guest?.ready === true && guest.version === version, ...(pod.ip ? { address: pod.ip } : {}), providerID: `kvm://${kc.id}/${n.name}` }];
    }),
  };
}

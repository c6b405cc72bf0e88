/**
 * `createKvmDriver`: the SDK's `ClusterDriver` for guest clusters as QEMU VMs in pods of the host.
 * Everything it creates lives in host namespace `<cluster>` with the cluster's labels, so observe
 * finds it from the Cluster alone; it reads host objects from the manager's shared caches and
 * writes with server-side apply only what differs.
 */
import { Label, NodeRole, type ClusterDriver, type KubeObject, type DriverCondition, type DriverError, type DriverWatch, type Observed } from '@kubeception/sdk';
import { ConfigMapResource, PodResource, SecretResource, type KubeClient } from '@kubeception/sdk/kube';
import { errAsync, okAsync } from 'neverthrow';
import { DEFAULT_NETWORK_POOL, type NetworkPool } from '../network/allocate.js';
import { createNetworkLedger, NETWORK_LEDGER_NAME, type NetworkLedgerError } from '../network/ledger.js';
import type { NetworkStore } from '../network/store.js';
import { provider, type KvmSpec } from '../provider-spec.js';
import { kvmCluster, type KvmCluster } from '../render/cluster.js';
import type { FlannelDaemonSetOptions } from '../render/flannel.js';
import { KvmAnnotation } from '../render/names.js';
import { renderCluster, type RenderedCluster } from '../render/render-cluster.js';
import { executePlan } from './apply.js';
import { cleanupCluster, ownsNamespace } from './cleanup.js';
import { adminCertificateConnector, type GuestConnector } from './guest.js';
import { createGuestWatches } from './guest-watch.js';
import { CERTIFICATE_SECRETS, clusterOfHostObject, HOST_KINDS, MANAGED, VM_PODS } from './host.js';
import { planCluster, settled, type Plan } from './plan.js';
import { guestTarget, observeWorld, type KvmWorld } from './world.js';

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
}

/** What `observe` hands `apply`: the world and, once a network is known, the rendered cluster and the plan. */
export interface KvmObservation {
  readonly world: KvmWorld;
  readonly rendered?: RenderedCluster;
  readonly plan?: Plan;
}

const condition = (type: DriverCondition['type'], ok: boolean, reason: string, message: string): DriverCondition => ({ type, status: ok ? 'True' : 'False', reason: ok ? 'AsExpected' : reason, message: ok ? '' : message });

const refusal = (error: NetworkLedgerError): DriverError =>
  error.kind === 'Kube' || error.kind === 'Contended'
    ? { kind: 'Transient', message: error.message, cause: error }
    : { kind: error.kind === 'InvalidPool' || error.kind === 'CorruptLedger' ? 'Failed' : 'InvalidSpec', reason: error.kind, message: error.message, terminal: true, cause: error };

/** Creates the KVM driver. */
export function createKvmDriver(options: KvmDriverOptions): ClusterDriver<KvmSpec, KvmObservation> {
  const ledgerName = options.ledgerName ?? NETWORK_LEDGER_NAME;
  const ledger = createNetworkLedger(options.kube, { namespace: options.ledgerNamespace, name: ledgerName, pool: options.networkPool ?? DEFAULT_NETWORK_POOL });
  const connect = options.guest ?? adminCertificateConnector();
  const fieldManager = options.fieldManager ?? 'kvm-operator';
  const recheckMs = options.recheckMs ?? 2000;
  // the guests' Nodes are watched (one informer per guest cluster) once the controller starts the
  // driver's events; a pass then reads them from the watch's cache instead of listing them
  const guests = createGuestWatches();
  const deps = { store: options.networkStore, ledgerNamespace: options.ledgerNamespace, ledgerName, connect, guests, ...(options.flannel.etcdTlsSecretName ? { flannelTlsSecret: options.flannel.etcdTlsSecretName } : {}) };
  // rendering (boot configs, their hashes) is most of a pass's CPU and depends on the spec and the
  // network only, while a converging cluster is observed on every change of its host objects: the
  // last rendering of each cluster is kept and reused while those inputs are the same
  const rendered = new Map<string, { readonly inputs: string; readonly output: RenderedCluster }>();
  const render = (kc: KvmCluster, world: KvmWorld): RenderedCluster | undefined => {
    if (!world.network) return undefined;
    const key = `${kc.metadata.namespace ?? ''}/${kc.metadata.name}`;
    const inputs = JSON.stringify([kc, world.network]);
    const last = rendered.get(key);
    if (last?.inputs === inputs) return last.output;
    const output = renderCluster(kc, { network: world.network, flannel: options.flannel, ...(options.ingressNamespace ? { ingressNamespace: options.ingressNamespace } : {}) });
    rendered.set(key, { inputs, output });
    return output;
  };

  const watch = <U extends KubeObject>(w: DriverWatch<U>) => w as unknown as DriverWatch;
  const watches: DriverWatch[] = [
    ...Object.values(HOST_KINDS).map((resource) => watch({ resource, selection: MANAGED, clusters: clusterOfHostObject })),
    watch({ resource: PodResource, selection: VM_PODS, clusters: clusterOfHostObject }),
    watch({ resource: SecretResource, selection: CERTIFICATE_SECRETS, clusters: (s) => [{ name: s.metadata.labels?.[Label.Cluster] ?? '', namespace: s.metadata.namespace }] }),
    // a lost ledger: every Cluster it listed re-derives its entry from its status
    watch({ resource: ConfigMapResource, selection: { namespace: options.ledgerNamespace }, clusters: (cm, deleted) => (deleted && cm.metadata.name === ledgerName ? ledgerOwners(cm.data) : []) }),
    ...(options.flannel.etcdTlsSecretName ? [watch({ resource: SecretResource, selection: { namespace: options.ledgerNamespace }, clusters: () => [] })] : []),
  ];

  return {
    name: 'kvm',
    provider: provider as never,
    watches,
    events: (notify, signal) => guests.start(notify, signal),
    observe: (cluster, spec, context) =>
      observeWorld(cluster, deps, context).map((world): Observed<KvmObservation> => {
        const kc = kvmCluster(cluster, spec);
        const rendered = render(kc, world);
        const plan = rendered ? planCluster(kc, world, rendered, [...world.certificates, ...(world.flannelTls ? [world.flannelTls] : [])]) : undefined;
        return { provider: { world, ...(rendered ? { rendered } : {}), ...(plan ? { plan } : {}) }, ...summarize(kc, world, rendered, plan) };
      }),
    apply: (cluster, spec, observed, context) => {
      const { world, rendered, plan } = observed.provider;
      const owner = `${cluster.metadata.namespace}/${cluster.metadata.name}`;
      if (!ownsNamespace(world, owner)) {
        const claim = world.namespace?.metadata.annotations?.[KvmAnnotation.Cluster];
        return errAsync({ kind: 'Conflict', reason: 'NamespaceTaken', terminal: true, message: `host namespace ${cluster.metadata.name} belongs to Cluster ${claim}; KVM cluster names must be unique across namespaces` });
      }
      if (!world.ledgered || rendered === undefined || plan === undefined) {
        const { flannel } = cluster.spec.network;
        const network = flannel.network ?? world.network?.network;
        const vni = flannel.vni ?? world.network?.vni;
        const request = { subnetLen: flannel.subnetLen, ...(network !== undefined ? { network } : {}), ...(vni !== undefined ? { vni } : {}) };
        return ledger.allocate(owner, request).mapErr(refusal).map(() => ({ type: 'requeueAfter' as const, ms: 50, reason: 'network allocated' }));
      }
      // drains and Node deletions dial as the admin, as reading the Nodes does
      const guest = connect(guestTarget(cluster, world.certificates));
      return executePlan({ kube: options.kube, fieldManager, store: options.networkStore, drainTimeoutMs: options.drainTimeoutMs ?? 300_000, recheckMs, now: options.now ?? (() => new Date()), guest }, world, plan, rendered, cluster.metadata.name, context);
    },
    cleanup: (cluster, spec, observed) => {
      if (spec === undefined) return okAsync({ type: 'done' as const });
      const kc = kvmCluster(cluster, spec) as KvmCluster & { metadata: { namespace: string } };
      rendered.delete(`${kc.metadata.namespace}/${kc.metadata.name}`);
      guests.stop({ name: kc.metadata.name, namespace: kc.metadata.namespace });
      return cleanupCluster(kc, observed.provider.world, { kube: options.kube, fieldManager, store: options.networkStore, ledger, recheckMs });
    },
  };
}

/** The Clusters a ledger's data lists (keys `<namespace>.<name>`). */
function ledgerOwners(data: Record<string, string> | undefined): { name: string; namespace: string }[] {
  return Object.keys(data ?? {}).flatMap((key) => {
    const dot = key.indexOf('.');
    return dot > 0 ? [{ namespace: key.slice(0, dot), name: key.slice(dot + 1) }] : [];
  });
}

/** Conditions, nodes, network and endpoint of an observation. */
function summarize(kc: KvmCluster, world: KvmWorld, rendered: RenderedCluster | undefined, plan: Plan | undefined): Omit<Observed<KvmObservation>, 'provider'> {
  const version = kc.spec.kubernetes.version;
  const nodes = rendered?.nodes ?? [];
  const guestNodes = world.guest.reachable ? world.guest.nodes : new Map();
  const vmsReady = (role: NodeRole) => {
    // no rendering yet (the network is being allocated): no VM exists, so none is Ready
    if (rendered === undefined) return condition(role === NodeRole.Master ? 'ControlPlaneReady' : 'WorkersReady', false, 'Provisioning', 'no VMs yet: allocating the flannel network');
    const mine = nodes.filter((n) => n.role === role);
    const unschedulable = world.pods.find((p) => p.role === role && p.unschedulable !== undefined);
    const notReady = mine.filter((n) => !settled(world, n.name) || (world.guest.reachable && world.guest.nodes.get(n.name)?.version !== version));
    if (unschedulable) return condition(role === NodeRole.Master ? 'ControlPlaneReady' : 'WorkersReady', false, 'Unschedulable', `VM ${unschedulable.node} cannot be placed: ${unschedulable.unschedulable}`);
    const detail = world.guest.reachable ? `${notReady.length} of ${mine.length} nodes not Ready at v${version} in the guest (${notReady.map((n) => n.name).join(', ')})` : world.guest.reason;
    return condition(role === NodeRole.Master ? 'ControlPlaneReady' : 'WorkersReady', notReady.length === 0, 'NodesNotReady', detail);
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
      condition('InfrastructureReady', rendered !== undefined && shared.length === 0, 'Provisioning', rendered === undefined ? 'allocating the flannel network' : "writing the cluster's host objects"),
      condition('NetworkReady', networkReady, 'Provisioning', !world.ledgered ? 'allocating the flannel network' : world.flannel === undefined ? 'writing the flannel config' : 'flanneld starting on the hosts'),
      vmsReady(NodeRole.Master),
      vmsReady(NodeRole.Worker),
    ],
    network: { ...(world.network ? { flannel: { network: world.network.network, vni: world.network.vni } } : {}), podCIDR },
    ...(world.objects.has('Ingress/api') ? { endpoint: { host: kc.spec.kubernetes.api.domain, port: 443 } } : {}),
    nodes: nodes.flatMap((n) => {
      const pod = world.pods.find((p) => p.node === n.name && !p.terminating) ?? world.pods.find((p) => p.node === n.name);
      if (pod === undefined) return [];
      const guest = guestNodes.get(n.name);
      return [{ name: n.name, role: n.role, ...(n.pool ? { pool: n.pool } : {}), ready: guest?.ready === true && guest.version === version, ...(pod.ip ? { address: pod.ip } : {}), providerID: `kvm://${kc.metadata.name}/${n.name}` }];
    }),
  };
}

/**
 * `observeWorld`: a KVM guest cluster as it is, read from the shared caches of host objects,
 * the flannel store and the guest's own API. Reads only.
 */
import { clusterId, Component, Label, NodeRole, type Cluster, type KubeObject, type Persisted } from '@kubeception/sdk';
import type { DriverContext, DriverError } from '@kubeception/sdk/cluster';
import {
  ConfigMapResource,
  NamespaceResource,
  PodResource,
  readByList,
  SecretResource,
  type KubeClient,
  type Namespace,
  type Pod,
  type Secret,
} from '@kubeception/sdk/kube';
import { digestOf } from '@kubeception/sdk/runtime';
import { okAsync, ResultAsync } from 'neverthrow';
import { ledgerKey, parseLedgerEntry } from '../network/ledger.js';
import type { NetworkStore } from '../network/store.js';
import { flannelEtcdPrefix, type FlannelNetwork, type FlannelNetworkConfig } from '../render/flannel.js';
import { secretName } from '../render/certificates.js';
import { KvmAnnotation, KvmLabel } from '../render/names.js';
import { guestError, guestNodes, type GuestConnector, type GuestTarget, type GuestView } from './guest.js';
import type { GuestWatches } from './guest-watch.js';
import type { HostApiVersions } from '../render/host-api-versions.js';
import { SPEC_ELIDED_KINDS, type SpecMemo } from './elided-specs.js';
import type { AdminCertificate, AdminCertificates } from './source-secrets.js';
import { CERTIFICATE_SECRETS, descriptorOf, hostKinds, kindName, managedNamespace, selectionOf, VM_PODS } from './host.js';

/** A VM pod as observed. */
export interface VmPod {
  /** Pod name. */
  readonly name: string;
  /** The guest node it runs. */
  readonly node: string;
  /** Whether the VM is a master or a worker. */
  readonly role: NodeRole;
  /** The pod's `status.phase`. */
  readonly phase: string;
  /** Whether the pod is Ready. */
  readonly ready: boolean;
  /** Whether the pod is being deleted. */
  readonly terminating: boolean;
  /** The VM's address, once the launcher reported it. */
  readonly ip?: string;
  /** The scheduler's message while the pod cannot be placed. */
  readonly unschedulable?: string;
}

/** A KVM guest cluster on the host, as observed. */
export interface KvmWorld {
  /** Host namespace `<cluster-id>`, when it exists and is labelled as managed by the driver (whoever it belongs to: see `namespaceClaim`). */
  readonly namespace?: Persisted<Namespace>;
  /** Every managed object in the host namespace (and the Namespace), by `Kind/name`. Empty while the namespace is not this Cluster's. */
  readonly objects: ReadonlyMap<string, Persisted<KubeObject>>;
  /** The VM pods in the host namespace. */
  readonly pods: readonly VmPod[];
  /** The cluster's component certificate Secrets, in its own namespace (their data values as digests when their cache keeps them so: `source-secrets.ts`). */
  readonly certificates: readonly Persisted<Secret>[];
  /** The admin certificate the guest is dialed with, once issued. */
  readonly admin?: AdminCertificate;
  /** The flannel store's client TLS Secret in the operator's namespace (when flanneld uses TLS). */
  readonly flannelTls?: Persisted<Secret>;
  /** The network this cluster holds: its ledger entry, else what `status.network.flannel` recorded (the ledger was lost). */
  readonly network?: FlannelNetwork;
  /** Whether the ledger (as cached) holds the entry; `false` with a `network` means it must be re-derived from status. */
  readonly ledgered: boolean;
  /** `<prefix>/config` in the flannel store. */
  readonly flannel?: FlannelNetworkConfig;
  /** The guest cluster's nodes, or why its API could not be asked. */
  readonly guest: GuestView;
}

/** Whose a host namespace `<cluster-id>` is, for the Cluster `owner` (`<namespace>/<name>`) with `uid`. */
export type NamespaceClaim =
  /** There is none (or none labelled as the driver's). */
  | 'absent'
  /** It names this Cluster (and its uid, when it records one). */
  | 'ours'
  /** It names this Cluster's namespace and name but another uid: a former Cluster of that name left it. */
  | 'previous'
  /** It names another Cluster, or none. */
  | 'foreign';

/**
 * Whose a host namespace is: the driver adopts (writes into, deletes) only a namespace whose
 * {@link KvmAnnotation.Cluster} annotation names the Cluster and whose
 * {@link KvmAnnotation.ClusterUid} is the Cluster's uid. The driver records both when it creates
 * the namespace; one without the uid was made by someone else (a forgery), and is not adopted.
 */
export function namespaceClaim(
  namespace: Pick<Namespace, 'metadata'> | undefined,
  cluster: { readonly owner: string; readonly uid?: string | undefined },
): NamespaceClaim {
  if (namespace === undefined) return 'absent';
  const annotations = namespace.metadata?.annotations ?? {};
  if (annotations[KvmAnnotation.Cluster] !== cluster.owner) return 'foreign';
  const uid = annotations[KvmAnnotation.ClusterUid];
  if (uid === undefined) return 'foreign';
  return cluster.uid === undefined || uid === cluster.uid ? 'ours' : 'previous';
}

/** What observing needs besides the Cluster. */
export interface ObserveDeps {
  readonly store: NetworkStore;
  /** Name of the flannel store's client TLS Secret in `ledgerNamespace`, copied into every cluster's namespace. */
  readonly flannelTlsSecret?: string;
  readonly ledgerNamespace: string;
  readonly ledgerName: string;
  readonly connect: GuestConnector;
  /** The guest Nodes' watches; without them (or before they start), every pass lists the Nodes. */
  readonly guests?: GuestWatches;
  /** The versions the host serves PodDisruptionBudgets and EndpointSlices at: the caches read. */
  readonly hostApiVersions: HostApiVersions;
  /** Reads a VM Deployment whole when its cached (elided) form was not checked at its generation (`elided-specs.ts`). */
  readonly kube: KubeClient;
  /** The VM Deployments checked. */
  readonly specs: SpecMemo;
  /** The admin certificates read whole (their Secrets' cache may keep digests). */
  readonly admins: Pick<AdminCertificates, 'resolve'>;
}

/**
 * The Cluster's ledger entry: under its ID (or, written before cluster IDs, under
 * `<namespace>.<name>`), and naming it. Anything else is treated as absent (the ledger itself
 * reports corruption when it writes).
 */
function ledgerEntry(data: Record<string, string> | undefined, owner: string): FlannelNetwork | undefined {
  const [namespace, name] = owner.split('/') as [string, string];
  for (const key of [ledgerKey(owner), `${namespace}.${name}`]) {
    const entry = parseLedgerEntry(key, data?.[key]);
    if (entry?.owner === owner) return { network: entry.network, vni: entry.vni };
  }
  return undefined;
}

/** The network a Cluster holds, as far as the host says: `ledgered` when the ledger lists it. */
export interface HeldNetwork {
  /** Its ledger entry, else what its `status.network.flannel` recorded (the ledger lost it and it is re-derived). */
  readonly network?: FlannelNetwork;
  /** Whether the ledger holds the entry. */
  readonly ledgered: boolean;
}

/** The network the Cluster `owner` (`<namespace>/<name>`) holds, from the ledger ConfigMap's data and the Cluster's recorded status (pure). */
export function heldNetwork(
  ledger: Record<string, string> | undefined,
  owner: string,
  recorded: { readonly network?: string | undefined; readonly vni?: number | undefined } | undefined,
): HeldNetwork {
  const ledgered = ledgerEntry(ledger, owner);
  const network = ledgered ?? (recorded?.network !== undefined && recorded.vni !== undefined ? { network: recorded.network, vni: recorded.vni } : undefined);
  return { ...(network ? { network } : {}), ledgered: ledgered !== undefined };
}

/**
 * The refusal of host namespace `id` for the Cluster `owner` (`<namespace>/<name>`) with `uid`:
 * `NamespaceTaken` (terminal) when it exists and is not the Cluster's, that is, it belongs to no
 * Cluster, to another Cluster, or to a former Cluster of the same name that is not being deleted;
 * `undefined` when it is absent, the Cluster's own, or a former Cluster's on its way out (the
 * Cluster waits for it). Preflight, apply and the namespace's creation all decide with this one
 * rule. The message does not name another tenant's Cluster.
 */
export function namespaceRefusal(
  id: string,
  namespace: Pick<Namespace, 'metadata'> | undefined,
  cluster: { readonly owner: string; readonly uid?: string | undefined },
): DriverError | undefined {
  const claim = namespaceClaim(namespace, cluster);
  if (claim === 'absent' || claim === 'ours' || (claim === 'previous' && namespace?.metadata?.deletionTimestamp !== undefined)) return undefined;
  const annotations = namespace?.metadata?.annotations ?? {};
  const whose =
    claim === 'previous'
      ? `was left by a former Cluster ${annotations[KvmAnnotation.Cluster]} (uid ${annotations[KvmAnnotation.ClusterUid]}); delete it to let this one start`
      : annotations[KvmAnnotation.Cluster] === undefined
        ? 'exists and belongs to no Cluster'
        : 'exists and belongs to another Cluster';
  return { kind: 'Conflict', reason: 'NamespaceTaken', terminal: true, message: `host namespace ${id} ${whose}; it is not adopted` };
}

function vmPod(pod: Persisted<Pod>): VmPod {
  const labels = pod.metadata.labels ?? {};
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  const ip = pod.metadata.annotations?.[KvmAnnotation.VmIp];
  return {
    name: pod.metadata.name,
    node: labels[KvmLabel.Node] ?? '',
    role: labels[Label.Role] === NodeRole.Master ? NodeRole.Master : NodeRole.Worker,
    phase: pod.status?.phase ?? 'Pending',
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    terminating: pod.metadata.deletionTimestamp !== undefined,
    ...(ip ? { ip } : {}),
    ...(scheduled?.status === 'False' && scheduled.reason === 'Unschedulable' ? { unschedulable: scheduled.message ?? 'unschedulable' } : {}),
  };
}

/**
 * Where and as whom the driver reaches a cluster's guest API: its endpoint and, once issued, the
 * admin certificate from the cluster's certificate Secrets. Every guest call goes through a
 * target built here (reading Nodes, draining, deleting Nodes): a connector that dials with the
 * certificate has nothing to dial with otherwise.
 */
export function guestTarget(cluster: Persisted<Cluster>, admin: AdminCertificate | undefined): GuestTarget {
  return {
    name: cluster.metadata.name,
    namespace: cluster.metadata.namespace,
    endpoint: { host: cluster.spec.kubernetes.api.domain, port: 443 },
    ...(admin ? { admin } : {}),
  };
}

/**
 * The host namespace `id` (the driver's) and, when it is this Cluster's (`mine`), the objects in
 * it as the caches hold them; the VM Deployments not checked at their generation apart, to be
 * read whole.
 */
function hostObjects(id: string, namespace: Persisted<Namespace> | undefined, mine: boolean, deps: ObserveDeps, context: DriverContext) {
  const objects = new Map<string, Persisted<KubeObject>>();
  const unchecked: Persisted<KubeObject>[] = [];
  if (namespace) objects.set(kindName(namespace), namespace as Persisted<KubeObject>);
  for (const descriptor of hostKinds(deps.hostApiVersions)) {
    if (descriptor.scope === 'Cluster' || !mine) continue;
    const elided = SPEC_ELIDED_KINDS.has(descriptor.kind);
    for (const object of context.cache(descriptor, selectionOf(descriptor)).byNamespace(id)) {
      const seen = elided ? deps.specs.view(object) : object;
      if (seen === undefined) unchecked.push(object);
      else objects.set(kindName(object), seen);
    }
  }
  return { objects, unchecked };
}

/**
 * Reads whole the cached objects that were not checked at their generation (a restarted operator,
 * another writer: `elided-specs.ts`) into `objects`; one gone since is left out.
 */
function readWhole(kube: KubeClient, unchecked: readonly Persisted<KubeObject>[], objects: Map<string, Persisted<KubeObject>>): ResultAsync<void, DriverError> {
  // read by a LIST of its name: the operator's role grants list and watch on its host kinds, not get
  const read = (cached: Persisted<KubeObject>) =>
    readByList(kube.resource(descriptorOf(cached)), cached.metadata.name, cached.metadata.namespace ?? '')
      .map((whole) => {
        if (whole !== undefined) objects.set(kindName(whole), whole);
      })
      .mapErr((cause): DriverError => ({ kind: 'Transient', message: `read ${cached.kind} ${cached.metadata.name}: ${cause.message}`, cause }));
  return ResultAsync.combine(unchecked.map(read)).map(() => undefined);
}

/**
 * Observes a cluster: its host namespace `<cluster-id>` and what is in it, when that namespace is
 * this Cluster's (`ours`); nothing of a namespace that is not (it is not read into the world, so
 * nothing the driver decides from the world touches it). Fails only when the flannel store, or a
 * VM Deployment or admin certificate to read whole, cannot be read.
 */
export function observeWorld(cluster: Persisted<Cluster>, deps: ObserveDeps, context: DriverContext): ResultAsync<KvmWorld, DriverError> {
  const name = cluster.metadata.name;
  const id = clusterId(cluster.metadata);
  const owner = `${cluster.metadata.namespace}/${name}`;
  const namespace = managedNamespace(context.cache(NamespaceResource).get(id));
  const mine = namespaceClaim(namespace, { owner, uid: cluster.metadata.uid }) === 'ours';
  const { objects, unchecked } = hostObjects(id, namespace, mine, deps, context);
  const pods = mine ? context.cache(PodResource, VM_PODS).byNamespace(id).map(vmPod) : [];
  const secrets = context.cache(SecretResource, CERTIFICATE_SECRETS);
  const certificates = Object.values(Component).flatMap((component) => {
    const secret = secrets.get(`${cluster.metadata.namespace}/${secretName(name, component)}`);
    return secret ? [secret] : [];
  });
  const ledger = context.cache(ConfigMapResource, { namespace: deps.ledgerNamespace }).get(`${deps.ledgerNamespace}/${deps.ledgerName}`);
  const { network, ledgered } = heldNetwork(ledger?.data, owner, cluster.status?.network?.flannel);

  const flannelTls =
    deps.flannelTlsSecret === undefined
      ? undefined
      : context.cache(SecretResource, { namespace: deps.ledgerNamespace }).get(`${deps.ledgerNamespace}/${deps.flannelTlsSecret}`);
  const guest = (admin: AdminCertificate | undefined): ResultAsync<GuestView, DriverError> => {
    if (!pods.some((p) => p.ip !== undefined)) return okAsync({ reachable: false, reason: 'guest API: no VM has an address yet' });
    const target = guestTarget(cluster, admin);
    const client = deps.connect(target);
    if (client === undefined) return okAsync({ reachable: false, reason: 'the guest API cannot be reached yet (no admin certificate)' });
    // a Cluster being deleted starts no watch (cleanup stopped its own): it lists, if it asks at all
    const watched =
      cluster.metadata.deletionTimestamp !== undefined
        ? undefined
        : deps.guests?.nodes({ name, namespace: cluster.metadata.namespace }, client, `${target.endpoint.host}\n${digestOf(admin?.certPem ?? '')}`);
    if (watched !== undefined) return okAsync<GuestView, DriverError>(watched);
    return guestNodes(client)
      .map((nodes): GuestView => ({ reachable: true, nodes: new Map(nodes.map((n) => [n.name, n])) }))
      .orElse((error) => okAsync({ reachable: false as const, reason: guestError(error).message }));
  };

  const flannel = () =>
    deps.store.getConfig(flannelEtcdPrefix(id)).mapErr((e): DriverError => ({ kind: 'Transient', message: `flannel store: ${e.message}`, cause: e }));
  return readWhole(deps.kube, unchecked, objects)
    .andThen(() => deps.admins.resolve(cluster, certificates))
    .andThen((admin) => flannel().andThen((config) => guest(admin).map((view) => ({ admin, config, view }))))
    .map(({ admin, config: flannel, view }): KvmWorld => ({
      ...(namespace ? { namespace } : {}),
      objects,
      pods,
      certificates,
      ...(admin ? { admin } : {}),
      ...(flannelTls ? { flannelTls } : {}),
      ...(network ? { network } : {}),
      ledgered,
      ...(flannel ? { flannel } : {}),
      guest: view,
    }));
}

/**
 * `observeWorld`: a KVM guest cluster as it is, read from the shared caches of host objects,
 * the flannel store and the guest's own API. Reads only.
 */
import { Component, Label, NodeRole, SecretValue, type Cluster, type DriverContext, type DriverError, type KubeObject, type Persisted } from '@kubeception/sdk';
import { ConfigMapResource, NamespaceResource, PodResource, SecretResource, type Namespace, type Pod, type Secret } from '@kubeception/sdk/kube';
import { okAsync, type ResultAsync } from 'neverthrow';
import type { NetworkStore } from '../network/store.js';
import { flannelEtcdPrefix, type FlannelNetwork, type FlannelNetworkConfig } from '../render/flannel.js';
import { secretName } from '../render/certificates.js';
import { KvmAnnotation, KvmLabel } from '../render/names.js';
import { guestError, guestNodes, type GuestConnector, type GuestNode, type GuestTarget } from './guest.js';
import type { GuestWatches } from './guest-watch.js';
import { CERTIFICATE_SECRETS, HOST_KINDS, kindName, MANAGED, VM_PODS } from './host.js';

/** A VM pod as observed. */
export interface VmPod {
  readonly name: string;
  /** The guest node it runs. */
  readonly node: string;
  readonly role: NodeRole;
  readonly phase: string;
  readonly ready: boolean;
  readonly terminating: boolean;
  /** The VM's address, once the launcher reported it. */
  readonly ip?: string;
  /** The scheduler's message while the pod cannot be placed. */
  readonly unschedulable?: string;
}

/** What the guest API said: its nodes, or why it could not be asked; `watched`: the nodes come from a watch, whose changes queue the Cluster. */
export type GuestView = { readonly reachable: true; readonly nodes: ReadonlyMap<string, GuestNode>; readonly watched?: true } | { readonly reachable: false; readonly reason: string };

/** A KVM guest cluster on the host, as observed. */
export interface KvmWorld {
  /** Host namespace `<cluster>`, when it exists. */
  readonly namespace?: Persisted<Namespace>;
  /** Every managed object in the host namespace (and the Namespace), by `Kind/name`. */
  readonly objects: ReadonlyMap<string, Persisted<KubeObject>>;
  readonly pods: readonly VmPod[];
  /** The cluster's component certificate Secrets, in its own namespace. */
  readonly certificates: readonly Persisted<Secret>[];
  /** The flannel store's client TLS Secret in the operator's namespace (when flanneld uses TLS). */
  readonly flannelTls?: Persisted<Secret>;
  /** The network this cluster holds: its ledger entry, else what `status.network.flannel` recorded (the ledger was lost). */
  readonly network?: FlannelNetwork;
  /** Whether the ledger (as cached) holds the entry; `false` with a `network` means it must be re-derived from status. */
  readonly ledgered: boolean;
  /** `<prefix>/config` in the flannel store. */
  readonly flannel?: FlannelNetworkConfig;
  readonly guest: GuestView;
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
}

const decode = (data: Record<string, string> | undefined, key: string) => (data?.[key] === undefined ? undefined : Buffer.from(data[key], 'base64').toString('utf8'));

/** A ledger entry `{"network","vni"}`; anything else is treated as absent (the ledger itself reports corruption when it writes). */
function parseEntry(text: string | undefined): FlannelNetwork | undefined {
  try {
    const entry = JSON.parse(text ?? 'null') as { network?: unknown; vni?: unknown } | null;
    return typeof entry?.network === 'string' && typeof entry.vni === 'number' ? { network: entry.network, vni: entry.vni } : undefined;
  } catch {
    return undefined;
  }
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
export function guestTarget(cluster: Persisted<Cluster>, certificates: readonly Persisted<Secret>[]): GuestTarget {
  const name = cluster.metadata.name;
  const admin = certificates.find((s) => s.metadata.name === secretName(name, Component.Admin));
  return {
    name,
    namespace: cluster.metadata.namespace,
    endpoint: { host: cluster.spec.kubernetes.api.domain, port: 443 },
    ...(admin ? { admin: { certPem: decode(admin.data, 'tls.crt') ?? '', keyPem: new SecretValue(decode(admin.data, 'tls.key') ?? ''), caPem: decode(admin.data, 'ca.crt') ?? '' } } : {}),
  };
}

/** Observes a cluster. Fails only when the flannel store cannot be read. */
export function observeWorld(cluster: Persisted<Cluster>, deps: ObserveDeps, context: DriverContext): ResultAsync<KvmWorld, DriverError> {
  const name = cluster.metadata.name;
  const namespace = context.cache(NamespaceResource, MANAGED).get(name);
  const objects = new Map<string, Persisted<KubeObject>>();
  if (namespace) objects.set(kindName(namespace), namespace as Persisted<KubeObject>);
  for (const descriptor of Object.values(HOST_KINDS)) {
    if (descriptor.scope === 'Cluster') continue;
    for (const object of context.cache(descriptor, MANAGED).byNamespace(name)) objects.set(kindName(object), object);
  }
  const pods = context
    .cache(PodResource, VM_PODS)
    .byNamespace(name)
    .map(vmPod);
  const secrets = context.cache(SecretResource, CERTIFICATE_SECRETS);
  const certificates = Object.values(Component).flatMap((component) => {
    const secret = secrets.get(`${cluster.metadata.namespace}/${secretName(name, component)}`);
    return secret ? [secret] : [];
  });
  const ledger = context.cache(ConfigMapResource, { namespace: deps.ledgerNamespace }).get(`${deps.ledgerNamespace}/${deps.ledgerName}`);
  const ledgered = parseEntry(ledger?.data?.[`${cluster.metadata.namespace}.${name}`]);
  const recorded = cluster.status?.network?.flannel;
  const network = ledgered ?? (recorded?.network !== undefined && recorded.vni !== undefined ? { network: recorded.network, vni: recorded.vni } : undefined);

  const flannelTls = deps.flannelTlsSecret === undefined ? undefined : context.cache(SecretResource, { namespace: deps.ledgerNamespace }).get(`${deps.ledgerNamespace}/${deps.flannelTlsSecret}`);
  const guest = (): ResultAsync<GuestView, DriverError> => {
    if (!pods.some((p) => p.ip !== undefined)) return okAsync({ reachable: false, reason: 'guest API: no VM has an address yet' });
    const target = guestTarget(cluster, certificates);
    const client = deps.connect(target);
    if (client === undefined) return okAsync({ reachable: false, reason: 'the guest API cannot be reached yet (no admin certificate)' });
    // a Cluster being deleted starts no watch (cleanup stopped its own): it lists, if it asks at all
    const watched = cluster.metadata.deletionTimestamp !== undefined ? undefined : deps.guests?.nodes({ name, namespace: cluster.metadata.namespace }, client, `${target.endpoint.host}\n${target.admin?.certPem ?? ''}`);
    if (watched !== undefined) return okAsync<GuestView, DriverError>(watched);
    return guestNodes(client)
      .map((nodes): GuestView => ({ reachable: true, nodes: new Map(nodes.map((n) => [n.name, n])) }))
      .orElse((error) => okAsync({ reachable: false as const, reason: guestError(error).message }));
  };

  return deps.store
    .getConfig(flannelEtcdPrefix(name))
    .mapErr((e): DriverError => ({ kind: 'Transient', message: `flannel store: ${e.message}`, cause: e }))
    .andThen((flannel) =>
      guest().map((view): KvmWorld => ({
        ...(namespace ? { namespace } : {}),
        objects,
        pods,
        certificates,
        ...(flannelTls ? { flannelTls } : {}),
        ...(network ? { network } : {}),
        ledgered: ledgered !== undefined,
        ...(flannel ? { flannel } : {}),
        guest: view,
      })),
    );
}

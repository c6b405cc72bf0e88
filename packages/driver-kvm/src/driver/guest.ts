/**
 * The guest cluster's own API, reached at the cluster's endpoint with its admin certificate:
 * where the driver reads node readiness and versions, and drains nodes before removing VMs.
 */
import type { SecretValue } from '@kubeception/sdk';
import type { DriverError } from '@kubeception/sdk/cluster';
import {
  createKubeClient,
  kubeConfigFromCertificate,
  NodeResource,
  PodResource,
  type KubeClient,
  type KubeError,
  type Node,
  type Pod,
} from '@kubeception/sdk/kube';
import { errAsync, okAsync, ResultAsync } from 'neverthrow';

/** What the driver knows about reaching a guest cluster. */
export interface GuestTarget {
  /** The Cluster's name and namespace. */
  readonly name: string;
  /** The Cluster's namespace. */
  readonly namespace: string;
  /** The guest API as exposed by the host (the Ingress with TLS passthrough). */
  readonly endpoint: { readonly host: string; readonly port: number };
  /** The `admin` component certificate (from its Secret); absent until it is issued. */
  readonly admin?: { readonly certPem: string; readonly keyPem: SecretValue; readonly caPem: string };
}

/**
 * Turns a target into a client of the guest API, or `undefined` when it cannot be reached yet
 * (no admin certificate). The default, {@link adminCertificateConnector}, dials the endpoint;
 * tests pass the VM simulator's connector.
 */
export type GuestConnector = (target: GuestTarget) => KubeClient | undefined;

/** Options of {@link adminCertificateConnector}. */
export interface AdminConnectorOptions {
  /**
   * Where to dial a guest's API when not at its endpoint: for an operator that reaches guests
   * through an address of its own (a Service in the host cluster, a tunnel). The server's
   * certificate is still verified against the endpoint's host name. @default the endpoint
   */
  readonly dial?: (target: GuestTarget) => { readonly host: string; readonly port: number } | undefined;
}

/**
 * Dials `https://<endpoint>` with the admin certificate, trusting the cluster's CA. One client
 * per cluster, replaced when the certificate is re-issued.
 */
export function adminCertificateConnector(options: AdminConnectorOptions = {}): GuestConnector {
  const clients = new Map<string, { readonly cert: string; readonly address: string; readonly client: KubeClient }>();
  return (target) => {
    if (target.admin === undefined) return undefined;
    const key = `${target.namespace}/${target.name}`;
    const address = options.dial?.(target) ?? target.endpoint;
    const server = `https://${address.host}:${address.port}`;
    const cached = clients.get(key);
    if (cached?.cert === target.admin.certPem && cached.address === server) return cached.client;
    const kubeConfig = kubeConfigFromCertificate({
      server,
      caPem: target.admin.caPem,
      certPem: target.admin.certPem,
      keyPem: target.admin.keyPem.reveal(),
      name: target.name,
      ...(address.host !== target.endpoint.host ? { tlsServerName: target.endpoint.host } : {}),
    });
    const client = createKubeClient({ kubeConfig, retry: { maxAttempts: 2 } });
    clients.set(key, { cert: target.admin.certPem, address: server, client });
    return client;
  };
}

/** A guest Node as the driver cares about it. */
export interface GuestNode {
  /** Node name. */
  readonly name: string;
  /** Whether the `Ready` condition is True. */
  readonly ready: boolean;
  /** `status.nodeInfo.kubeletVersion` without the `v`. */
  readonly version?: string;
  /** Whether the node is cordoned (`spec.unschedulable`). */
  readonly unschedulable: boolean;
}

/** What the guest API said: its nodes, or why it could not be asked; `watched`: the nodes come from a watch, whose changes queue the Cluster. */
export type GuestView =
  | { readonly reachable: true; readonly nodes: ReadonlyMap<string, GuestNode>; readonly watched?: true }
  | { readonly reachable: false; readonly reason: string };

const unreachable = (error: KubeError): DriverError => ({ kind: 'Transient', message: `guest API: ${error.message}`, cause: error });

/** A guest Node object as the driver cares about it. */
export function toGuestNode(node: Node): GuestNode {
  const version = node.status?.nodeInfo?.kubeletVersion?.replace(/^v/, '');
  return {
    name: node.metadata?.name ?? '',
    ready: node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    ...(version ? { version } : {}),
    unschedulable: node.spec?.unschedulable === true,
  };
}

/** The guest's Nodes, listed now. */
export function guestNodes(guest: KubeClient): ResultAsync<GuestNode[], KubeError> {
  return guest
    .resource(NodeResource)
    .list()
    .map((list) => list.items.map(toGuestNode));
}

/** Pods a drain removes from a node: all but DaemonSet pods, mirror pods and finished pods (as `kubectl drain`). */
function drainable(pod: Pod): boolean {
  const daemon = pod.metadata?.ownerReferences?.some((o) => o.kind === 'DaemonSet' && o.controller) ?? false;
  const mirror = pod.metadata?.annotations?.['kubernetes.io/config.mirror'] !== undefined;
  const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
  return !daemon && !mirror && !finished;
}

/** Where a drain pass over a guest node stands. */
export interface DrainProgress {
  /** Drainable pods still on the node (terminating, just evicted, or refused); 0: drained. */
  readonly left: number;
  /** Evictions a PodDisruptionBudget refused this pass: `<namespace>/<pod>: <the budget's words>`. */
  readonly blocked: readonly string[];
}

/**
 * One drain pass over a guest node, as `kubectl drain`: cordons it and evicts its drainable pods
 * through the eviction API, so the guest's PodDisruptionBudgets are respected. A refused eviction
 * is tried again on the next pass (the caller's drain timeout bounds the wait). Safe to repeat.
 */
export function drainNode(guest: KubeClient, node: GuestNode): ResultAsync<DrainProgress, DriverError> {
  const cordon = node.unschedulable
    ? okAsync(undefined)
    : guest
        .resource(NodeResource)
        .patch(node.name, { type: 'merge', body: { spec: { unschedulable: true } } })
        .map(() => undefined);
  const pods = guest.resource(PodResource);
  return cordon
    .andThen(() => pods.list({ fieldSelector: `spec.nodeName=${node.name}` }))
    .andThen((list) => {
      const targets = list.items.filter(drainable);
      const terminating = targets.filter((p) => p.metadata?.deletionTimestamp !== undefined).length;
      const evictions = targets
        .filter((p) => p.metadata?.deletionTimestamp === undefined)
        .map((p) => {
          const namespace = p.metadata?.namespace ?? 'default';
          const name = p.metadata?.name ?? '';
          return guest
            .evict(name, { namespace })
            .map((): string | undefined => undefined)
            .orElse((e) => {
              if (e.kind === 'NotFound') return okAsync(undefined);
              if (e.kind === 'TooManyRequests') return okAsync(`${namespace}/${name}: ${e.status?.details?.causes?.[0]?.message ?? e.message}`);
              return errAsync(e);
            });
        });
      return ResultAsync.combine(evictions).andThen((refusals) => {
        const blocked = refusals.filter((r): r is string => r !== undefined);
        if (evictions.length === blocked.length) return okAsync({ left: terminating + blocked.length, blocked });
        // the evicted pods may be gone already (no grace period): count what is left
        return pods.list({ fieldSelector: `spec.nodeName=${node.name}` }).map((after) => ({ left: after.items.filter(drainable).length, blocked }));
      });
    })
    .mapErr(unreachable);
}

/** Deletes a guest Node object (after its VM is gone); nothing to do when it is not there. */
export function deleteGuestNode(guest: KubeClient, name: string): ResultAsync<void, DriverError> {
  return guest
    .resource(NodeResource)
    .delete(name)
    .map(() => undefined)
    .orElse((e) => (e.kind === 'NotFound' ? okAsync(undefined) : errAsync(e)))
    .mapErr(unreachable);
}

export { unreachable as guestError };

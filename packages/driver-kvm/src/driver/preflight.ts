/**
 * The KVM driver's preflight (internal): the refusals decided before anything is created for a
 * Cluster. The Cluster controller runs it before the PKI step, so a refused Cluster gets no
 * CertificateAuthority, Vault mount or certificates.
 *
 * First the operator's host policy ({@link hostPolicyRefusal}: the launcher image and host paths a
 * privileged VM pod would get; `LauncherImageNotAllowed`, `HostPathNotAllowed`). Then it reads only, from the shared caches `observe` reads: the host's Namespaces (cached whole, so a
 * namespace of the Cluster's ID that is not the driver's is seen too; no request per pass) and
 * the ledger ConfigMap. Each check is the rule `apply` itself decides with, not a copy of it:
 * - the host namespace: {@link namespaceRefusal} (`NamespaceTaken`);
 * - rendering: the driver's own (cached) rendering (`Unrenderable`);
 * - the network: {@link allocateNetwork} over the cached ledger with the request `apply` makes
 *   ({@link networkRequest}), for a Cluster the ledger does not list yet (`NetworkTaken`,
 *   `VniTaken`, `InvalidRequest`, `PoolExhausted`, …). A Cluster that holds its entry passes:
 *   preflight runs on every pass, and what it holds is not refused again; unless its spec now
 *   asks for another network or VNI than it holds (`AllocationImmutable`, {@link allocationRefusal}).
 *
 * `apply` keeps every check: a cache can be behind (a namespace created a moment before the
 * Cluster is then refused by `apply`, which creates the namespace and never adopts one that
 * exists), and the ledger decides on what it reads, not on the cache.
 */
import type { Cluster, Persisted } from '@kubeception/sdk';
import type { DriverContext, DriverError } from '@kubeception/sdk/cluster';
import { ConfigMapResource, NamespaceResource } from '@kubeception/sdk/kube';
import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { allocateNetwork, allocationChange, type NetworkAllocation, type NetworkPool, type NetworkRequest } from '../network/allocate.js';
import { parseLedger, type NetworkLedgerError } from '../network/ledger.js';
import { clusterOwner, type KvmCluster } from '../render/cluster.js';
import type { FlannelNetwork } from '../render/flannel.js';
import type { Unrenderable } from '../render/quote.js';
import { selectionOf } from './host.js';
import { hostPolicyRefusal, type HostPolicy } from './host-policy.js';
import { heldNetwork, namespaceRefusal } from './world.js';

/** What preflight needs besides the Cluster. */
export interface PreflightDeps {
  readonly ledgerNamespace: string;
  readonly ledgerName: string;
  readonly pool: NetworkPool;
  /** Why the Cluster cannot be rendered with `network` (the driver's cached rendering), or `undefined`. */
  readonly unrenderable: (cluster: KvmCluster, network: FlannelNetwork | undefined) => Unrenderable | undefined;
  /** The operator's limits on launcher images and host paths. */
  readonly hostPolicy: HostPolicy;
}

/** A ledger error as the driver reports it: `Transient` when the API server or racing writers are to blame, else terminal with the error's kind as reason. */
export function ledgerRefusal(error: NetworkLedgerError): DriverError {
  if (error.kind === 'Kube' || error.kind === 'Contended') return { kind: 'Transient', message: error.message, cause: error };
  return {
    kind: error.kind === 'InvalidPool' || error.kind === 'CorruptLedger' ? 'Failed' : 'InvalidSpec',
    reason: error.kind,
    message: error.message,
    terminal: true,
    cause: error,
  };
}

/** The refusal of a Cluster whose user-written values cannot be rendered safely. */
export const unrenderableRefusal = (error: Unrenderable): DriverError => ({
  kind: 'InvalidSpec',
  reason: 'Unrenderable',
  terminal: true,
  message: error.message,
  cause: error,
});

/** What the Cluster asks the ledger for: `spec.network.flannel`, and for unset values the network it held (re-deriving a lost entry). */
export function networkRequest(flannel: KvmCluster['spec']['network']['flannel'], held: FlannelNetwork | undefined): NetworkRequest {
  const network = flannel.network ?? held?.network;
  const vni = flannel.vni ?? held?.vni;
  return { subnetLen: flannel.subnetLen, ...(network !== undefined ? { network } : {}), ...(vni !== undefined ? { vni } : {}) };
}

/**
 * The refusal of a `spec.network.flannel` that asks for another network or VNI than the one the
 * Cluster holds (`AllocationImmutable`, terminal): the network is never moved, and nothing is
 * written until the spec asks for what is held again. `undefined` while nothing is held.
 */
export function allocationRefusal(flannel: KvmCluster['spec']['network']['flannel'], held: FlannelNetwork | undefined): DriverError | undefined {
  const changed = held === undefined ? undefined : allocationChange(held, flannel);
  return changed === undefined ? undefined : ledgerRefusal(changed);
}

/**
 * What allocating the Cluster's network would answer on the ledger `data` (pure): `undefined`
 * when the ledger lists the Cluster already with what the spec asks for, or would give it a
 * network; else the refusal, the same `apply` reports. What the Cluster holds (its ledger entry,
 * else its recorded status) is never moved: {@link allocationRefusal}.
 */
export function networkRefusal(
  cluster: KvmCluster,
  recorded: Parameters<typeof heldNetwork>[2],
  data: Record<string, string> | undefined,
  pool: NetworkPool,
): DriverError | undefined {
  const owner = clusterOwner(cluster);
  const held = heldNetwork(data, owner, recorded);
  const moved = allocationRefusal(cluster.spec.network.flannel, held.network);
  if (moved !== undefined || held.ledgered) return moved;
  return parseLedger({ data }).match(
    (entries) => allocationRefusalOnce(owner, networkRequest(cluster.spec.network.flannel, held.network), entries, pool),
    ledgerRefusal,
  );
}

/**
 * The refusal {@link allocateNetwork} decides for a Cluster the ledger does not list yet, once per
 * ledger version (its entries, read once per version) and request: a Cluster waits for its entry
 * over several passes, and with 1,000 Clusters each allocation walks and sorts 1,000 entries.
 */
function allocationRefusalOnce(owner: string, request: NetworkRequest, entries: readonly NetworkAllocation[], pool: NetworkPool): DriverError | undefined {
  let decided = refusals.get(entries);
  if (decided === undefined) refusals.set(entries, (decided = new Map<string, { readonly refusal: DriverError | undefined }>()));
  const key = JSON.stringify([owner, request, pool]);
  let known = decided.get(key);
  if (known === undefined) {
    known = { refusal: allocateNetwork(owner, request, entries, pool).match(() => undefined, ledgerRefusal) };
    decided.set(key, known);
  }
  return known.refusal;
}

/** Refusals decided, by ledger version (its entries array) and then by owner, request and pool. */
const refusals = new WeakMap<readonly NetworkAllocation[], Map<string, { readonly refusal: DriverError | undefined }>>();

/** The preflight of a KVM Cluster: its host namespace, its rendering, its network, in the order `apply` checks them. */
export function preflightCluster(deps: PreflightDeps, cluster: Persisted<Cluster>, kc: KvmCluster, context: DriverContext): ResultAsync<void, DriverError> {
  const owner = clusterOwner(kc);
  const namespace = context.cache(NamespaceResource, selectionOf(NamespaceResource)).get(kc.id);
  const ledger = context.cache(ConfigMapResource, { namespace: deps.ledgerNamespace }).get(`${deps.ledgerNamespace}/${deps.ledgerName}`);
  const recorded = cluster.status?.network?.flannel;
  const unrenderable = (): DriverError | undefined => {
    const error = deps.unrenderable(kc, heldNetwork(ledger?.data, owner, recorded).network);
    return error === undefined ? undefined : unrenderableRefusal(error);
  };
  const refused =
    hostPolicyRefusal(kc, deps.hostPolicy) ??
    namespaceRefusal(kc.id, namespace, { owner, uid: cluster.metadata.uid }) ??
    unrenderable() ??
    networkRefusal(kc, recorded, ledger?.data, deps.pool);
  return refused === undefined ? okAsync(undefined) : errAsync(refused);
}

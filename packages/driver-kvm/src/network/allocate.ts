/**
 * Allocation of each guest cluster's flannel network (a CIDR and a VXLAN VNI) from the
 * host-wide pool, as a pure function over the ledger of current allocations.
 *
 * The ledger's storage (one object written with optimistic concurrency, so two operators never
 * hand out the same network) is the caller's; this module decides what a cluster gets:
 * - a cluster already in the ledger keeps its allocation (idempotent re-runs), and an attempt to
 *   change it is refused, since moving a live network would cut every VM off;
 * - values the user set in `spec.network.flannel` are honoured when free, refused when taken;
 * - unset values come from the pool: the lowest free aligned block of `pool.prefix` bits and the
 *   lowest free VNI. A user-chosen VNI is also refused when its launcher health port
 *   ({@link launcherHealthPort}) collides with another cluster's, since VMs of different
 *   clusters share host nodes.
 */
import { cidrFrom, cidrsOverlap, parseCidr, type Cidr } from '@kubeception/sdk';
import { err, ok, type Result } from 'neverthrow';
import type { FlannelNetwork } from '../render/flannel.js';
import { launcherHealthPort } from '../render/launcher.js';

/** The host-wide pool networks and VNIs are allocated from. */
export interface NetworkPool {
  /** Address range of all guest flannel networks, e.g. `10.64.0.0/10`. */
  readonly network: string;
  /** Prefix length of each allocated network, e.g. 24. */
  readonly prefix: number;
  /** Inclusive VNI range allocated from. */
  readonly vnis: { readonly min: number; readonly max: number };
}

/**
 * Default pool: `10.64.0.0/10` in /24 networks (16,384 of them) and VNIs 1–4095 (so at most
 * 4,095 clusters allocate from it; VNIs below 20,000 never collide on launcher health ports).
 */
export const DEFAULT_NETWORK_POOL: NetworkPool = { network: '10.64.0.0/10', prefix: 24, vnis: { min: 1, max: 4095 } };

/** One ledger entry: the network a cluster (`<namespace>/<name>`) holds. */
export interface NetworkAllocation extends FlannelNetwork {
  /** The Cluster holding the network, `<namespace>/<name>`. */
  readonly owner: string;
}

/** What a cluster asks for: `spec.network.flannel`. */
export interface NetworkRequest {
  /** A specific network to hold; otherwise the next free one of the pool. */
  readonly network?: string | undefined;
  /** A specific VXLAN VNI to hold; otherwise the next free one of the pool. */
  readonly vni?: number | undefined;
  /** Prefix length of each node's subnet inside the network. */
  readonly subnetLen: number;
}

/** Why a cluster got no network. All but `InvalidPool` are the user's to fix in the spec. */
export type NetworkAllocationError =
  | { readonly kind: 'InvalidPool'; readonly message: string }
  | { readonly kind: 'InvalidRequest'; readonly message: string }
  | { readonly kind: 'AllocationImmutable'; readonly current: FlannelNetwork; readonly message: string }
  | { readonly kind: 'NetworkTaken'; readonly network: string; readonly owner: string; readonly message: string }
  | { readonly kind: 'VniTaken'; readonly vni: number; readonly owner: string; readonly message: string }
  | { readonly kind: 'PoolExhausted'; readonly resource: 'network' | 'vni'; readonly message: string };

/**
 * The network `owner` holds: its ledger entry, or a new one for the caller to record.
 * Returns `created: false` when the ledger already holds it (nothing to write).
 */
export function allocateNetwork(
  owner: string,
  request: NetworkRequest,
  ledger: readonly NetworkAllocation[],
  pool: NetworkPool = DEFAULT_NETWORK_POOL,
): Result<{ readonly allocation: NetworkAllocation; readonly created: boolean }, NetworkAllocationError> {
  const poolNet = parsePool(pool);
  if (typeof poolNet === 'string') return err({ kind: 'InvalidPool', message: poolNet });

  const current = ledger.find((entry) => entry.owner === owner);
  if (current) {
    const changed = allocationChange(current, request);
    return changed === undefined ? ok({ allocation: current, created: false }) : err(changed);
  }

  const others = ledger.filter((entry) => entry.owner !== owner);
  const network =
    request.network === undefined ? freeNetwork(poolNet, pool.prefix, request.subnetLen, others) : requestedNetwork(request.network, request.subnetLen, others);
  return network.andThen((net) =>
    (request.vni === undefined ? freeVni(pool, others) : requestedVni(request.vni, others)).map((vni) => ({
      allocation: { owner, network: net, vni },
      created: true,
    })),
  );
}

/**
 * The refusal of a request that would move the network a cluster holds (`current`): a value
 * `spec.network.flannel` sets must be the one allocated (a network written another way but the same
 * range is the same); unset values ask for nothing. `undefined` when the request asks for what it
 * holds. Moving a live network would cut every VM off, so it is refused, never applied.
 */
export function allocationChange(
  current: FlannelNetwork,
  request: Pick<NetworkRequest, 'network' | 'vni'>,
): Extract<NetworkAllocationError, { kind: 'AllocationImmutable' }> | undefined {
  const changed: string[] = [];
  if (request.network !== undefined && !sameNetwork(request.network, current.network)) changed.push(`network ${current.network} to ${request.network}`);
  if (request.vni !== undefined && request.vni !== current.vni) changed.push(`vni ${current.vni} to ${request.vni}`);
  if (changed.length === 0) return undefined;
  return {
    kind: 'AllocationImmutable',
    current: { network: current.network, vni: current.vni },
    message: `spec.network.flannel cannot change once allocated (from ${changed.join(' and ')}); set it back to the allocated value or unset it, or recreate the cluster to move it`,
  };
}

/**
 * `parseCidr` of a ledger's networks, remembered: every allocation reads every entry of the
 * ledger, so with 1,000 clusters each of their networks would be parsed 1,000 times. Bounded: a
 * long-running operator with churn starts over past {@link PARSED_LIMIT} networks.
 */
const parsed = new Map<string, Cidr | string>();
const PARSED_LIMIT = 20_000;
function parseLedgerCidr(text: string): Cidr | string {
  let cidr = parsed.get(text);
  if (cidr === undefined) {
    if (parsed.size >= PARSED_LIMIT) parsed.clear();
    cidr = parseCidr(text);
    parsed.set(text, cidr);
  }
  return cidr;
}

/** Whether two CIDRs are the same range (as text when either does not parse). */
function sameNetwork(a: string, b: string): boolean {
  const [x, y] = [parseLedgerCidr(a), parseLedgerCidr(b)];
  return typeof x === 'string' || typeof y === 'string' ? a === b : x.first === y.first && x.prefix === y.prefix;
}

/** The ledger without `owner`'s entry (what deleting a cluster writes back). */
export function releaseNetwork(owner: string, ledger: readonly NetworkAllocation[]): readonly NetworkAllocation[] {
  return ledger.filter((entry) => entry.owner !== owner);
}

function parsePool(pool: NetworkPool): Cidr | string {
  const net = parseCidr(pool.network);
  if (typeof net === 'string') return `pool network ${pool.network} ${net}`;
  if (!Number.isInteger(pool.prefix) || pool.prefix < net.prefix || pool.prefix > 30) {
    return `pool prefix /${pool.prefix} must lie between the pool's /${net.prefix} and /30`;
  }
  const { min, max } = pool.vnis;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 16_777_215 || min > max) {
    return `pool VNIs ${min}–${max} must be a range within 1–16777215`;
  }
  return net;
}

/** An error when `subnetLen` leaves no per-host subnets in `net`. */
function subnetLenError(net: Cidr, subnetLen: number): NetworkAllocationError | undefined {
  if (subnetLen > net.prefix) return undefined;
  return {
    kind: 'InvalidRequest',
    message: `spec.network.flannel.subnetLen /${subnetLen} must be longer than the cluster network's /${net.prefix}, so each host gets a subnet of it`,
  };
}

function requestedNetwork(text: string, subnetLen: number, others: readonly NetworkAllocation[]): Result<string, NetworkAllocationError> {
  const net = parseCidr(text);
  if (typeof net === 'string') return err({ kind: 'InvalidRequest', message: `spec.network.flannel.network ${net}` });
  const invalid = subnetLenError(net, subnetLen);
  if (invalid) return err(invalid);
  for (const other of others) {
    if (cidrsOverlap(net, parseLedgerCidr(other.network) as Cidr)) {
      return err({
        kind: 'NetworkTaken',
        network: other.network,
        owner: other.owner,
        message: `spec.network.flannel.network ${text} overlaps ${other.network}, held by another Cluster; choose another or leave it unset to allocate one`,
      });
    }
  }
  return ok(net.text);
}

/** Lowest aligned block of `prefix` bits in `poolNet` overlapping no other network: one pass over them sorted. */
function freeNetwork(poolNet: Cidr, prefix: number, subnetLen: number, others: readonly NetworkAllocation[]): Result<string, NetworkAllocationError> {
  const size = 2 ** (32 - prefix);
  const invalid = subnetLenError(cidrFrom(poolNet.first, prefix), subnetLen);
  if (invalid) return err(invalid);
  const taken = others
    .map((other) => parseLedgerCidr(other.network))
    .filter((net): net is Cidr => typeof net !== 'string' && cidrsOverlap(net, poolNet))
    .sort((a, b) => a.first - b.first);
  let candidate = poolNet.first;
  for (const net of taken) {
    if (net.first >= candidate + size) break;
    const end = net.first + net.size;
    if (end > candidate) candidate = Math.ceil(end / size) * size;
  }
  if (candidate + size > poolNet.first + poolNet.size) {
    return err({
      kind: 'PoolExhausted',
      resource: 'network',
      message: `no free /${prefix} network left in the pool ${poolNet.text} (${others.length} clusters hold networks)`,
    });
  }
  return ok(cidrFrom(candidate, prefix).text);
}

function requestedVni(vni: number, others: readonly NetworkAllocation[]): Result<number, NetworkAllocationError> {
  if (!Number.isInteger(vni) || vni < 1 || vni > 16_777_215) {
    return err({ kind: 'InvalidRequest', message: `spec.network.flannel.vni ${vni} must be an integer within 1–16777215` });
  }
  const port = launcherHealthPort(vni);
  for (const other of others) {
    if (other.vni === vni) {
      return err({
        kind: 'VniTaken',
        vni,
        owner: other.owner,
        message: `spec.network.flannel.vni ${vni} is held by another Cluster; choose another or leave it unset`,
      });
    }
    if (launcherHealthPort(other.vni) === port) {
      return err({
        kind: 'VniTaken',
        vni,
        owner: other.owner,
        message: `spec.network.flannel.vni ${vni} would share launcher health port ${port} with cluster ${other.owner} (VNI ${other.vni}); choose another or leave it unset`,
      });
    }
  }
  return ok(vni);
}

/** Lowest VNI of the pool neither taken nor sharing a launcher health port with a taken one. */
function freeVni(pool: NetworkPool, others: readonly NetworkAllocation[]): Result<number, NetworkAllocationError> {
  const vnis = new Set(others.map((other) => other.vni));
  const ports = new Set(others.map((other) => launcherHealthPort(other.vni)));
  for (let vni = pool.vnis.min; vni <= pool.vnis.max; vni++) {
    if (!vnis.has(vni) && !ports.has(launcherHealthPort(vni))) return ok(vni);
  }
  return err({
    kind: 'PoolExhausted',
    resource: 'vni',
    message: `no free VNI left in the pool ${pool.vnis.min}–${pool.vnis.max} (${others.length} clusters hold VNIs)`,
  });
}

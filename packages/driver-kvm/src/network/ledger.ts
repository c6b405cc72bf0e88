/**
 * The host-wide ledger of flannel network allocations, stored in one ConfigMap (by default
 * `kubeception-kvm-networks` in the operator's namespace) and written with its resourceVersion,
 * so operators racing to allocate never hand out the same network: the loser of a write gets a
 * Conflict, re-reads the ledger and decides again.
 *
 * Each entry is a data key `<cluster-id>` (the Cluster's host-unique ID, the SDK's `clusterId`)
 * holding `{"network":"10.64.0.0/24","vni":1,"cluster":"<namespace>/<name>"}`: the key is named
 * from the ID like everything else the driver names on the host, and the value says which Cluster
 * holds it. Entries written before the ID (key `<namespace>.<name>`, no `cluster`) are still read,
 * and rewritten under the ID with the next write. Allocation and release are idempotent:
 * allocating what the ledger holds, or releasing what it does not, writes nothing.
 */
import { clusterId } from '@kubeception/sdk';
import { ConfigMapResource, type ConfigMap, type KubeClient, type KubeError } from '@kubeception/sdk/kube';
import { err, errAsync, ok, okAsync, type Result, type ResultAsync } from 'neverthrow';
import {
  allocateNetwork,
  DEFAULT_NETWORK_POOL,
  releaseNetwork,
  type NetworkAllocation,
  type NetworkAllocationError,
  type NetworkPool,
  type NetworkRequest,
} from './allocate.js';
import { createLedgerRounds, type LedgerRoundsOptions } from './ledger-rounds.js';

/** Default name of the ledger ConfigMap. */
export const NETWORK_LEDGER_NAME = 'kubeception-kvm-networks';

/** Where the ledger lives and what it allocates from. */
export interface NetworkLedgerOptions {
  /** Namespace of the ledger ConfigMap (the operator's). */
  readonly namespace: string;
  /** @default {@link NETWORK_LEDGER_NAME} */
  readonly name?: string;
  /** @default {@link DEFAULT_NETWORK_POOL} */
  readonly pool?: NetworkPool;
  /** Read-decide-write rounds before giving up on conflicts. @default 10 */
  readonly maxAttempts?: number;
}

/** Why the ledger could not answer: an allocation refusal, the API server, too many racing writers, or an entry it cannot read. */
export type NetworkLedgerError =
  | NetworkAllocationError
  | { readonly kind: 'Kube'; readonly error: KubeError; readonly message: string }
  | { readonly kind: 'Contended'; readonly attempts: number; readonly message: string }
  | { readonly kind: 'CorruptLedger'; readonly key: string; readonly message: string };

/** Allocation and release of cluster networks, shared by every operator of the host. */
export interface NetworkLedger {
  /** The network of the Cluster `<namespace>/<name>`: its entry, recorded first if new. */
  allocate(owner: string, request: NetworkRequest): ResultAsync<NetworkAllocation, NetworkLedgerError>;
  /** Removes the Cluster's entry (nothing to do when there is none). */
  release(owner: string): ResultAsync<void, NetworkLedgerError>;
  /** Every current allocation. */
  list(): ResultAsync<readonly NetworkAllocation[], NetworkLedgerError>;
}

/** The ledger as read: its ConfigMap (none before the first write) and the entries in it. */
interface Snapshot {
  readonly configMap: ConfigMap | undefined;
  readonly entries: readonly NetworkAllocation[];
}

/**
 * The ledger kept in the ConfigMap `options.name` of `options.namespace` (created on the first write), through
 * `kube`. Concurrent requests within one process share one read-decide-write round; rounds lost to other writers
 * are retried up to `options.maxAttempts` times.
 */
export function createNetworkLedger(kube: KubeClient, options: NetworkLedgerOptions): NetworkLedger {
  const name = options.name ?? NETWORK_LEDGER_NAME;
  const pool = options.pool ?? DEFAULT_NETWORK_POOL;
  const maxAttempts = options.maxAttempts ?? 10;
  const configMap = ledgerConfigMap(kube, { namespace: options.namespace, name });
  const contended: NetworkLedgerError = {
    kind: 'Contended',
    attempts: maxAttempts,
    message: `network ledger ${options.namespace}/${name}: other writers won ${maxAttempts} rounds in a row; will try again later`,
  };
  /** Queues a decision for the next round (group commit: see `ledger-rounds.ts`). `decide` returns the result and the entries to write (undefined: nothing to write). */
  const update = createLedgerRounds({ ...configMap, maxAttempts, contended });
  return {
    allocate: (owner, request) =>
      update((entries) =>
        allocateNetwork(owner, request, entries, pool).map(({ allocation, created }) => ({
          value: allocation,
          entries: created ? [...entries, allocation] : undefined,
        })),
      ),
    release: (owner) =>
      update((entries) => {
        const remaining = releaseNetwork(owner, entries);
        return ok({ value: undefined, entries: remaining.length === entries.length ? undefined : remaining });
      }),
    list: () => configMap.read().map((snapshot) => snapshot.entries),
  };
}

/** Reading and writing the ledger ConfigMap `name` of `namespace`. */
function ledgerConfigMap(
  kube: KubeClient,
  where: { readonly namespace: string; readonly name: string },
): Pick<LedgerRoundsOptions<Snapshot, NetworkLedgerError>, 'read' | 'write'> {
  const configMaps = kube.resource(ConfigMapResource);
  const { namespace, name } = where;
  const kubeError = (error: KubeError): NetworkLedgerError => ({ kind: 'Kube', error, message: `network ledger ${namespace}/${name}: ${error.message}` });
  const read = (): ResultAsync<Snapshot, NetworkLedgerError> =>
    configMaps
      .get(name, { namespace })
      .map((configMap): ConfigMap | undefined => configMap)
      .orElse((error) => (error.kind === 'NotFound' ? okAsync(undefined) : errAsync(kubeError(error))))
      .andThen((configMap) => parseLedger(configMap).map((entries) => ({ configMap, entries })));
  /** Writes `entries` over `snapshot`; `false` when someone else wrote first. */
  const write = (snapshot: Snapshot, entries: readonly NetworkAllocation[]): ResultAsync<boolean, NetworkLedgerError> => {
    const data = Object.fromEntries(entries.map((entry) => [ledgerKey(entry.owner), ledgerValue(entry)]));
    const written = snapshot.configMap
      ? configMaps.replace({ ...snapshot.configMap, data })
      : configMaps.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels: { 'app.kubernetes.io/part-of': 'kubeception' } }, data });
    return written
      .map(() => true)
      .orElse((error) => (error.kind === 'Conflict' || error.kind === 'AlreadyExists' ? okAsync(false) : errAsync(kubeError(error))));
  };
  return { read, write };
}

/** The data key of the Cluster `<namespace>/<name>`'s entry: its cluster ID. */
export function ledgerKey(owner: string): string {
  const slash = owner.indexOf('/');
  return clusterId({ namespace: owner.slice(0, slash), name: owner.slice(slash + 1) });
}

/** An entry's value: `{"network","vni","cluster"}`. */
const ledgerValue = (entry: NetworkAllocation) => JSON.stringify({ network: entry.network, vni: entry.vni, cluster: entry.owner });

/**
 * An entry as stored under `key`: its owner from `cluster` (or, for an entry written before
 * cluster IDs, from a key `<namespace>.<name>`); `undefined` when it is neither.
 */
export function parseLedgerEntry(key: string, value: string | undefined): NetworkAllocation | undefined {
  const memo = `${key}\n${value ?? ''}`;
  if (parsedEntries.has(memo)) return parsedEntries.get(memo);
  if (parsedEntries.size >= PARSED_LIMIT) parsedEntries.clear();
  const entry = readLedgerEntry(key, value);
  parsedEntries.set(memo, entry);
  return entry;
}

/**
 * Entries already read, by key and value: a ledger of 1,000 clusters is read again on every
 * change, and each entry's key check hashes its owner (its cluster ID). Bounded: past
 * {@link PARSED_LIMIT} entries it starts over.
 */
const parsedEntries = new Map<string, NetworkAllocation | undefined>();
const PARSED_LIMIT = 20_000;

function readLedgerEntry(key: string, value: string | undefined): NetworkAllocation | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value ?? 'null');
  } catch {
    return undefined;
  }
  const entry = parsed as { network?: unknown; vni?: unknown; cluster?: unknown } | null;
  if (typeof entry?.network !== 'string' || typeof entry.vni !== 'number') return undefined;
  const dot = key.indexOf('.');
  const owner = typeof entry.cluster === 'string' ? entry.cluster : dot > 0 ? `${key.slice(0, dot)}/${key.slice(dot + 1)}` : undefined;
  // an owner is `<namespace>/<name>`, and stored under its own ID (or its legacy key)
  if (owner === undefined || !/^[^/]+\/[^/]+$/.test(owner)) return undefined;
  if (typeof entry.cluster === 'string' && key !== ledgerKey(owner)) return undefined;
  return { owner, network: entry.network, vni: entry.vni };
}

/**
 * Every entry of a ledger ConfigMap (none when there is none), or `CorruptLedger` for the first
 * key it cannot read: what the ledger decides on before each write, and what the driver's
 * preflight decides on from its cache (pure).
 */
export function parseLedger(configMap: Pick<ConfigMap, 'data'> | undefined): Result<readonly NetworkAllocation[], NetworkLedgerError> {
  const data = configMap?.data;
  let read = data === undefined ? undefined : readLedgers.get(data);
  if (read === undefined) {
    read = readLedger(data);
    if (data !== undefined) readLedgers.set(data, read);
  }
  return 'entries' in read ? ok(read.entries) : err(read.error);
}

/** A ledger read, or why it cannot be (a plain value: the Result is made where it is used). */
type LedgerRead = { readonly entries: readonly NetworkAllocation[] } | { readonly error: NetworkLedgerError };

/** Ledgers read, by their (never mutated) cached data: every preflight of a Cluster without an entry reads the ledger. */
const readLedgers = new WeakMap<object, LedgerRead>();

function readLedger(data: Record<string, string> | undefined): LedgerRead {
  const entries: NetworkAllocation[] = [];
  const owners = new Set<string>();
  for (const [key, value] of Object.entries(data ?? {})) {
    const entry = parseLedgerEntry(key, value);
    if (entry === undefined || owners.has(entry.owner)) {
      return {
        error: {
          kind: 'CorruptLedger',
          key,
          message: `network ledger entry ${JSON.stringify(key)} is not "<cluster-id>": {"network","vni","cluster":"<namespace>/<name>"} (or a second entry of its cluster); fix or remove it by hand`,
        },
      };
    }
    owners.add(entry.owner);
    entries.push(entry);
  }
  return { entries };
}

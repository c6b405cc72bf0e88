/**
 * An in-memory {@link NetworkStore}: a map of keys to strings with etcd-like revisions (one store
 * revision, bumped by every write; each key remembers the revision of its last write). Each call
 * reads, decides and writes in one step, so it is as atomic as etcd's transactions.
 */
import { err, ok, ResultAsync, type Result } from 'neverthrow';
import {
  collectConfigs,
  configKey,
  DEFAULT_NETWORK_STORE_ROOT,
  holdsConfig,
  parseFlannelConfig,
  prefixRange,
  serializeFlannelConfig,
  type NetworkStore,
  type NetworkStoreError,
  type NetworkStoreErrorKind,
  type RawEntry,
} from './store.js';

/** Options of {@link createMemoryNetworkStore}. */
export interface MemoryNetworkStoreOptions {
  /** Keys present from the start (e.g. flanneld's leases, or a corrupt config). @default none */
  readonly initial?: Readonly<Record<string, string>>;
}

/** A {@link NetworkStore} in memory, with controls for tests. */
export interface MemoryNetworkStore extends NetworkStore {
  /** A copy of every key and value. */
  entries(): ReadonlyMap<string, string>;
  /** The store's revision: bumped by every write, so an unchanged revision proves nothing was written. */
  revision(): number;
  /** Makes every call fail with `kind` (e.g. `'Unavailable'`) until called again with `undefined`. */
  setFault(kind: NetworkStoreErrorKind | undefined): void;
}

/**
 * A {@link MemoryNetworkStore}, empty or holding `options.initial`.
 *
 * @example
 * ```ts
 * const store = createMemoryNetworkStore({ initial: { '/kubeception/demo/network/subnets/10.1.3.0-28': '{}' } });
 * await store.putConfig(flannelEtcdPrefix('demo'), { Network: '10.1.3.0/24', SubnetLen: 28, Backend: { Type: 'vxlan', VNI: 3 } });
 * ```
 */
export function createMemoryNetworkStore(options: MemoryNetworkStoreOptions = {}): MemoryNetworkStore {
  const state: MemoryState = { keys: new Map(), revision: 0, fault: undefined, closed: false };
  for (const [key, value] of Object.entries(options.initial ?? {})) write(state, key, value);
  return {
    ...configOperations(state),
    raw: {
      put: (key, value) => call(state, 'raw.put', () => ok(write(state, key, value))),
      get: (key) => call(state, 'raw.get', () => ok(state.keys.get(key))),
      keys: (prefix) => call(state, 'raw.keys', () => ok(keysUnder(state, prefix))),
    },
    close: async () => {
      state.closed = true;
    },
    entries: () => new Map([...state.keys].map(([key, entry]) => [key, entry.value])),
    revision: () => state.revision,
    setFault: (kind) => {
      state.fault = kind;
    },
  };
}

/** The mutable state of one memory store. */
interface MemoryState {
  readonly keys: Map<string, RawEntry>;
  /** Bumped by every write. */
  revision: number;
  /** The injected fault every call fails with, if any. */
  fault: NetworkStoreErrorKind | undefined;
  closed: boolean;
}

/** Writes `key`, bumping the store's revision. */
function write(state: MemoryState, key: string, value: string): void {
  state.revision += 1;
  state.keys.set(key, { value, modRevision: state.revision });
}

/** The keys starting with `prefix`, sorted. */
function keysUnder(state: MemoryState, prefix: string): string[] {
  return [...state.keys.keys()].filter((key) => key.startsWith(prefix)).sort();
}

/** Runs `op` (in one step: atomic) unless the store is closed or a fault is set. */
function call<T>(state: MemoryState, what: string, op: () => Result<T, NetworkStoreError>): ResultAsync<T, NetworkStoreError> {
  const result: Result<T, NetworkStoreError> = state.closed
    ? err({ kind: 'Failed', message: `memory network store: ${what} after close` })
    : state.fault !== undefined
      ? err({ kind: state.fault, message: `memory network store: ${what}: injected ${state.fault}` })
      : op();
  return new ResultAsync(Promise.resolve(result));
}

/** The flannel config operations of a {@link NetworkStore} over `state`. */
function configOperations(state: MemoryState): Pick<NetworkStore, 'getConfig' | 'putConfig' | 'deletePrefix' | 'listConfigs'> {
  return {
    getConfig: (prefix) =>
      call(state, 'getConfig', () => {
        const key = configKey(prefix);
        const entry = state.keys.get(key);
        return entry === undefined ? ok(undefined) : parseFlannelConfig(key, entry.value);
      }),
    putConfig: (prefix, config) =>
      call(state, 'putConfig', (): Result<{ readonly written: boolean }, NetworkStoreError> => {
        const key = configKey(prefix);
        if (holdsConfig(state.keys.get(key)?.value, config)) return ok({ written: false });
        write(state, key, serializeFlannelConfig(config));
        return ok({ written: true });
      }),
    deletePrefix: (prefix) =>
      call(state, 'deletePrefix', () => {
        const doomed = keysUnder(state, prefixRange(prefix));
        for (const key of doomed) state.keys.delete(key);
        if (doomed.length > 0) state.revision += 1;
        return ok({ deleted: doomed.length });
      }),
    listConfigs: (root = DEFAULT_NETWORK_STORE_ROOT) =>
      call(state, 'listConfigs', () =>
        collectConfigs(
          root,
          [...state.keys].map(([key, entry]) => [key, entry.value] as const),
        ),
      ),
  };
}

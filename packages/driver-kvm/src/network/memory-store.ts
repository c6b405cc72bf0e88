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
  const keys = new Map<string, RawEntry>();
  let revision = 0;
  let fault: NetworkStoreErrorKind | undefined;
  let closed = false;

  const write = (key: string, value: string) => {
    revision += 1;
    keys.set(key, { value, modRevision: revision });
  };
  for (const [key, value] of Object.entries(options.initial ?? {})) write(key, value);

  /** Runs `op` (in one step: atomic) unless the store is closed or a fault is set. */
  const call = <T>(what: string, op: () => Result<T, NetworkStoreError>): ResultAsync<T, NetworkStoreError> => {
    const result: Result<T, NetworkStoreError> = closed
      ? err({ kind: 'Failed', message: `memory network store: ${what} after close` })
      : fault !== undefined
        ? err({ kind: fault, message: `memory network store: ${what}: injected ${fault}` })
        : op();
    return new ResultAsync(Promise.resolve(result));
  };
  const keysUnder = (prefix: string) => [...keys.keys()].filter((key) => key.startsWith(prefix)).sort();

  return {
    getConfig: (prefix) =>
      call('getConfig', () => {
        const key = configKey(prefix);
        const entry = keys.get(key);
        return entry === undefined ? ok(undefined) : parseFlannelConfig(key, entry.value);
      }),
    putConfig: (prefix, config) =>
      call('putConfig', (): Result<{ readonly written: boolean }, NetworkStoreError> => {
        const key = configKey(prefix);
        if (holdsConfig(keys.get(key)?.value, config)) return ok({ written: false });
        write(key, serializeFlannelConfig(config));
        return ok({ written: true });
      }),
    deletePrefix: (prefix) =>
      call('deletePrefix', () => {
        const doomed = keysUnder(prefixRange(prefix));
        for (const key of doomed) keys.delete(key);
        if (doomed.length > 0) revision += 1;
        return ok({ deleted: doomed.length });
      }),
    listConfigs: (root = DEFAULT_NETWORK_STORE_ROOT) =>
      call('listConfigs', () => collectConfigs(root, [...keys].map(([key, entry]) => [key, entry.value] as const))),
    raw: {
      put: (key, value) => call('raw.put', () => ok(write(key, value))),
      get: (key) => call('raw.get', () => ok(keys.get(key))),
      keys: (prefix) => call('raw.keys', () => ok(keysUnder(prefix))),
    },
    close: async () => {
      closed = true;
    },
    entries: () => new Map([...keys].map(([key, entry]) => [key, entry.value])),
    revision: () => revision,
    setFault: (kind) => {
      fault = kind;
    },
  };
}

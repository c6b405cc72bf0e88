/**
 * The {@link NetworkStore} on etcd v3 (the store flanneld reads), through the `etcd3` client.
 *
 * - `putConfig` reads the key with its `mod_revision`, and writes only when the value differs,
 *   in a transaction that succeeds only if the revision is still the one it read (0: absent). A
 *   writer that lost the race re-reads and compares again, so concurrent writers never clobber
 *   each other blindly and writing the same config twice writes once.
 * - `deletePrefix` is one `DeleteRange` over `<prefix>/`.
 * - Failing fast: every unary call has a deadline (`timeoutMs`, which also bounds connecting:
 *   etcd3 1.1.x ignores its own `dialTimeout`), transient failures are retried `retries` times
 *   with a short backoff, and each host has a circuit breaker. Transient errors (unavailable,
 *   deadline exceeded, no leader, open circuit) become `Unavailable`; the rest `Failed`, including
 *   a refused TLS handshake (which gRPC reports as UNAVAILABLE, but only new credentials fix).
 * - `etcd3` (and gRPC under it, about 300 ms to load) is imported when the store is first used,
 *   so code that only uses the in-memory store or the driver's renderers does not pay for it.
 */
import type * as Etcd3Api from 'etcd3';
import type { Etcd3, IOptions, Namespace } from 'etcd3';
import { circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleWhen, isBrokenCircuitError, retry } from 'cockatiel';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import type { FlannelNetworkConfig } from '../render/flannel.js';
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
  type RawEntry,
} from './store.js';

/** Options of {@link createEtcdNetworkStore}. */
export interface EtcdNetworkStoreOptions {
  /** Client URLs, e.g. `https://10.0.0.5:2379` (several for a cluster; calls go to any healthy one). */
  readonly hosts: string | readonly string[];
  /** mTLS material (PEM), as flanneld's `--etcd-cafile/--etcd-certfile/--etcd-keyfile`. @default plain or server-TLS by URL scheme */
  readonly credentials?: { readonly rootCertificate: Buffer; readonly certChain?: Buffer; readonly privateKey?: Buffer };
  /** Deadline of each call in milliseconds, connecting included. @default 5_000 */
  readonly timeoutMs?: number;
  /** Retries of a call that failed transiently (on another host when there are several). @default 2 */
  readonly retries?: number;
  /** A key prefix prepended to every key (etcd3's namespace), e.g. to share an etcd. @default none */
  readonly namespace?: string;
}

/** Attempts of putConfig's read-compare-write before it reports contention. */
const MAX_PUT_ROUNDS = 10;

type Etcd3Module = typeof Etcd3Api;
/** The `etcd3` module, once a store has loaded it. */
let etcd3: Etcd3Module | undefined;

/** The etcd3 error classes `Unavailable` is named after, and anything the client itself retries. */
const isTransient = (error: unknown): boolean => error instanceof Error && ((etcd3?.isRecoverableError(error) ?? false) || isBrokenCircuitError(error));

/** A refused TLS handshake: gRPC reports it as UNAVAILABLE, but it is the credentials', and waiting will not fix it. */
const isTlsRefusal = (error: unknown): boolean => error instanceof Error && /SSL routines|certificate/i.test(error.message);

const toStoreError =
  (what: string, key?: string) =>
  (cause: unknown): NetworkStoreError => {
    const detail = cause instanceof Error ? `${cause.constructor.name}: ${cause.message.trim()}` : String(cause);
    if (isTlsRefusal(cause)) return { kind: 'Failed', key, cause, message: `etcd ${what}: TLS handshake failed, check the store's credentials: ${detail}` };
    return isTransient(cause)
      ? { kind: 'Unavailable', key, cause, message: `etcd unavailable during ${what}: ${detail}; will retry` }
      : { kind: 'Failed', key, cause, message: `etcd ${what} failed: ${detail}` };
  };

/** Runs `call` (sync throws included) as a ResultAsync with the store's error. */
const attempt = <T>(what: string, call: () => Promise<T>, key?: string): ResultAsync<T, NetworkStoreError> =>
  ResultAsync.fromThrowable(call, toStoreError(what, key))();

/** The client options: deadlines on unary calls, bounded retries, a breaker per host. */
function clientOptions(options: EtcdNetworkStoreOptions): IOptions {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const transient = handleWhen(isTransient);
  return {
    hosts: typeof options.hosts === 'string' ? options.hosts : [...options.hosts],
    ...(options.credentials === undefined ? {} : { credentials: { ...options.credentials } }),
    dialTimeout: timeoutMs,
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + timeoutMs }),
    faultHandling: {
      global: retry(transient, { maxAttempts: options.retries ?? 2, backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1_000 }) }),
      host: () => circuitBreaker(transient, { halfOpenAfter: 2_000, breaker: new ConsecutiveBreaker(5) }),
    },
  };
}

/**
 * A {@link NetworkStore} on etcd v3.
 *
 * @example
 * ```ts
 * const store = createEtcdNetworkStore({ hosts: 'https://flannel-etcd:2379', credentials: { rootCertificate, certChain, privateKey } });
 * const result = await store.putConfig(flannelEtcdPrefix('demo'), flannelNetworkConfig(cluster, network));
 * result.match(({ written }) => written && log('flannel config written'), (e) => (e.kind === 'Unavailable' ? requeue() : fail(e)));
 * await store.close();
 * ```
 */
export function createEtcdNetworkStore(options: EtcdNetworkStoreOptions): NetworkStore {
  let connecting: Promise<{ client: Etcd3; kv: Namespace }> | undefined;
  const connect = () =>
    (connecting ??= import('etcd3').then((module) => {
      etcd3 = module;
      const client = new module.Etcd3(clientOptions(options));
      return { client, kv: options.namespace === undefined ? client : client.namespace(options.namespace) };
    }));
  /** Runs `call` on the key-value namespace, connecting first. */
  const onKv = <T>(what: string, call: (kv: Namespace) => Promise<T>, key?: string) => attempt(what, async () => call((await connect()).kv), key);

  const read = (key: string): ResultAsync<RawEntry | undefined, NetworkStoreError> =>
    onKv('get', (kv) => kv.get(key).exec(), key).map((response) => {
      const found = response.kvs[0];
      return found === undefined ? undefined : { value: found.value.toString('utf8'), modRevision: Number(found.mod_revision) };
    });

  /** Writes `value` if `key` is still at `modRevision` (0: absent); false when another writer came first. */
  const writeIfUnchanged = (key: string, modRevision: number, value: string): ResultAsync<boolean, NetworkStoreError> =>
    onKv('put', (kv) => kv.if(key, 'Mod', '==', modRevision).then(kv.put(key).value(value)).commit(), key).map((response) => response.succeeded);

  const putConfig = (prefix: string, config: FlannelNetworkConfig, round = 1): ResultAsync<{ readonly written: boolean }, NetworkStoreError> => {
    const key = configKey(prefix);
    return read(key).andThen((entry) => {
      if (holdsConfig(entry?.value, config)) return okAsync({ written: false });
      return writeIfUnchanged(key, entry?.modRevision ?? 0, serializeFlannelConfig(config)).andThen((written) => {
        if (written) return okAsync({ written: true });
        if (round < MAX_PUT_ROUNDS) return putConfig(prefix, config, round + 1);
        return errAsync<{ readonly written: boolean }, NetworkStoreError>({
          kind: 'Unavailable',
          key,
          message: `${key}: other writers changed it ${MAX_PUT_ROUNDS} times in a row; will retry`,
        });
      });
    });
  };

  return {
    getConfig: (prefix) => {
      const key = configKey(prefix);
      return read(key).andThen((entry) => (entry === undefined ? okAsync(undefined) : parseFlannelConfig(key, entry.value)));
    },
    putConfig: (prefix, config) => putConfig(prefix, config),
    deletePrefix: (prefix) =>
      onKv('delete', (kv) => kv.delete().prefix(prefixRange(prefix)).exec(), prefixRange(prefix)).map((response) => ({ deleted: Number(response.deleted) })),
    listConfigs: (root = DEFAULT_NETWORK_STORE_ROOT) =>
      onKv('list', (kv) => kv.getAll().prefix(root).strings(), root).andThen((entries) => collectConfigs(root, Object.entries(entries))),
    raw: {
      put: (key, value) => onKv('put', (kv) => kv.put(key).value(value).exec(), key).map(() => undefined),
      get: read,
      keys: (prefix) => onKv('list', (kv) => kv.getAll().prefix(prefix).keys(), prefix).map((keys) => [...keys].sort()),
    },
    close: async () => {
      // a store never used has nothing to close (and need not load etcd3 to say so)
      if (connecting !== undefined) (await connecting).client.close();
    },
  };
}

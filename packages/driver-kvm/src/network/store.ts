/**
 * The port to the host's flannel store: where the driver writes each guest cluster's flannel
 * network config (`<prefix>/config`, with `prefix` = {@link flannelEtcdPrefix}) and removes it,
 * with flanneld's subnet leases (`<prefix>/subnets/…`), when the cluster goes.
 *
 * Production uses etcd v3 ({@link createEtcdNetworkStore}); tests use memory
 * ({@link createMemoryNetworkStore}). Both pass the same behaviour suite
 * (`tests/src/kvm/network-store-suite.ts`).
 *
 * Prefixes are given without a trailing slash (`/kubeception/demo/network`); the store adds `/`
 * itself, so `/kubeception/a/` never touches `/kubeception/ab/`. Trailing slashes are ignored.
 */
import { cidr, z } from '@kubeception/sdk';
import { err, ok, type Result, type ResultAsync } from 'neverthrow';
import { isDeepStrictEqual } from 'node:util';
import type { FlannelNetworkConfig } from '../render/flannel.js';

/** Why the store failed. */
export const NetworkStoreErrorKind = {
  /** The store cannot be reached: connection refused, deadline exceeded, no leader. Retry later. */
  Unavailable: 'Unavailable',
  /** A stored value is not what it should be (e.g. `<prefix>/config` is not a flannel config); a person must look. */
  Corrupt: 'Corrupt',
  /** Anything else (refused request, permission denied, closed client); retrying will not help by itself. */
  Failed: 'Failed',
} as const;
/** One of {@link NetworkStoreErrorKind}. */
export type NetworkStoreErrorKind = (typeof NetworkStoreErrorKind)[keyof typeof NetworkStoreErrorKind];

/** An error of the flannel store; only `Unavailable` is worth retrying. */
export interface NetworkStoreError {
  /** What failed. */
  readonly kind: NetworkStoreErrorKind;
  /** Human-readable detail. */
  readonly message: string;
  /** The key concerned, when there is one (always for `Corrupt`). */
  readonly key?: string;
  /** The client's error, as thrown. */
  readonly cause?: unknown;
}

/** Default root of {@link NetworkStore.listConfigs}: every cluster's prefix is below it. */
export const DEFAULT_NETWORK_STORE_ROOT = '/kubeception/';

/** A key as the store holds it, with the revision of its last write (etcd's `mod_revision`). */
export interface RawEntry {
  /** The stored value. */
  readonly value: string;
  /** Changes whenever the key is written, even with the same value. */
  readonly modRevision: number;
}

/**
 * Direct access to keys, below the store's abstraction: for tests (simulating flanneld's subnet
 * leases, corrupt values, checking that nothing was written) and for repair tools.
 */
export interface RawKeyAccess {
  /** Writes `key` as is. */
  put(key: string, value: string): ResultAsync<void, NetworkStoreError>;
  /** `key`'s value and revision; undefined when absent. */
  get(key: string): ResultAsync<RawEntry | undefined, NetworkStoreError>;
  /** Every key starting with `prefix` (a plain string prefix: no `/` is added), sorted. */
  keys(prefix: string): ResultAsync<readonly string[], NetworkStoreError>;
}

/**
 * The host's flannel store, as the KVM driver uses it.
 *
 * Guarantees: `putConfig` writes only when the stored config differs, and never blindly over a
 * concurrent writer (with etcd it compares the key's revision in a transaction, re-reading when
 * it lost); `deletePrefix` removes `<prefix>/…` and nothing else. Every method is idempotent.
 */
export interface NetworkStore {
  /** Reads `<prefix>/config`; undefined when absent. A value that is not a flannel config fails with `Corrupt`. */
  getConfig(prefix: string): ResultAsync<FlannelNetworkConfig | undefined, NetworkStoreError>;
  /**
   * Writes `<prefix>/config` unless it already holds `config` (compared as parsed JSON, so key
   * order and spacing do not matter); `written` says whether it wrote. A stored value that does
   * not parse is overwritten: the driver owns this key, and writing it is the repair.
   */
  putConfig(prefix: string, config: FlannelNetworkConfig): ResultAsync<{ readonly written: boolean }, NetworkStoreError>;
  /** Deletes every key under `<prefix>/` (the config and flanneld's subnet leases); `deleted` counts them, 0 when nothing was there. */
  deletePrefix(prefix: string): ResultAsync<{ readonly deleted: number }, NetworkStoreError>;
  /**
   * Every prefix below `root` holding a `config` key, with its config (to re-derive allocations,
   * and for leak checks in tests). A config that does not parse fails the whole list with `Corrupt`.
   * @param root - @default {@link DEFAULT_NETWORK_STORE_ROOT}
   */
  listConfigs(root?: string): ResultAsync<ReadonlyMap<string, FlannelNetworkConfig>, NetworkStoreError>;
  /** Direct key access (tests, repair tools). */
  readonly raw: RawKeyAccess;
  /** Releases the connection; later calls fail with `Failed`. */
  close(): Promise<void>;
}

/** A prefix without trailing slashes. */
export const normalizePrefix = (prefix: string): string => prefix.replace(/\/+$/, '');
/** `<prefix>/config`: the key flanneld reads its network config from. */
export const configKey = (prefix: string): string => `${normalizePrefix(prefix)}/config`;
/** `<prefix>/`: the range {@link NetworkStore.deletePrefix} removes. */
export const prefixRange = (prefix: string): string => `${normalizePrefix(prefix)}/`;

const CONFIG_SUFFIX = '/config';

/** The prefix whose config `key` is, or undefined when `key` is no config key. */
export const prefixOfConfigKey = (key: string): string | undefined => (key.endsWith(CONFIG_SUFFIX) ? key.slice(0, -CONFIG_SUFFIX.length) : undefined);

const flannelConfigSchema = z.object({
  Network: cidr('The cluster VXLAN network.'),
  SubnetLen: z.int().min(1).max(32),
  Backend: z.object({ Type: z.literal('vxlan'), VNI: z.int().min(0).max(16_777_215) }),
});

/** Parses a stored `<prefix>/config` value; anything but a vxlan flannel config is `Corrupt`. */
export function parseFlannelConfig(key: string, text: string): Result<FlannelNetworkConfig, NetworkStoreError> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    return err({ kind: 'Corrupt', key, cause, message: `${key} is not JSON; fix or delete it by hand` });
  }
  const parsed = flannelConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(value)'}: ${i.message}`).join('; ');
    return err({ kind: 'Corrupt', key, cause: parsed.error, message: `${key} is not a flannel vxlan config (${issues}); fix or delete it by hand` });
  }
  const { Network, SubnetLen, Backend } = parsed.data;
  return ok({ Network, SubnetLen, Backend: { Type: Backend.Type, VNI: Backend.VNI } });
}

/** The JSON written for `config`. */
export const serializeFlannelConfig = (config: FlannelNetworkConfig): string => JSON.stringify(config);

/** Whether the stored `text` already holds `config` (parsed JSON equality; unparsable text never does). */
export function holdsConfig(text: string | undefined, config: FlannelNetworkConfig): boolean {
  if (text === undefined) return false;
  try {
    return isDeepStrictEqual(JSON.parse(text), JSON.parse(serializeFlannelConfig(config)));
  } catch {
    return false;
  }
}

/** Every config below `root` in `entries` (key → value), parsed; the first corrupt one fails. */
export function collectConfigs(
  root: string,
  entries: Iterable<readonly [string, string]>,
): Result<ReadonlyMap<string, FlannelNetworkConfig>, NetworkStoreError> {
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.reduce<Result<Map<string, FlannelNetworkConfig>, NetworkStoreError>>(
    (result, [key, value]) =>
      result.andThen((configs) => {
        const prefix = key.startsWith(root) ? prefixOfConfigKey(key) : undefined;
        return prefix === undefined ? ok(configs) : parseFlannelConfig(key, value).map((config) => configs.set(prefix, config));
      }),
    ok(new Map()),
  );
}

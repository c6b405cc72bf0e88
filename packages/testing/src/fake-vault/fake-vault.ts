/** `createFakeVault` and `startFakeVault`: wiring state, routes, faults and msw handlers. */
import { http } from 'msw';
import { type MswFake, originPattern, type ServedHandlers, startServed } from '../shared/index.js';
import { createDispatcher, tokenCapabilities } from './dispatch.js';
import { parseVaultDuration } from './duration.js';
import { type VaultFaults, vaultFaults } from './faults.js';
import { createRequestLog, type VaultRequestLog } from './request-log.js';
import { serveVault } from './serve.js';
import { VaultState } from './state.js';
import { sysRoutes } from './sys-routes.js';
import { authRoutes } from './token-routes.js';

/** Options of {@link createFakeVault}. */
export interface FakeVaultOptions {
  /** The root token's id. @default 'root' */
  readonly rootToken?: string;
  /** The fake's clock: certificate validity, token and wrapping expiry, TTL checks. @default () => new Date() */
  readonly now?: () => Date;
  /** System default lease TTL (tokens; mounts without their own). A Vault duration. @default '768h' */
  readonly defaultLeaseTtl?: string | number;
  /** System max lease TTL (tokens; mounts without their own `max_lease_ttl`). @default '768h' */
  readonly maxLeaseTtl?: string | number;
  /** `key_type` used when a role or root request gives none. Vault's own default is `rsa`. @default 'ec' */
  readonly defaultKeyType?: 'ec' | 'rsa';
  /** The one unseal key `sys/unseal` accepts. @default 'fake-unseal-key' */
  readonly unsealKey?: string;
  /** Start sealed. @default false */
  readonly sealed?: boolean;
  /** Origin the msw handlers answer for, e.g. `http://vault.test:8200`. @default any origin (every `/v1/...` URL) */
  readonly origin?: string;
  /** Requests kept in the request log. @default 10000 */
  readonly requestLogLimit?: number;
}

/** A certificate the PKI engine of a mount has stored. */
export interface FakeVaultCertificate {
  /** Serial number, colon-separated hex as Vault shows it. */
  readonly serial: string;
  /** The certificate, PEM. */
  readonly pem: string;
  /** Expiry. */
  readonly notAfter: Date;
  /** Whether it has been revoked. */
  readonly revoked: boolean;
}

/** Read-only views of the fake's state, for assertions. */
export interface FakeVaultStateView {
  /** Paths of enabled secrets engines as Vault lists them (`pki-a/`); system mounts excluded. */
  mounts(): string[];
  /** Role names of a PKI mount (empty when the mount does not exist). */
  roles(mount: string): string[];
  /** Certificates stored by a PKI mount (the CA included). */
  certificates(mount: string): FakeVaultCertificate[];
  /** Names of the policies (without the implicit `root`). */
  policies(): string[];
  /** Number of live tokens, the root token included. */
  tokenCount(): number;
  /** Whether Vault is sealed. */
  sealed(): boolean;
}

/** A fake Vault: msw handlers plus state, faults (failures, latency, seal/unseal) and the request log. */
export interface FakeVault extends MswFake<VaultFaults, VaultRequestLog, FakeVaultStateView> {
  /** The root token. */
  readonly rootToken: string;
  /** The key `sys/unseal` accepts. */
  readonly unsealKey: string;
  /**
   * Serves the fake on 127.0.0.1 for clients msw does not intercept (other processes, curl, hvac),
   * `LIST` requests included; every origin is answered. @default port 0 (a free port)
   */
  serve(options?: { readonly port?: number }): Promise<ServedHandlers>;
}

/** A fake Vault served on a port: `url` (give it to node-vault as `endpoint`, or as `VAULT_ADDR`) and `close`. */
export interface StartedFakeVault extends FakeVault, ServedHandlers {}

function stateView(state: VaultState): FakeVaultStateView {
  const engine = (mount: string) => state.mounts.get(`${mount.replace(/\/+$/, '')}/`)?.pki;
  return {
    mounts: () => [...state.mounts.keys()].sort(),
    roles: (mount) => [...(engine(mount)?.roles.keys() ?? [])].sort(),
    certificates: (mount) =>
      [...(engine(mount)?.certs.values() ?? [])].map((c) => ({ serial: c.serial, pem: c.pem, notAfter: c.notAfter, revoked: c.revokedAt !== undefined })),
    policies: () => [...state.policies.keys()].sort(),
    tokenCount: () => state.tokens.all().length,
    sealed: () => state.sealed,
  };
}

/**
 * Creates a stateful fake Vault (PKI engine, tokens, policies, wrapping, seal) as msw handlers.
 *
 * @example
 * ```ts
 * const vault = createFakeVault();
 * const server = setupServer(...vault.handlers);
 * server.listen({ onUnhandledRequest: 'bypass' });
 * const client = nodeVault({ endpoint: 'http://vault.test:8200', token: vault.rootToken, noCustomHTTPVerbs: true });
 * await client.mount({ mount_point: 'pki-a', type: 'pki', config: { max_lease_ttl: '87600h' } });
 * server.close();
 * ```
 */
export function createFakeVault(options: FakeVaultOptions = {}): FakeVault {
  const unsealKey = options.unsealKey ?? 'fake-unseal-key';
  const state = new VaultState({
    now: options.now ?? (() => new Date()),
    rootToken: options.rootToken ?? 'root',
    defaultLeaseTtl: parseVaultDuration(options.defaultLeaseTtl ?? '768h') ?? 2_764_800,
    maxLeaseTtl: parseVaultDuration(options.maxLeaseTtl ?? '768h') ?? 2_764_800,
    defaultKeyType: options.defaultKeyType ?? 'ec',
    unsealKey,
  });
  state.sealed = options.sealed ?? false;
  const faults = vaultFaults({ seal: () => (state.sealed = true), unseal: () => (state.sealed = false) });
  const log = createRequestLog(options.requestLogLimit ?? 10_000);
  const routes = [...sysRoutes(state), ...authRoutes(state, (t, p) => tokenCapabilities(state, t, p))];
  const handle = createDispatcher({ state, faults: faults.injector, log, routes });
  return {
    handlers: [http.all(originPattern(options.origin, '/v1/'), ({ request }) => handle(request))],
    rootToken: state.settings.rootToken,
    unsealKey,
    faults: faults.api,
    requests: log,
    state: stateView(state),
    handle,
    serve: (serveOptions) => serveVault(handle, serveOptions?.port ?? 0),
  };
}

/**
 * Creates a fake Vault and serves it on a free 127.0.0.1 port (or `port`).
 *
 * @example
 * ```ts
 * const vault = await startFakeVault();
 * const client = nodeVault({ endpoint: vault.url, token: vault.rootToken, noCustomHTTPVerbs: true });
 * // ...
 * await vault.close();
 * ```
 */
export function startFakeVault(options: FakeVaultOptions & { readonly port?: number } = {}): Promise<StartedFakeVault> {
  return startServed(createFakeVault(options), options.port);
}

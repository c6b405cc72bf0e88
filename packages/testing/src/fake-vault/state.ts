/** The fake's state: seal status, mounts, policies, tokens and wrapped responses (internal). */
import { randomUUID } from 'node:crypto';
import { VaultError } from './errors.js';
import { PkiEngine } from './pki-engine.js';
import { pkiRoutes } from './pki-routes.js';
import { DEFAULT_POLICY, parsePolicy, type PathRule } from './policy.js';
import type { TokenRole } from './token-roles.js';
import { TokenStore } from './token-store.js';
import type { Route } from './types.js';

/** A mounted secrets engine. */
export interface Mount {
  /** With a trailing slash, as Vault lists it (`pki-a/`). */
  readonly path: string;
  readonly type: string;
  description: string;
  readonly accessor: string;
  readonly uuid: string;
  /** Seconds; 0 = the system default. */
  defaultLeaseTtl: number;
  /** Seconds; 0 = the system max. */
  maxLeaseTtl: number;
  readonly pki: PkiEngine;
  readonly routes: readonly Route[];
}

/** A stored policy. */
export interface StoredPolicy {
  readonly text: string;
  readonly rules: readonly PathRule[];
}

/** A response kept for `sys/wrapping/unwrap`. */
export interface WrappedResponse {
  readonly body: Record<string, unknown>;
  readonly expireAt: Date;
  readonly creationPath: string;
  readonly accessor: string;
  readonly createdAt: Date;
}

/** Settings the state needs (resolved options). */
export interface StateSettings {
  readonly now: () => Date;
  readonly rootToken: string;
  readonly defaultLeaseTtl: number;
  readonly maxLeaseTtl: number;
  readonly defaultKeyType: 'ec' | 'rsa';
  readonly unsealKey: string;
}

/** Everything the fake remembers. */
export class VaultState {
  sealed = false;
  readonly mounts = new Map<string, Mount>();
  readonly policies = new Map<string, StoredPolicy>();
  readonly tokens: TokenStore;
  readonly wraps = new Map<string, WrappedResponse>();
  /** Token roles (`auth/token/roles/:name`), by lower-case name. */
  readonly tokenRoles = new Map<string, TokenRole>();

  constructor(readonly settings: StateSettings) {
    this.tokens = new TokenStore(settings.now);
    this.tokens.create({
      id: settings.rootToken,
      policies: ['root'],
      parent: undefined,
      displayName: 'root',
      path: 'auth/token/root',
      meta: null,
      ttl: 0,
      explicitMaxTtl: 0,
      renewable: false,
      numUses: 0,
      orphan: true,
    });
    this.policies.set('default', { text: DEFAULT_POLICY, rules: parsePolicy(DEFAULT_POLICY) });
  }

  /** Enables a secrets engine at `path` (only `pki` is modelled). */
  enable(path: string, type: string, description: string, ttls: { defaultLeaseTtl?: number; maxLeaseTtl?: number }): void {
    const key = `${path.replace(/^\/+|\/+$/g, '')}/`;
    if (key === '/') throw VaultError.badRequest('path cannot be blank');
    if (type === '') throw VaultError.badRequest('backend type must be specified as a string');
    for (const existing of [...this.mounts.keys(), 'sys/', 'auth/', 'cubbyhole/', 'identity/']) {
      if (key.startsWith(existing) || existing.startsWith(key)) throw VaultError.badRequest(`path is already in use at ${existing}`);
    }
    if (type !== 'pki') throw VaultError.badRequest(`plugin not found in the catalog: ${type}`);
    // the engine reads the TTLs of the mount entry itself, so `sys/mounts/:path/tune` reaches it
    const pki = new PkiEngine(() => this.ttlsOf(mount), this.settings.now, this.settings.defaultKeyType);
    const mount: Mount = {
      path: key,
      type,
      description,
      accessor: `pki_${randomUUID().slice(0, 8)}`,
      uuid: randomUUID(),
      defaultLeaseTtl: ttls.defaultLeaseTtl ?? 0,
      maxLeaseTtl: ttls.maxLeaseTtl ?? 0,
      pki,
      routes: pkiRoutes(pki),
    };
    this.mounts.set(key, mount);
  }

  /**
   * The mount's effective TTLs in seconds, as Vault's `dynamicSystemView.fetchTTLs`: each is the
   * mount's own when set, else the system's. The default is not capped at the max (Vault caps the
   * TTL where it is used, e.g. `GetCertificateNotAfter`, with a warning).
   */
  ttlsOf(mount: Pick<Mount, 'defaultLeaseTtl' | 'maxLeaseTtl'>): { defaultLeaseTtl: number; maxLeaseTtl: number } {
    return { defaultLeaseTtl: mount.defaultLeaseTtl || this.settings.defaultLeaseTtl, maxLeaseTtl: mount.maxLeaseTtl || this.settings.maxLeaseTtl };
  }

  /** The mount serving a request path, and the path inside it. */
  mountFor(path: string): { mount: Mount; rest: string } | undefined {
    // mounts never nest (enable refuses overlaps), so at most one segment prefix of the path is a mount
    const full = `${path}/`;
    for (let end = full.indexOf('/'); end !== -1; end = full.indexOf('/', end + 1)) {
      const mount = this.mounts.get(full.slice(0, end + 1));
      if (mount) return { mount, rest: full.slice(end + 1).replace(/\/$/, '') };
    }
    return undefined;
  }

  /** The parsed rules of the named policies (unknown names are ignored, like Vault). */
  rulesOf(names: readonly string[]): (readonly PathRule[])[] {
    return names.map((n) => this.policies.get(n)?.rules).filter((r): r is readonly PathRule[] => r !== undefined);
  }
}

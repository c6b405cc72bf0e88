/** Tokens: creation, lookup with expiry, use counts, revocation of a token and its children (internal). */
import { randomBytes } from 'node:crypto';

/** One token as the store keeps it. */
export interface TokenEntry {
  readonly id: string;
  readonly accessor: string;
  readonly policies: readonly string[];
  readonly parent: string | undefined;
  readonly displayName: string;
  readonly path: string;
  readonly meta: Readonly<Record<string, string>> | null;
  readonly createdAt: Date;
  /** Seconds the token lives after creation or its last renewal; 0 = never expires. */
  ttl: number;
  expireAt: Date | undefined;
  /** Seconds from creation past which renewals cannot go; 0 = the system max. */
  readonly explicitMaxTtl: number;
  readonly renewable: boolean;
  /** Uses left; 0 = unlimited. */
  numUses: number;
  readonly orphan: boolean;
  /** The token role it was created against (`auth/token/create/<role>`). */
  readonly role?: string;
}

/** What a new token is made of. */
export type TokenSpec = Pick<
  TokenEntry,
  'policies' | 'parent' | 'displayName' | 'path' | 'meta' | 'ttl' | 'explicitMaxTtl' | 'renewable' | 'numUses' | 'orphan' | 'role'
> & {
  readonly id?: string;
};

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random Vault-looking identifier: `hvs.` + 24 base62 characters for tokens. */
export function randomId(prefix = '', length = 24): string {
  return prefix + [...randomBytes(length)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
}

/** The token store. */
export class TokenStore {
  private readonly tokens = new Map<string, TokenEntry>();

  constructor(private readonly now: () => Date) {}

  /** Creates a token. */
  create(spec: TokenSpec): TokenEntry {
    const createdAt = this.now();
    const entry: TokenEntry = {
      ...spec,
      id: spec.id ?? randomId('hvs.'),
      accessor: randomId(),
      createdAt,
      expireAt: spec.ttl > 0 ? new Date(createdAt.getTime() + spec.ttl * 1000) : undefined,
    };
    this.tokens.set(entry.id, entry);
    return entry;
  }

  /** A live token by id (expired tokens are revoked on sight). */
  lookup(id: string): TokenEntry | undefined {
    const entry = this.tokens.get(id);
    if (entry?.expireAt && entry.expireAt.getTime() <= this.now().getTime()) {
      this.revoke(id);
      return undefined;
    }
    return entry;
  }

  /** Counts one use; a token whose last use this was is revoked. */
  use(entry: TokenEntry): void {
    if (entry.numUses === 0) return;
    entry.numUses -= 1;
    if (entry.numUses === 0) this.revoke(entry.id);
  }

  /** Seconds left before the token expires (0 for tokens without TTL). */
  remaining(entry: TokenEntry): number {
    return entry.expireAt ? Math.max(0, Math.round((entry.expireAt.getTime() - this.now().getTime()) / 1000)) : 0;
  }

  /** Extends a token's life by `increment` seconds from now, capped by its max TTL; returns the new TTL. */
  renew(entry: TokenEntry, increment: number, systemMaxTtl: number): number {
    const now = this.now().getTime();
    const maxTtl = entry.explicitMaxTtl > 0 ? Math.min(entry.explicitMaxTtl, systemMaxTtl) : systemMaxTtl;
    const hardLimit = entry.createdAt.getTime() + maxTtl * 1000;
    const ttl = Math.max(0, Math.min(increment, Math.floor((hardLimit - now) / 1000)));
    entry.ttl = ttl;
    entry.expireAt = new Date(now + ttl * 1000);
    return ttl;
  }

  /** Revokes a token and, unless orphaned, every token created from it. Returns how many went. */
  revoke(id: string): number {
    if (!this.tokens.delete(id)) return 0;
    let count = 1;
    for (const child of [...this.tokens.values()]) if (child.parent === id) count += this.revoke(child.id);
    return count;
  }

  /** Every live token (a copy). */
  all(): TokenEntry[] {
    return [...this.tokens.keys()].map((id) => this.lookup(id)).filter((t): t is TokenEntry => t !== undefined);
  }
}

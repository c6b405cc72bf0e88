/**
 * Keeps the operator's own Vault token alive: looks up its TTL, renews it at two thirds of
 * its life, and retries failures with backoff (Giant Swarm's cert-operator never did this).
 */
import type { PkiError } from '@kubeception/sdk';
import type { VaultClient } from './vault-client.js';
import { vaultCalls } from './vault-client.js';

/** Where the renewal loop is. */
export interface TokenRenewalState {
  /** Seconds left when last seen. */
  readonly ttl?: number;
  /** Successful renewals so far. */
  readonly renewals: number;
  /** The latest failed attempt's error, until a renewal succeeds. */
  readonly lastError?: PkiError;
  /** The token does not expire (root) or cannot be renewed: nothing to do. */
  readonly idle: boolean;
}

/** Options of {@link startTokenRenewal}. */
export interface TokenRenewalOptions {
  /** Stops the renewal loop. */
  readonly signal: AbortSignal;
  /** Told after every attempt. */
  readonly onState?: (state: TokenRenewalState) => void;
  /** Shortest wait between attempts. @default 1000 */
  readonly minDelayMs?: number;
}

/** Starts renewing `client`'s token until `signal` aborts. */
export function startTokenRenewal(
  client: VaultClient,
  options: TokenRenewalOptions,
): {
  /** What the loop knows now. */
  state(): TokenRenewalState;
} {
  const vault = vaultCalls(client);
  let state: TokenRenewalState = { renewals: 0, idle: false };
  const set = (next: Partial<TokenRenewalState>) => {
    state = { ...state, ...next };
    options.onState?.(state);
  };
  const minDelay = options.minDelayMs ?? 1000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = (ms: number) => {
    if (options.signal.aborted) return;
    timer = setTimeout(() => void tick(), Math.max(minDelay, ms));
    timer.unref?.();
  };
  const tick = async () => {
    const looked = await vault.read<{ ttl: number; renewable: boolean }>('auth/token/lookup-self').match(
      (r) => r.data,
      (error) => error,
    );
    if ('kind' in looked) {
      set({ lastError: looked });
      return schedule(minDelay * 5);
    }
    if (looked.ttl === 0 || !looked.renewable) return set({ ttl: looked.ttl, idle: true });
    const renewed = await vault.write<unknown>('auth/token/renew-self', {}).match(
      (r) => r?.auth?.lease_duration ?? looked.ttl,
      (error) => error,
    );
    if (typeof renewed !== 'number') {
      set({ lastError: renewed, ttl: looked.ttl });
      return schedule(Math.min(30_000, (looked.ttl * 1000) / 10));
    }
    set({ ttl: renewed, renewals: state.renewals + 1 });
    schedule((renewed * 1000 * 2) / 3);
  };
  options.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  void tick();
  return { state: () => state };
}

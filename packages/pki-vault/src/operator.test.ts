/**
 * The cert-operator's assembly without a server: its controllers, and the Vault token renewal
 * that lasts exactly as long as the manager runs. (It runs against the fakes in
 * `examples/cert-operator`, and beside a Cluster controller in the examples and test worlds.)
 */
import type { PkiBackend } from '@kubeception/sdk';
import type { Manager } from '@kubeception/sdk/runtime';
import { describe, expect, it } from 'vitest';
import { certOperatorControllers, withTokenRenewal } from './operator.js';
import type { VaultClient } from './vault-client.js';

/** A Vault client whose token lives 30 ms and is renewed at will; it counts the renewals. */
function shortLivedToken(): { client: VaultClient; renewals(): number } {
  let renewals = 0;
  const client = {
    read: async (path: string) => (path === 'auth/token/lookup-self' ? { data: { ttl: 0.03, renewable: true } } : {}),
    write: async (path: string) => {
      if (path !== 'auth/token/renew-self') return {};
      renewals++;
      return { auth: { lease_duration: 0.03 } };
    },
  };
  return { client: client as unknown as VaultClient, renewals: () => renewals };
}

/** A manager that runs until `stop()`. */
function idleManager(): Manager {
  const stopped = new AbortController();
  return {
    start: () => new Promise<void>((resolve) => stopped.signal.addEventListener('abort', () => resolve(), { once: true })),
    stop: async () => stopped.abort(),
  } as Partial<Manager> as Manager;
}

describe('certOperatorControllers', () => {
  it('is the CertificateAuthority controller, then the Certificate controller', () => {
    expect(certOperatorControllers({ pki: {} as PkiBackend }).map((c) => c.name)).toEqual(['ca-operator', 'cert-operator']);
  });
});

describe('withTokenRenewal', () => {
  it("renews the token while the manager's start() runs, and stops when it returns", async () => {
    const vault = shortLivedToken();
    const operator = withTokenRenewal(idleManager(), vault.client, { minDelayMs: 1 });
    const running = operator.start();
    await expect.poll(vault.renewals, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
    await operator.stop();
    await running;
    const after = vault.renewals();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(vault.renewals()).toBe(after);
  });
});

/** Helpers for the fake Vault's own tests: node-vault clients in-process through msw (internal). */
import { setupServer } from 'msw/node';
import nodeVault from 'node-vault';
import { createFakeVault, type FakeVault, type FakeVaultOptions } from './fake-vault.js';

/** A node-vault client as our code creates it. */
export type VaultClient = ReturnType<typeof nodeVault>;

/** The endpoint in-process clients use (intercepted by msw, never resolved). */
export const ENDPOINT = 'http://vault.test:8200';

/** A fake Vault behind msw's `setupServer`, with a root client. Call `close()` after. */
export interface InProcess {
  readonly vault: FakeVault;
  readonly root: VaultClient;
  client(token: string): VaultClient;
  close(): void;
}

/** Starts msw with the fake's handlers. */
export function inProcess(options: FakeVaultOptions = {}): InProcess {
  const vault = createFakeVault(options);
  const server = setupServer(...vault.handlers);
  server.listen({ onUnhandledRequest: 'error' });
  const client = (token: string) => nodeVault({ endpoint: ENDPOINT, token, noCustomHTTPVerbs: true });
  return { vault, root: client(vault.rootToken), client, close: () => server.close() };
}

/** The status and message of a rejected node-vault call. */
export async function failure(p: Promise<unknown>): Promise<{ status: number | undefined; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as Error & { response?: { statusCode?: number } };
    return { status: err.response?.statusCode, message: err.message };
  }
  throw new Error('expected the call to fail');
}

/** Mounts `pki` at `mount`, generates an internal root and writes roles. */
export async function setupPki(
  root: VaultClient,
  mount: string,
  roles: Record<string, Record<string, unknown>> = {},
  rootOptions: Record<string, unknown> = {},
): Promise<string> {
  await root.mount({ mount_point: mount, type: 'pki', config: { max_lease_ttl: '87600h' } });
  const ca = (await root.write(`${mount}/root/generate/internal`, { common_name: `${mount}-ca`, ttl: '87600h', ...rootOptions })) as {
    data: { certificate: string };
  };
  for (const [name, role] of Object.entries(roles)) await root.write(`${mount}/roles/${name}`, role);
  return ca.data.certificate;
}

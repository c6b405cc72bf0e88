/** The node-vault calls the backend makes, as Results (internal). */
import type { PkiError } from '@kubeception/sdk';
import { ResultAsync } from 'neverthrow';
import type nodeVault from 'node-vault';
import { toPkiError } from './errors.js';

/** A node-vault client; create it with `noCustomHTTPVerbs: true`. */
export type VaultClient = nodeVault.client;

/** Vault's response envelope. */
export interface VaultResponse<T> {
  readonly data: T;
  readonly wrap_info?: { readonly token: string; readonly ttl: number };
  readonly auth?: { readonly client_token: string; readonly policies: string[]; readonly lease_duration: number };
}

/**
 * node-vault rejects every status but 200 and 204, including the 202 Accepted that Vault
 * answers to `tidy`: any 2xx is a success here.
 */
const accept2xx = (thrown: unknown): unknown => {
  const response = (thrown as { response?: { statusCode?: number; body?: unknown } }).response;
  const status = response?.statusCode ?? 0;
  if (status >= 200 && status < 300) return response?.body;
  throw thrown;
};

const call = <T>(promise: () => Promise<unknown>): ResultAsync<T, PkiError> =>
  ResultAsync.fromThrowable(() => promise().catch(accept2xx), toPkiError)() as ResultAsync<T, PkiError>;

/** Typed wrappers over the generic node-vault verbs. */
export function vaultCalls(client: VaultClient) {
  return {
    read: <T>(path: string) => call<VaultResponse<T>>(() => client.read(path)),
    write: <T>(path: string, data: object, headers?: Record<string, string>) =>
      call<VaultResponse<T> | undefined>(() => client.write(path, data, headers ? { headers } : undefined)),
    delete: (path: string) => call<unknown>(() => client.delete(path)),
    list: (path: string) => call<VaultResponse<{ keys: string[] }>>(() => client.list(path)),
  };
}
export type VaultCalls = ReturnType<typeof vaultCalls>;

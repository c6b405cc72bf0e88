/** The per-cluster policy and tokens limited to it (internal). */
import { SecretValue, type PkiBackend, type PkiError } from '@kubeception/sdk';
import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import type { VaultCalls } from './vault-client.js';
import { nothing, seconds, type Naming } from './vault-pki.js';

/** HCL of the policy that lets a guest issue from, and read the CA of, its own mount only. */
export function clusterPolicy(mount: string): string {
  return [`path "${mount}/issue/*" {`, '  capabilities = ["create", "update"]', '}', '', `path "${mount}/cert/ca" {`, '  capabilities = ["read"]', '}', ''].join('\n');
}

export function tokenCalls(vault: VaultCalls, naming: Naming): Pick<PkiBackend, 'ensureClusterPolicy' | 'issueClusterToken'> {
  const ensureClusterPolicy = (cluster: string): ResultAsync<string, PkiError> => {
    const name = naming.policy(cluster);
    const policy = clusterPolicy(naming.mount(cluster));
    return vault
      .read<{ rules?: string; policy?: string }>(`sys/policy/${name}`)
      .map((r) => r.data.rules ?? r.data.policy)
      .orElse((e): ResultAsync<string | undefined, PkiError> => (e.kind === 'NotFound' ? okAsync(undefined) : errAsync(e)))
      .andThen((current) => (current === policy ? nothing() : vault.write(`sys/policy/${name}`, { policy }).map(() => undefined)))
      .map(() => name);
  };
  return {
    ensureClusterPolicy,
    issueClusterToken: (cluster, options) =>
      ensureClusterPolicy(cluster).andThen((policy) =>
        vault
          .write<unknown>('auth/token/create', { policies: [policy], ttl: options.ttl, renewable: true, no_default_policy: true }, options.wrapTTL ? { 'X-Vault-Wrap-TTL': options.wrapTTL } : undefined)
          .map((response) => {
            if (response?.wrap_info) return { wrappingToken: new SecretValue(response.wrap_info.token), policies: [policy], ttl: response.wrap_info.ttl };
            const auth = response?.auth;
            return { token: new SecretValue(auth?.client_token ?? ''), policies: auth?.policies ?? [policy], ttl: auth?.lease_duration ?? seconds(options.ttl) ?? 0 };
          }),
      ),
  };
}

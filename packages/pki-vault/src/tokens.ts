/**
 * Tokens for guests (a node's boot token): each minted for explicit roles of one cluster's PKI,
 * under a policy allowing exactly `issue/<role>` of those roles; never for a role whose
 * certificates carry `system:masters` (internal).
 */
import { SecretValue, clusterId, pkiError, type ClusterCoordinates, type PkiBackend, type PkiError } from '@kubeception/sdk';
import type { TokenRequest } from '@kubeception/sdk';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import type { VaultCalls } from './vault-client.js';
import { nothing, seconds, type Naming } from './vault-naming.js';

/** Organizations no minted token may issue for: Kubernetes' superuser group. */
export const PRIVILEGED_ORGANIZATIONS: readonly string[] = ['system:masters'];
/** Roles no minted token may issue from, whatever Vault says they allow. */
export const PRIVILEGED_ROLES: readonly string[] = ['admin'];

/** HCL of the policy that lets a token issue from exactly `roles` of `mount`, and read its CA. */
export function rolesPolicy(mount: string, roles: readonly string[]): string {
  const issue = [...new Set(roles)].sort().flatMap((role) => [`path "${mount}/issue/${role}" {`, '  capabilities = ["create", "update"]', '}', '']);
  return [...issue, `path "${mount}/cert/ca" {`, '  capabilities = ["read"]', '}', ''].join('\n');
}

/** The roles a node of a guest cluster issues its own certificates from: never `admin`. */
export function nodeRoles(role: 'master' | 'worker'): readonly string[] {
  const both = ['worker', 'flanneld-etcd-client', 'calico-etcd-client'];
  return role === 'master' ? ['api', 'etcd', 'service-account', ...both] : both;
}

type RoleBody = { organization?: string[] | string; allow_any_name?: boolean };

export function tokenCalls(vault: VaultCalls, naming: Naming, tokenRole: string | undefined): Pick<PkiBackend, 'ensureTokenPolicy' | 'issueToken'> {
  /** Refuses a role that could issue `system:masters` certificates (or does not exist yet: retried). */
  const checkRole = (cluster: ClusterCoordinates, role: string): ResultAsync<void, PkiError> => {
    const path = `${naming.mount(cluster)}/roles/${role}`;
    if (PRIVILEGED_ROLES.includes(role)) return errAsync(pkiError('Refused', `a token for role ${role} could issue cluster-admin certificates: refused`));
    return vault
      .read<RoleBody>(path)
      .mapErr((e) => (e.kind === 'NotFound' ? pkiError('NotFound', `role ${path} does not exist (yet)`, e) : e))
      .andThen((r) => {
        const organizations = [r.data.organization ?? []].flat().flatMap((o) => String(o).split(','));
        const privileged = organizations.map((o) => o.trim()).filter((o) => PRIVILEGED_ORGANIZATIONS.includes(o));
        if (privileged.length > 0)
          return errAsync(pkiError('Refused', `role ${path} issues certificates in ${privileged.join(', ')}: no token may be minted for it`));
        if (r.data.allow_any_name === true) return errAsync(pkiError('Refused', `role ${path} allows any name: no token may be minted for it`));
        return nothing();
      });
  };

  const ensureTokenPolicy = (cluster: ClusterCoordinates, roles: readonly string[]): ResultAsync<string, PkiError> => {
    if (roles.length === 0) return errAsync(pkiError('Invalid', 'a token needs at least one role'));
    const name = naming.policy(cluster, roles);
    const policy = rolesPolicy(naming.mount(cluster), roles);
    return vault
      .read<{ rules?: string; policy?: string }>(`sys/policy/${name}`)
      .map((r) => r.data.rules ?? r.data.policy)
      .orElse((e): ResultAsync<string | undefined, PkiError> => (e.kind === 'NotFound' ? okAsync(undefined) : errAsync(e)))
      .andThen((current) => (current === policy ? nothing() : vault.write(`sys/policy/${name}`, { policy }).map(() => undefined)))
      .map(() => name);
  };

  const mint = (request: TokenRequest, policy: string) => {
    const meta = {
      cluster: `${request.cluster.namespace}/${request.cluster.name}`,
      cluster_id: clusterId(request.cluster),
      roles: [...request.roles].sort().join(','),
    };
    const body = {
      policies: [policy],
      ttl: request.ttl,
      renewable: true,
      no_default_policy: true,
      meta,
      display_name: `kubeception-${clusterId(request.cluster)}`,
    };
    const path = tokenRole ? `auth/token/create/${tokenRole}` : 'auth/token/create';
    return vault.write<unknown>(path, body, request.wrapTTL ? { 'X-Vault-Wrap-TTL': request.wrapTTL } : undefined).map((response) => {
      if (response?.wrap_info) return { wrappingToken: new SecretValue(response.wrap_info.token), policies: [policy], ttl: response.wrap_info.ttl };
      const auth = response?.auth;
      return { token: new SecretValue(auth?.client_token ?? ''), policies: auth?.policies ?? [policy], ttl: auth?.lease_duration ?? seconds(request.ttl) ?? 0 };
    });
  };

  return {
    ensureTokenPolicy,
    issueToken: (request) =>
      ResultAsync.combine(request.roles.map((role) => checkRole(request.cluster, role)))
        .andThen(() => ensureTokenPolicy(request.cluster, request.roles))
        .andThen((policy) => mint(request, policy)),
  };
}

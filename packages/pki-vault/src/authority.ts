/** Mounts and root CAs, each mount owned by exactly one CertificateAuthority (internal). */
import {
  pkiError,
  type AuthorityInfo,
  type AuthorityOwner,
  type AuthoritySpec,
  type ClusterCoordinates,
  type PkiBackend,
  type PkiError,
} from '@kubeception/sdk';
import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { certificateFacts } from './certificates.js';
import { ensureMount, mountAt, type AuthorityDeps } from './mount.js';
import { ownership } from './ownership.js';
import type { VaultCalls } from './vault-client.js';
import { nothing, type Naming } from './vault-naming.js';

/** The backend's CA calls: a cluster's authority ensured (its mount, then its root), read, and destroyed. */
export function authorityCalls(vault: VaultCalls, naming: Naming): Pick<PkiBackend, 'ensureAuthority' | 'authorityInfo' | 'destroyAuthority'> {
  const deps: AuthorityDeps = { vault, naming };
  return {
    authorityInfo: (cluster) => authorityInfo(deps, cluster),
    ensureAuthority: (spec) =>
      ensureMount(deps, spec)
        .andThen(() => authorityInfo(deps, spec.cluster))
        .andThen((info) => (info !== undefined ? okAsync(info) : generateRoot(deps, spec))),
    destroyAuthority: (cluster, owner) => destroyAuthority(deps, cluster, owner),
  };
}

/** The cluster's root CA, or `undefined` when its mount or root does not exist. */
function authorityInfo(deps: AuthorityDeps, cluster: ClusterCoordinates): ResultAsync<AuthorityInfo | undefined, PkiError> {
  const { vault, naming } = deps;
  return vault
    .read<{ certificate?: string }>(`${naming.mount(cluster)}/cert/ca`)
    .map((r) => r.data.certificate)
    .orElse((e) => (e.kind === 'NotFound' || e.kind === 'Invalid' ? okAsync(undefined) : errAsync(e)))
    .map((pem) => (pem ? { mountPath: naming.mount(cluster), certificate: pem, ...pick(certificateFacts(pem)) } : undefined));
}

/** Generates the root CA inside Vault (its key never leaves it), then reads it back. */
function generateRoot(deps: AuthorityDeps, spec: AuthoritySpec): ResultAsync<AuthorityInfo, PkiError> {
  const body = { common_name: spec.commonName, ttl: spec.ttl, key_type: spec.keyType, key_bits: spec.keyType === 'rsa' ? 2048 : 256 };
  return deps.vault
    .write<{ certificate: string }>(`${deps.naming.mount(spec.cluster)}/root/generate/internal`, body)
    .andThen(() => authorityInfo(deps, spec.cluster))
    .andThen((created) => (created ? okAsync(created) : errAsync(pkiError('Unavailable', 'the root CA was generated but cannot be read back'))));
}

/** Revokes every certificate but the root, tidies and unmounts the owner's mount; a mount not there, or not the owner's, is left alone. */
function destroyAuthority(deps: AuthorityDeps, cluster: ClusterCoordinates, owner: AuthorityOwner): ResultAsync<void, PkiError> {
  const { vault, naming } = deps;
  const path = naming.mount(cluster);
  return mountAt(vault, path).andThen((existing) => {
    // not there, or not ours: someone else's PKI is never revoked nor unmounted by us
    if (existing === undefined || ownership(existing.description, owner) !== 'own') return nothing();
    return authorityInfo(deps, cluster)
      .andThen((ca) =>
        vault
          .list(`${path}/certs`)
          .map((r) => r.data.keys.filter((serial) => serial !== ca?.serialNumber))
          .orElse((e) => (e.kind === 'NotFound' ? okAsync<string[], PkiError>([]) : errAsync(e))),
      )
      .andThen((serials) => revokeAll(vault, path, serials))
      .andThen(() => vault.write(`${path}/tidy`, { tidy_cert_store: true, tidy_revoked_certs: true, safety_buffer: '1s' }))
      .andThen(() => vault.delete(`sys/mounts/${path}`))
      .map(() => undefined);
  });
}

function revokeAll(vault: VaultCalls, path: string, serials: readonly string[]): ResultAsync<void, PkiError> {
  return serials.reduce<ResultAsync<void, PkiError>>(
    (chain, serial) =>
      chain.andThen(
        () =>
          vault
            .write(`${path}/revoke`, { serial_number: serial })
            .map(() => undefined)
            .orElse((e) => (e.kind === 'Invalid' || e.kind === 'NotFound' ? nothing() : errAsync(e))), // already revoked or expired
      ),
    nothing(),
  );
}

function pick(facts: { notAfter: string; serialNumber: string }): { notAfter: string; serialNumber: string } {
  return { notAfter: facts.notAfter, serialNumber: facts.serialNumber };
}

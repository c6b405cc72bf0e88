/** Mounts and root CAs, each mount owned by exactly one CertificateAuthority (internal). */
import { pkiError, type AuthorityInfo, type AuthoritySpec, type ClusterCoordinates, type PkiBackend, type PkiError } from '@kubeception/sdk';
import type { AuthorityOwner } from '@kubeception/sdk';
import { errAsync, okAsync, type ResultAsync } from 'neverthrow';
import { certificateFacts } from './certificates.js';
import { describeOwner, ownerDescription, ownership } from './ownership.js';
import type { VaultCalls } from './vault-client.js';
import { nothing, seconds, type Naming } from './vault-naming.js';

type MountEntry = { type?: string; description?: string; config?: { max_lease_ttl?: number } };

/** Vault answers a read of `sys/mounts/<path>` with no mount there with 400 and this text. */
const NO_MOUNT = /no secret engine mount at/i;
/** Vault's answer to enabling a mount at a path that is taken (another operator won the race). */
const IN_USE = /path is already in use/i;

export function authorityCalls(vault: VaultCalls, naming: Naming): Pick<PkiBackend, 'ensureAuthority' | 'authorityInfo' | 'destroyAuthority'> {
  // the mount itself, not the whole mount table: with a mount per cluster, the table grows with
  // the clusters, and reading it for every CA made the work grow as clusters²
  const mountAt = (path: string): ResultAsync<MountEntry | undefined, PkiError> =>
    vault
      .read<MountEntry>(`sys/mounts/${path}`)
      .map((r): MountEntry | undefined => r.data)
      .orElse((e) => (e.kind === 'Invalid' && NO_MOUNT.test(e.message) ? okAsync(undefined) : errAsync(e)));

  const authorityInfo = (cluster: ClusterCoordinates): ResultAsync<AuthorityInfo | undefined, PkiError> =>
    vault
      .read<{ certificate?: string }>(`${naming.mount(cluster)}/cert/ca`)
      .map((r) => r.data.certificate)
      .orElse((e) => (e.kind === 'NotFound' || e.kind === 'Invalid' ? okAsync(undefined) : errAsync(e)))
      .map((pem) => (pem ? { mountPath: naming.mount(cluster), certificate: pem, ...pick(certificateFacts(pem)) } : undefined));

  /** Checks an existing mount is the owner's (adopting it from a former object of the same name), then tunes its TTL. */
  const claim = (path: string, existing: MountEntry, spec: AuthoritySpec, maxTTL: number): ResultAsync<void, PkiError> => {
    const relation = existing.type === 'pki' ? ownership(existing.description, spec.owner) : 'foreign';
    if (relation === 'foreign') return errAsync(pkiError('Conflict', `Vault mount ${path} belongs to ${describeOwner(existing.description)}; nothing was written to it`));
    const description = relation === 'predecessor' ? { description: ownerDescription(spec.owner) } : {};
    const ttl = existing.config?.max_lease_ttl === maxTTL ? {} : { max_lease_ttl: `${maxTTL}s` };
    if (Object.keys({ ...description, ...ttl }).length === 0) return nothing();
    return vault.write(`sys/mounts/${path}/tune`, { ...description, ...ttl }).map(() => undefined);
  };

  const ensureMount = (spec: AuthoritySpec): ResultAsync<void, PkiError> => {
    const path = naming.mount(spec.cluster);
    const maxTTL = seconds(spec.ttl) ?? 0;
    return mountAt(path).andThen((existing) => {
      if (existing !== undefined) return claim(path, existing, spec, maxTTL);
      return vault
        .write(`sys/mounts/${path}`, { type: 'pki', description: ownerDescription(spec.owner), config: { max_lease_ttl: `${maxTTL}s` } })
        .map(() => undefined)
        .orElse((e) =>
          // someone enabled it between our read and our write: decide on what is there now
          e.kind === 'Invalid' && IN_USE.test(e.message)
            ? mountAt(path).andThen((now) => (now ? claim(path, now, spec, maxTTL) : errAsync(e)))
            : errAsync(e),
        );
    });
  };

  const generateRoot = (spec: AuthoritySpec): ResultAsync<AuthorityInfo, PkiError> => {
    const body = { common_name: spec.commonName, ttl: spec.ttl, key_type: spec.keyType, key_bits: spec.keyType === 'rsa' ? 2048 : 256 };
    return vault
      .write<{ certificate: string }>(`${naming.mount(spec.cluster)}/root/generate/internal`, body)
      .andThen(() => authorityInfo(spec.cluster))
      .andThen((created) => (created ? okAsync(created) : errAsync(pkiError('Unavailable', 'the root CA was generated but cannot be read back'))));
  };

  const destroyAuthority = (cluster: ClusterCoordinates, owner: AuthorityOwner): ResultAsync<void, PkiError> => {
    const path = naming.mount(cluster);
    return mountAt(path).andThen((existing) => {
      // not there, or not ours: someone else's PKI is never revoked nor unmounted by us
      if (existing === undefined || ownership(existing.description, owner) !== 'own') return nothing();
      return authorityInfo(cluster)
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
  };

  return {
    authorityInfo,
    ensureAuthority: (spec) =>
      ensureMount(spec)
        .andThen(() => authorityInfo(spec.cluster))
        .andThen((info) => (info !== undefined ? okAsync(info) : generateRoot(spec))),
    destroyAuthority,
  };
}

function revokeAll(vault: VaultCalls, path: string, serials: readonly string[]): ResultAsync<void, PkiError> {
  return serials.reduce<ResultAsync<void, PkiError>>(
    (chain, serial) =>
      chain.andThen(() =>
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

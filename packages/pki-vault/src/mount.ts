/**
 * A cluster's PKI mount, owned by exactly one CertificateAuthority (internal): read by its own
 * path, enabled with its owner in its description, and otherwise claimed — adopted from a former
 * object of the same name, its TTL tuned — or refused when it is someone else's.
 */
import { pkiError, type AuthoritySpec, type AuthorityOwner, type PkiError } from '@kubeception/sdk';
import { err, errAsync, ok, okAsync, type Result, type ResultAsync } from 'neverthrow';
import { describeOwner, ownerDescription, ownership } from './ownership.js';
import type { VaultCalls } from './vault-client.js';
import { nothing, seconds, type Naming } from './vault-naming.js';

/** A mount as `sys/mounts/<path>` answers. */
export type MountEntry = { type?: string; description?: string; config?: { max_lease_ttl?: number } };

/** What the authority calls are made with. */
export interface AuthorityDeps {
  readonly vault: VaultCalls;
  readonly naming: Naming;
}

/** Vault answers a read of `sys/mounts/<path>` with no mount there with 400 and this text. */
const NO_MOUNT = /no secret engine mount at/i;
/** Vault's answer to enabling a mount at a path that is taken (another operator won the race). */
const IN_USE = /path is already in use/i;

/**
 * The mount at `path`, or `undefined` when there is none. The mount itself, not the whole mount
 * table: with a mount per cluster, the table grows with the clusters, and reading it for every CA
 * made the work grow as clusters².
 */
export function mountAt(vault: VaultCalls, path: string): ResultAsync<MountEntry | undefined, PkiError> {
  return vault
    .read<MountEntry>(`sys/mounts/${path}`)
    .map((r): MountEntry | undefined => r.data)
    .orElse((e) => (e.kind === 'Invalid' && NO_MOUNT.test(e.message) ? okAsync(undefined) : errAsync(e)));
}

/** The mount of `spec`'s cluster: enabled for its owner, or the existing one claimed (see {@link mountTuning}). */
export function ensureMount(deps: AuthorityDeps, spec: AuthoritySpec): ResultAsync<void, PkiError> {
  const { vault, naming } = deps;
  const path = naming.mount(spec.cluster);
  const maxTTL = seconds(spec.ttl) ?? 0;
  const claim = (existing: MountEntry) =>
    mountTuning(path, existing, spec.owner, maxTTL).asyncAndThen((tune) =>
      tune === undefined ? nothing() : vault.write(`sys/mounts/${path}/tune`, tune).map(() => undefined),
    );
  return mountAt(vault, path).andThen((existing) => {
    if (existing !== undefined) return claim(existing);
    return vault
      .write(`sys/mounts/${path}`, { type: 'pki', description: ownerDescription(spec.owner), config: { max_lease_ttl: `${maxTTL}s` } })
      .map(() => undefined)
      .orElse((e) =>
        // someone enabled it between our read and our write: decide on what is there now
        e.kind === 'Invalid' && IN_USE.test(e.message) ? mountAt(vault, path).andThen((now) => (now ? claim(now) : errAsync(e))) : errAsync(e),
      );
  });
}

/**
 * What claiming the existing mount at `path` for `owner` writes to its `tune` (pure): the owner's
 * description when it was a former object's of the same name (adopted), the TTL when it differs;
 * `undefined` when nothing differs; `Conflict` when the mount is someone else's (nothing is written).
 */
export function mountTuning(path: string, existing: MountEntry, owner: AuthorityOwner, maxTTL: number): Result<Record<string, string> | undefined, PkiError> {
  const relation = existing.type === 'pki' ? ownership(existing.description, owner) : 'foreign';
  if (relation === 'foreign')
    return err(pkiError('Conflict', `Vault mount ${path} belongs to ${describeOwner(existing.description)}; nothing was written to it`));
  const description: Record<string, string> = relation === 'predecessor' ? { description: ownerDescription(owner) } : {};
  const ttl: Record<string, string> = existing.config?.max_lease_ttl === maxTTL ? {} : { max_lease_ttl: `${maxTTL}s` };
  const tune = { ...description, ...ttl };
  return ok(Object.keys(tune).length === 0 ? undefined : tune);
}

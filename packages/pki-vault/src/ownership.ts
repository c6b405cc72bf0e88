/**
 * Who owns a PKI mount: recorded in the mount's `description` when it is enabled (one atomic
 * write), read back before anything else is written to it (internal).
 */
import type { AuthorityOwner } from '@kubeception/sdk';

const DEFAULT_KIND = 'CertificateAuthority';
const PATTERN = /^kubeception\.io\/(\S+) ([^/\s]+)\/(\S+) uid=(\S+)$/;

/** `kubeception.io/CertificateAuthority <namespace>/<name> uid=<uid>`. */
export function ownerDescription(owner: AuthorityOwner): string {
  return `kubeception.io/${owner.kind ?? DEFAULT_KIND} ${owner.namespace}/${owner.name} uid=${owner.uid}`;
}

/** The owner a description records, or `undefined` when it records none (not ours). */
export function parseOwner(description: string | undefined): Required<AuthorityOwner> | undefined {
  const match = PATTERN.exec(description?.trim() ?? '');
  if (!match) return undefined;
  const [, kind = '', namespace = '', name = '', uid = ''] = match;
  return { kind, namespace, name, uid };
}

/** How the mount relates to `owner`: its own, a former object of the same name (gone: names are unique), or someone else's. */
export function ownership(description: string | undefined, owner: AuthorityOwner): 'own' | 'predecessor' | 'foreign' {
  const recorded = parseOwner(description);
  if (recorded === undefined) return 'foreign';
  const sameObject = recorded.kind === (owner.kind ?? DEFAULT_KIND) && recorded.namespace === owner.namespace && recorded.name === owner.name;
  if (!sameObject) return 'foreign';
  return recorded.uid === owner.uid ? 'own' : 'predecessor';
}

/** How to name the owner of a mount in a message. */
export function describeOwner(description: string | undefined): string {
  const recorded = parseOwner(description);
  return recorded ? `${recorded.kind} ${recorded.namespace}/${recorded.name} (uid ${recorded.uid})` : 'something not managed by kubeception';
}

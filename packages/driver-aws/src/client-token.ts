/**
 * Deterministic EC2 ClientTokens (internal): `kc-` and 40 hex digits of a SHA-256 over the parts
 * (43 ASCII characters, within EC2's 64). The same parts give the same token in every process, so
 * a create retried after a lost answer or a restart is answered with the first one's resource
 * instead of creating another (see docs/decisions/024).
 */
import { createHash } from 'node:crypto';

/** The token of the parts (joined by `/`): the cluster's ID, the resource's role, and what it is created with. */
export function clientToken(...parts: readonly string[]): string {
  return `kc-${createHash('sha256').update(parts.join('/')).digest('hex').slice(0, 40)}`;
}

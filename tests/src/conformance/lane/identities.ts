/**
 * Users other than the admin, for the conformance cases about authorization (../rbac.test.ts):
 * client certificates the server's CA signed, for `conformance-user-<n>` in group
 * `conformance-group-<n>`, bound to nothing. On the fake they are issued when a case asks; the
 * real server's global setup issues a pool of them once (a test file cannot reach the server's
 * CA), handed to the files with `provide`: each file takes its own part of the pool
 * (`FIRST_IDENTITY`), so no two files grant the same user.
 */
import type { KubeServer } from '@kubeception/testing';

/** A user's name, groups and client certificate (PEM). */
export interface ConformanceIdentity {
  readonly name: string;
  readonly groups: readonly string[];
  readonly certificate: string;
  readonly privateKey: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    conformanceIdentities: readonly ConformanceIdentity[];
  }
}

/** How many identities the real server's lane issues. */
export const IDENTITY_POOL = 40;

/**
 * The first identity of each file other than the RBAC file (which starts at 0), by the name it
 * gives `useTarget`: its own part of the pool, so that no two files running at once grant the same
 * user (what a ClusterRoleBinding grants shows in every namespace).
 */
export const FIRST_IDENTITY: Readonly<Record<string, number>> = { 'auth-reviews': 32 };

/** Issues identity `n`: user `conformance-user-<n>` in group `conformance-group-<n>`. */
export async function issueIdentity(server: Pick<KubeServer, 'issueClientCertificate'>, n: number): Promise<ConformanceIdentity> {
  const name = `conformance-user-${n}`;
  const groups = [`conformance-group-${n}`];
  return { name, groups, ...(await server.issueClientCertificate(name, groups)) };
}

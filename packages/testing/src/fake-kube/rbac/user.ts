/**
 * Who makes a request, as kube-apiserver's x509 authenticator reads a client certificate: the
 * common name is the user, each organization a group, every authenticated user is also in
 * `system:authenticated`, and the certificate's SHA-256 fingerprint is the credential id in the
 * user's `extra` (staging/src/k8s.io/apiserver/pkg/authentication/request/x509/x509.go, 1.32).
 * Writes carry their requester to the write checks (./escalation.ts).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** An authenticated user. */
export interface UserInfo {
  readonly name: string;
  readonly groups: readonly string[];
  /** What the authenticator adds (`authentication.kubernetes.io/credential-id` for a certificate). */
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** The `extra` key of the credential a request authenticated with (kubernetes/kubernetes#125634). */
export const CREDENTIAL_ID = 'authentication.kubernetes.io/credential-id';

/**
 * Who a request comes from when the server authenticates nobody: kube-apiserver's anonymous user,
 * which a server with `--anonymous-auth` and `--authorization-mode=AlwaysAllow` serves everything.
 */
export const ANONYMOUS: UserInfo = { name: 'system:anonymous', groups: ['system:unauthenticated'] };

/** The group whose members may do anything (kube-apiserver's privileged group). */
export const SYSTEM_MASTERS = 'system:masters';
/** The group of every authenticated user. */
export const SYSTEM_AUTHENTICATED = 'system:authenticated';

/** Whether `user` is a superuser: kube-apiserver allows `system:masters` everything, escalation included. */
export const isPrivileged = (user: UserInfo) => user.groups.includes(SYSTEM_MASTERS);

/** The user name of ServiceAccount `namespace/name`. */
export const serviceAccountUser = (namespace: string, name: string) => `system:serviceaccount:${namespace}:${name}`;

/**
 * The user of a request authenticated as `name` (`undefined`: the server authenticates nobody, the
 * request is anonymous): with a verified client certificate, its organizations are its groups and
 * its fingerprint the credential id.
 */
export function requestUser(req: IncomingMessage, name: string | undefined): UserInfo {
  if (name === undefined) return ANONYMOUS;
  const socket = req.socket as Partial<TLSSocket>;
  const certificate = socket.authorized === true ? socket.getPeerCertificate?.() : undefined;
  const organizations = certificate?.subject?.O as string | string[] | undefined;
  const groups = organizations === undefined ? [] : Array.isArray(organizations) ? organizations : [organizations];
  const user = { name, groups: [...groups, SYSTEM_AUTHENTICATED] };
  if (certificate?.raw === undefined) return user;
  return { ...user, extra: { [CREDENTIAL_ID]: [`X509SHA256=${createHash('sha256').update(certificate.raw).digest('hex')}`] } };
}

/**
 * Who makes a request, as kube-apiserver's x509 authenticator reads a client certificate: the
 * common name is the user, each organization a group, and every authenticated user is also in
 * `system:authenticated`. Writes carry their requester to the write checks (./escalation.ts).
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';

/** An authenticated user. */
export interface UserInfo {
  readonly name: string;
  readonly groups: readonly string[];
}

/** The group whose members may do anything (kube-apiserver's privileged group). */
export const SYSTEM_MASTERS = 'system:masters';
/** The group of every authenticated user. */
export const SYSTEM_AUTHENTICATED = 'system:authenticated';

/** Whether `user` is a superuser: kube-apiserver allows `system:masters` everything, escalation included. */
export const isPrivileged = (user: UserInfo) => user.groups.includes(SYSTEM_MASTERS);

/** The user name of ServiceAccount `namespace/name`. */
export const serviceAccountUser = (namespace: string, name: string) => `system:serviceaccount:${namespace}:${name}`;

/** The user of a request authenticated as `name`: with a verified client certificate, its organizations are its groups. */
export function requestUser(req: IncomingMessage, name: string): UserInfo {
  const socket = req.socket as Partial<TLSSocket>;
  const subject = socket.authorized === true ? socket.getPeerCertificate?.().subject : undefined;
  const organizations = subject?.O as string | string[] | undefined;
  const groups = organizations === undefined ? [] : Array.isArray(organizations) ? organizations : [organizations];
  return { name, groups: [...groups, SYSTEM_AUTHENTICATED] };
}

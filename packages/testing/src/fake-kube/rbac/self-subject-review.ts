/**
 * `SelfSubjectReview` (`kubectl auth whoami`): who the server takes the requester for, as
 * kube-apiserver answers it (pkg/registry/authentication/selfsubjectreview/rest.go): a review
 * created now whose `status.userInfo` carries the user's name, uid, groups and extra.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeObject, readBody, sendJson } from '../http-io.js';
import type { UserInfo } from './user.js';

/** The API group of the authentication reviews. */
export const AUTHENTICATION_GROUP = 'authentication.k8s.io';

/** `status.userInfo` of a review of `user` (Go leaves empty fields out). */
export function reviewedUser(user: UserInfo): Record<string, unknown> {
  const extra = user.extra ?? {};
  return {
    ...(user.name === '' ? {} : { username: user.name }),
    ...(user.groups.length === 0 ? {} : { groups: [...user.groups] }),
    ...(Object.keys(extra).length === 0 ? {} : { extra: Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, [...v]])) }),
  };
}

/** Answers a SelfSubjectReview of `user` (in API `version`); returns the status sent. */
export async function answerSelfSubjectReview(user: UserInfo, version: string, req: IncomingMessage, res: ServerResponse): Promise<number> {
  decodeObject(await readBody(req), req.headers['content-type'], 'SelfSubjectReview');
  const metadata = { creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
  sendJson(res, 201, { kind: 'SelfSubjectReview', apiVersion: `${AUTHENTICATION_GROUP}/${version}`, metadata, status: { userInfo: reviewedUser(user) } });
  return 201;
}

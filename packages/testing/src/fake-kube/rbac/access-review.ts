/**
 * `SelfSubjectAccessReview` (`kubectl auth can-i`): may the requesting user do what the review
 * describes? Answered from the same rules as requests are (pkg/registry/authorization/selfsubjectaccessreview/rest.go).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeObject, readBody, sendJson } from '../http-io.js';
import { ApiError, goQuote } from '../status.js';
import { isObject, type JsonObject } from '../types.js';
import type { RequestAttributes } from './request-info.js';
import type { Reviewer } from './reviewer.js';
import type { UserInfo } from './user.js';

/** The API group of the authorization reviews. */
export const AUTHORIZATION_GROUP = 'authorization.k8s.io';

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** What the review asks about, as request attributes of `user`; 422 unless it has exactly one of `resourceAttributes` and `nonResourceAttributes`. */
function reviewed(spec: JsonObject, user: RequestAttributes['user']): RequestAttributes {
  const resource = isObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const nonResource = isObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  if ((resource === undefined) === (nonResource === undefined)) {
    const field = resource === undefined ? 'spec.resourceAttributes' : 'spec.nonResourceAttributes';
    const message =
      resource === undefined
        ? 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified'
        : `Invalid value: authorization.NonResourceAttributes{Path:${goQuote(str(nonResource?.path))}, Verb:${goQuote(str(nonResource?.verb))}}: cannot be specified in combination with resourceAttributes`;
    // the decoded review has lost its kind: `.authorization.k8s.io "" is invalid`
    const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Invalid', code: 422 } as const;
    const cause = { reason: 'FieldValueInvalid', message, field };
    throw new ApiError({
      ...status,
      message: `.${AUTHORIZATION_GROUP} "" is invalid: ${field}: ${message}`,
      details: { group: AUTHORIZATION_GROUP, causes: [cause] },
    });
  }
  const r = resource ?? {};
  return {
    user,
    resourceRequest: resource !== undefined,
    verb: str((resource ?? nonResource)?.verb),
    path: str(nonResource?.path),
    apiGroup: str(r.group),
    apiVersion: str(r.version) || '*',
    namespace: str(r.namespace),
    resource: str(r.resource),
    subresource: str(r.subresource),
    name: str(r.name),
  };
}

/** Answers a SelfSubjectAccessReview of `user` (in API `version`): the review, with `status.allowed` (and the authorizer's `reason`). */
export async function answerAccessReview(reviewer: Reviewer, user: UserInfo, version: string, req: IncomingMessage, res: ServerResponse): Promise<number> {
  const body = decodeObject(await readBody(req), req.headers['content-type'], 'SelfSubjectAccessReview');
  const review = isObject(body) ? body : {};
  const spec = isObject(review.spec) ? review.spec : {};
  const decision = reviewer.decide(reviewed(spec, user));
  const status = decision.reason === '' ? { allowed: decision.allowed } : { allowed: decision.allowed, reason: decision.reason };
  sendJson(res, 201, { kind: 'SelfSubjectAccessReview', apiVersion: `${AUTHORIZATION_GROUP}/${version}`, metadata: { creationTimestamp: null }, spec, status });
  return 201;
}

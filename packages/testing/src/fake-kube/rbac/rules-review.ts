/**
 * `SelfSubjectRulesReview` (`kubectl auth can-i --list`): the rules the requesting user holds in a
 * namespace, as kube-apiserver answers it (pkg/registry/authorization/selfsubjectrulesreview/rest.go):
 * a fresh review whose spec is empty and whose status lists the authorizer's resource and
 * non-resource rules, `incomplete`, and the `evaluationError` met resolving them; 400 without a
 * namespace. The rules come in the order the bindings are stored (the real server's come in its
 * informer cache's order, which varies).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeObject, readBody, sendJson } from '../http-io.js';
import { badRequest } from '../status.js';
import { isObject } from '../types.js';
import { AUTHORIZATION_GROUP } from './access-review.js';
import type { Reviewer } from './reviewer.js';
import type { UserInfo } from './user.js';

/** Answers a SelfSubjectRulesReview of `user` (in API `version`); returns the status sent. */
export async function answerRulesReview(reviewer: Reviewer, user: UserInfo, version: string, req: IncomingMessage, res: ServerResponse): Promise<number> {
  const body = decodeObject(await readBody(req), req.headers['content-type'], 'SelfSubjectRulesReview');
  const spec = isObject(body.spec) ? body.spec : {};
  const namespace = typeof spec.namespace === 'string' ? spec.namespace : '';
  if (namespace === '') throw badRequest('no namespace on request');
  const status = reviewer.rulesFor(user, namespace);
  sendJson(res, 201, {
    kind: 'SelfSubjectRulesReview',
    apiVersion: `${AUTHORIZATION_GROUP}/${version}`,
    metadata: { creationTimestamp: null },
    spec: {},
    status,
  });
  return 201;
}

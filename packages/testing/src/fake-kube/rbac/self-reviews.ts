/**
 * The self reviews the fake serves, whatever its authorization: SelfSubjectAccessReview and
 * SelfSubjectRulesReview (`authorization.k8s.io/v1`) and SelfSubjectReview (`authentication.k8s.io/v1`
 * only, as current servers serve it by default: kubectl 1.27 asks for `v1beta1` and `v1alpha1`
 * and, as against such a server, says the API is not enabled). They are created and never
 * stored: the collection serves `POST` only (405 otherwise) and there is no item path (404), as in
 * kube-apiserver, whose registries for them implement `rest.Creater` alone.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceRoute } from '../router.js';
import { methodNotAllowed, pathNotFound } from '../status.js';
import { answerAccessReview, AUTHORIZATION_GROUP } from './access-review.js';
import type { Reviewer } from './reviewer.js';
import { answerRulesReview } from './rules-review.js';
import { answerSelfSubjectReview, AUTHENTICATION_GROUP } from './self-subject-review.js';
import type { UserInfo } from './user.js';

type Answer = (reviewer: Reviewer, user: UserInfo, version: string, req: IncomingMessage, res: ServerResponse) => Promise<number>;

/** Each self review, by `<group>/<plural>`. */
const REVIEWS: ReadonlyMap<string, Answer> = new Map<string, Answer>([
  [`${AUTHORIZATION_GROUP}/selfsubjectaccessreviews`, answerAccessReview],
  [`${AUTHORIZATION_GROUP}/selfsubjectrulesreviews`, answerRulesReview],
  [`${AUTHENTICATION_GROUP}/selfsubjectreviews`, (_, user, version, req, res) => answerSelfSubjectReview(user, version, req, res)],
]);

/** Whether a request is for a self review. */
export const isSelfReview = (r: ResourceRoute): boolean => REVIEWS.has(r.rt.key);

/** Answers a request for a self review of `user`, asking `reviewer`; returns the status sent. */
export function answerSelfReview(reviewer: Reviewer, user: UserInfo, r: ResourceRoute, req: IncomingMessage, res: ServerResponse): Promise<number> {
  const answer = REVIEWS.get(r.rt.key);
  if (answer === undefined || r.name !== undefined || r.subresource !== '') throw pathNotFound();
  if (req.method !== 'POST') throw methodNotAllowed();
  return answer(reviewer, user, r.version, req, res);
}

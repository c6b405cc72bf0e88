/**
 * RBAC authorization of the fake API server (`startFakeKube({ authorization: 'RBAC' })`), as
 * kube-apiserver with `--authorization-mode=RBAC` authorizes requests: each request of an
 * authenticated user is allowed only by a rule of a Role or ClusterRole bound to it (or to one of
 * its groups) by a RoleBinding or ClusterRoleBinding stored in the fake; `system:masters` may do
 * anything. A refused request is answered 403 Forbidden in kube-apiserver's words; writes of roles
 * and bindings pass its escalation check; the self reviews (./self-reviews.ts) ask it.
 *
 * Not modelled: aggregated ClusterRoles (`aggregationRule`: the rules are not gathered),
 * impersonation, `SubjectAccessReview`/`LocalSubjectAccessReview`, and the informer delay of the
 * real authorizer (a change of RBAC takes effect on the next request).
 */
import type { IncomingMessage } from 'node:http';
import type { KubeApi, WriteOptions } from '../kube-api.js';
import { authorize, requestForbidden } from './authorizer.js';
import { bootstrapPolicy } from './bootstrap-policy.js';
import { requestInfo } from './request-info.js';
import { rbacReviewer, type Reviewer } from './reviewer.js';
import { RBAC_GROUP } from './rule-resolver.js';
import { noteRequester } from './request-info.js';
import type { UserInfo } from './user.js';
import { rbacWriteCheck } from './write-checks.js';

/** The authorization step of serving a request. */
export interface Authorization {
  /** Authorizes a request of `user`: throws 403 Forbidden for one its rules do not allow. */
  authorize(req: IncomingMessage, url: URL, user: UserInfo): void;
  /** What the self reviews ask. */
  readonly reviewer: Reviewer;
}

const BOOTSTRAP: WriteOptions = { manager: 'kube-apiserver', dryRun: false, fieldValidation: 'Ignore', force: false, warnings: [] };

/** Creates the default roles and bindings `api` lacks (see ./bootstrap-policy.ts). */
function bootstrap(api: KubeApi): void {
  for (const object of bootstrapPolicy() as { kind: string; metadata: { name: string } }[]) {
    const rt = api.registry.findKind(RBAC_GROUP, object.kind);
    if (rt && !api.store.get(rt.key, '', object.metadata.name)) api.create(rt, 'v1', '', object, BOOTSTRAP);
  }
}

/** Turns on RBAC authorization for `api`: its default roles, its write checks, and the request step. */
export function rbacAuthorization(api: KubeApi): Authorization {
  bootstrap(api);
  api.writeCheck = rbacWriteCheck(api.store);
  return {
    authorize(req, url, user) {
      const request = { user, ...requestInfo(req.method ?? 'GET', url.pathname, url.searchParams) };
      const decision = authorize(api.store, request);
      if (!decision.allowed) throw requestForbidden(request, decision.reason);
      noteRequester(req, request);
    },
    reviewer: rbacReviewer(api.store),
  };
}

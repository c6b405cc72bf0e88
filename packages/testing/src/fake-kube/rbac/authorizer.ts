/**
 * kube-apiserver's authorization with `--authorization-mode=RBAC`: `system:masters` may do
 * anything, everyone else what a rule bound to them allows (plugin/pkg/auth/authorizer/rbac/rbac.go);
 * a refusal is a 403 worded as the apiserver's `responsewriters.Forbidden` words it.
 */
import type { ObjectStore } from '../object-store.js';
import { ApiError, goQuote } from '../status.js';
import type { Status } from '../types.js';
import { ruleAllows } from './policy-rule.js';
import type { RequestAttributes } from './request-info.js';
import { listerMissing, visitRulesFor } from './rule-resolver.js';
import { isPrivileged } from './user.js';

/** An authorizer's answer: allowed or not, and why (`''` when it has nothing to say). */
export interface Decision {
  readonly allowed: boolean;
  readonly reason: string;
}

/** Go's `utilerrors.NewAggregate(errs).Error()`: one message, or `[a, b]` without repeats. */
export function aggregate(errors: readonly string[]): string {
  const distinct = [...new Set(errors)];
  return distinct.length === 1 ? (distinct[0] as string) : distinct.length === 0 ? '' : `[${distinct.join(', ')}]`;
}

/** Whether the rules bound to the request's user allow it. */
export function authorize(store: ObjectStore, request: RequestAttributes): Decision {
  if (isPrivileged(request.user)) return { allowed: true, reason: '' };
  let allowedBy: string | undefined;
  const errors: string[] = [];
  visitRulesFor(store, request.user, request.namespace, listerMissing, (visit) => {
    if ('error' in visit) errors.push(visit.error);
    else if (ruleAllows(request, visit.rule)) allowedBy = visit.source;
    return allowedBy === undefined;
  });
  if (allowedBy !== undefined) return { allowed: true, reason: `RBAC: allowed by ${allowedBy}` };
  return { allowed: false, reason: errors.length > 0 ? `RBAC: ${aggregate(errors)}` : '' };
}

/** `apierrors.NewForbidden(groupResource, name, err)`: `<resource>.<group> "<name>" is forbidden: <err>` (without a resource: `forbidden: <err>`). */
export function forbiddenError(group: string, resource: string, name: string, message: string): ApiError {
  const qualified = group === '' ? resource : `${resource}.${group}`;
  const details: NonNullable<Status['details']> = {};
  if (name !== '') details.name = name;
  if (group !== '') details.group = group;
  if (resource !== '') details.kind = resource;
  const text =
    qualified === ''
      ? `forbidden: ${message}`
      : name === ''
        ? `${qualified} is forbidden: ${message}`
        : `${qualified} ${goQuote(name)} is forbidden: ${message}`;
  return new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: text, reason: 'Forbidden', details, code: 403 });
}

/** The apiserver escapes `&`, `<` and `>` in what it says about the request (responsewriters/errors.go). */
const sanitize = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `User "u" cannot get resource "pods/log" in API group "" in the namespace "ns"` (or `… at the cluster scope`, or `… path "/x"`). */
function forbiddenMessage(request: RequestAttributes): string {
  const who = `User ${goQuote(request.user.name)} cannot ${request.verb}`;
  if (!request.resourceRequest) return `${who} path ${goQuote(request.path)}`;
  const resource = request.subresource === '' ? request.resource : `${request.resource}/${request.subresource}`;
  const where = request.namespace === '' ? 'at the cluster scope' : `in the namespace ${goQuote(request.namespace)}`;
  return `${who} resource ${goQuote(resource)} in API group ${goQuote(request.apiGroup)} ${where}`;
}

/** The 403 Forbidden a refused request is answered with. */
export function requestForbidden(request: RequestAttributes, reason: string): ApiError {
  const message = sanitize(forbiddenMessage(request));
  return forbiddenError(request.apiGroup, request.resource, request.name, reason === '' ? message : `${message}: ${reason}`);
}

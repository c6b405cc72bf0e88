/**
 * IAM on the fake EC2, for tests: an SDK middleware that decides every call of an `EC2Client`
 * with a policy (see `iam-policy.ts`, `ec2-authorization.ts`) against the fake's state before it
 * is sent, and answers a denied call as EC2 does (`UnauthorizedOperation`, HTTP 403). The fake
 * itself checks no IAM.
 */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { FakeEc2 } from '@kubeception/testing';
import { authorizationsOf } from './ec2-authorization.js';
import { decide, type AuthorizationRequest, type PolicyDocument } from './iam-policy.js';

/** A call the policy refused, with the requests that were not allowed. */
export interface Denial {
  readonly action: string;
  readonly denied: readonly AuthorizationRequest[];
}

/** What an enforcement saw. */
export interface Enforcement {
  /** Calls refused (or not modelled), in order. */
  readonly denials: Denial[];
  /** Every authorization request allowed, in order. */
  readonly allowed: AuthorizationRequest[];
}

/** Enforces `policy` on `client` (in place) against `fakeEc2`'s state; returns what it decides. */
export function enforcePolicy(
  client: EC2Client,
  policy: PolicyDocument,
  fakeEc2: FakeEc2,
  enforcement: Enforcement = { denials: [], allowed: [] },
): Enforcement {
  const tagsOf = (id: string) => fakeEc2.state.resources({ includeTerminated: true }).find((r) => r.id === id)?.tags;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const action = context.commandName?.replace(/Command$/, '') ?? 'Unknown';
      const region = await client.config.region();
      let requests: AuthorizationRequest[];
      try {
        requests = authorizationsOf({ action, region, input: args.input as Record<string, unknown> }, fakeEc2.accountId, tagsOf);
      } catch (e) {
        enforcement.denials.push({ action, denied: [{ action: `ec2:${action}`, resource: (e as Error).message, context: {} }] });
        throw unauthorized(action);
      }
      const denied = requests.filter((r) => decide(policy, r) !== 'Allow');
      if (denied.length > 0) {
        enforcement.denials.push({ action, denied });
        throw unauthorized(action);
      }
      enforcement.allowed.push(...requests);
      return next(args);
    },
    { step: 'initialize', name: 'iamPolicyEnforcement' },
  );
  return enforcement;
}

/** EC2's answer to a call IAM refuses, as the SDK throws it. */
function unauthorized(action: string): Error {
  return Object.assign(new Error(`You are not authorized to perform this operation. (ec2:${action})`), {
    name: 'UnauthorizedOperation',
    $fault: 'client',
    $metadata: { httpStatusCode: 403 },
  });
}

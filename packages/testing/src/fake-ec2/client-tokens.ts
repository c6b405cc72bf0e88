/**
 * ClientToken idempotency for the create actions that take one (`CreateRouteTable`), as EC2 does
 * it (internal): a token is a case-sensitive string of at most 64 ASCII characters, scoped to the
 * account and region; the same token with the same parameters answers the first request's result
 * again and creates nothing (even while Describe does not show the resource yet, and after it was
 * deleted: the original answer); the same token with other parameters (or on another action) is
 * `IdempotentParameterMismatch`. Tokens never expire here (EC2 keeps them at least 24 hours).
 * RunInstances keeps its own records (`run-instances.ts`: reservations, terminated instances).
 */
import type { Action, ActionContext } from './context.js';
import { Ec2Error, invalidValue } from './errors.js';
import type { Params } from './params.js';
import type { XmlObject } from './xml.js';

/** EC2's wording of `IdempotentParameterMismatch`. */
export const MISMATCH = 'Arguments on this idempotent request are inconsistent with arguments used in previous request(s).';

/** The request's parameters but the token and the protocol's own (`Action` is kept: a token used by another action mismatches). */
export function fingerprint(params: Params): string {
  return JSON.stringify(params.entries().filter(([k]) => k !== 'ClientToken' && k !== 'Version'));
}

/** The request's `ClientToken`, checked (at most 64 ASCII characters), or `undefined`. */
export function clientToken(ctx: ActionContext): string | undefined {
  const token = ctx.params.get('ClientToken');
  if (token !== undefined && (token.length > 64 || !/^[\x20-\x7e]*$/.test(token))) throw invalidValue('The client token must be 64 ASCII characters or fewer');
  return token;
}

/** `create` made idempotent by `ClientToken`: the answer (with `clientToken`) is kept per token, and answered again to the same request. */
export function idempotent(create: Action): Action {
  return (ctx) => {
    const token = clientToken(ctx);
    if (token === undefined) return create(ctx);
    const previous = ctx.region.createTokens.get(token);
    if (previous) {
      if (previous.fingerprint !== fingerprint(ctx.params)) throw new Ec2Error('IdempotentParameterMismatch', MISMATCH);
      return previous.answer;
    }
    const answer: XmlObject = { ...create(ctx), clientToken: token };
    ctx.region.createTokens.set(token, { fingerprint: fingerprint(ctx.params), answer });
    return answer;
  };
}

/**
 * A small IAM policy evaluator for the tests of `deploy/iam-policy.json`: identity-based
 * statements (`Allow`/`Deny`, `Action`, `Resource`, `Condition`) decided the way IAM decides them
 * for one action on one resource — an explicit deny wins, then any matching allow, else the
 * implicit deny. It knows the condition operators the policy uses (`String*`, their
 * `ForAllValues:`/`ForAnyValue:` forms, `Null`) and refuses any other, so the policy cannot grow
 * a condition the tests would silently treat as true or false.
 */
import { readFileSync } from 'node:fs';

/** One statement of an identity-based policy. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  /** Operator → condition key → value(s). */
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: string;
  readonly Statement: readonly PolicyStatement[];
}

/** Values of the request context: `aws:ResourceTag/<key>`, `aws:RequestTag/<key>`, `aws:TagKeys`, `ec2:CreateAction`, … */
export type RequestContext = Readonly<Record<string, string | readonly string[] | undefined>>;

/** What IAM is asked: may `action` be used on `resource` (an ARN, or `*`) in this context? */
export interface AuthorizationRequest {
  /** `ec2:<Action>`. */
  readonly action: string;
  readonly resource: string;
  readonly context: RequestContext;
}

/**
 * The decision on one request.
 * @inline
 */
export type Decision = 'Allow' | 'ImplicitDeny' | 'ExplicitDeny';

/** The aws-operator's policy, `deploy/iam-policy.json`. */
export function loadPolicy(): PolicyDocument {
  return JSON.parse(readFileSync(new URL('../deploy/iam-policy.json', import.meta.url), 'utf8')) as PolicyDocument;
}

/** A policy field or context value as a list (`"a"` → `["a"]`). */
export const list = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);

/** IAM's wildcards: `*` any run of characters, `?` one character. */
export function like(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\/]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** Context key names are case-insensitive, and EC2 accepts `ec2:ResourceTag/…` for `aws:ResourceTag/…`. */
function contextValue(context: RequestContext, key: string): readonly string[] | undefined {
  const wanted = key.replace(/^ec2:ResourceTag\//i, 'aws:ResourceTag/').toLowerCase();
  const found = Object.entries(context).find(([k]) => k.toLowerCase() === wanted);
  return found?.[1] === undefined ? undefined : list(found[1]);
}

const MATCHERS: Readonly<Record<string, (policy: string, value: string) => boolean>> = {
  StringEquals: (p, v) => p === v,
  StringLike: (p, v) => like(p, v),
  StringEqualsIgnoreCase: (p, v) => p.toLowerCase() === v.toLowerCase(),
};
const NEGATED: Readonly<Record<string, string>> = {
  StringNotEquals: 'StringEquals',
  StringNotLike: 'StringLike',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
};

/** Whether one `operator: { key: values }` entry holds. */
function holds(operator: string, key: string, wanted: readonly string[], context: RequestContext): boolean {
  const values = contextValue(context, key);
  if (operator === 'Null') return wanted.every((w) => (w === 'true') === (values === undefined || values.length === 0));
  const [set, base = ''] = operator.includes(':') ? operator.split(':', 2) : [undefined, operator];
  const positive = NEGATED[base] ?? base;
  const match = MATCHERS[positive];
  if (!match || (set !== undefined && set !== 'ForAllValues' && set !== 'ForAnyValue'))
    throw new Error(`condition operator ${operator} is not modelled by the tests' evaluator`);
  const one = (v: string) => wanted.some((w) => match(w, v)) !== (positive !== base);
  if (set === 'ForAllValues') return (values ?? []).every(one);
  if (set === 'ForAnyValue') return (values ?? []).some(one);
  if (values === undefined) return positive !== base; // a missing key: only negated operators hold
  if (values.length !== 1) throw new Error(`${key} has several values: ${operator} needs ForAllValues: or ForAnyValue:`);
  return one(values[0] ?? '');
}

/** Whether `statement` applies to `request` (its effect aside). */
export function applies(statement: PolicyStatement, request: AuthorizationRequest): boolean {
  if (!list(statement.Action).some((a) => like(a, request.action, true))) return false;
  if (!list(statement.Resource).some((r) => like(r, request.resource))) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, wanted]) => holds(operator, key, list(wanted), request.context)),
  );
}

/** IAM's decision on one request under one identity-based policy. */
export function decide(policy: PolicyDocument, request: AuthorizationRequest): Decision {
  const matching = policy.Statement.filter((s) => applies(s, request));
  if (matching.some((s) => s.Effect === 'Deny')) return 'ExplicitDeny';
  return matching.some((s) => s.Effect === 'Allow') ? 'Allow' : 'ImplicitDeny';
}

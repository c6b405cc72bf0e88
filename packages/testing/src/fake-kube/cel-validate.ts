/**
 * Evaluation of `x-kubernetes-validations` at admission, as kube-apiserver's CEL validator does
 * it (internal). CEL comes from `@marcbachmann/cel-js`; this module only walks the object.
 *
 * - A rule runs at the node it is attached to, with `self` that node's value; nodes whose value is
 *   absent or null are skipped.
 * - Transition rules (those naming `oldSelf`) run only on updates, and only where an old value
 *   exists at the same place: properties and map values by key, items of
 *   `x-kubernetes-list-type: map` lists by their map keys. Items of other lists have no old value
 *   (and the CRD is refused if such a rule sits under them). With `optionalOldSelf: true` the
 *   rule also runs without an old value, `oldSelf` being an optional.
 * - A false rule is a cause at the node's path (plus `fieldPath`; the root is `<nil>`): `FieldValueInvalid`,
 *   `Invalid value: "<schema type>": <message>` (or Forbidden, Required, Duplicate per `reason`).
 *   The message is `messageExpression`'s value when it evaluates to a non-empty one-line string,
 *   else `message`, else `failed rule: <rule>`. An evaluation error is `<error> evaluating rule:
 *   <message or rule>`.
 * - Ratcheting (kube ≥ 1.30): on updates, a failing rule that does not name `oldSelf`, on a value
 *   equal to its old value (or under an unchanged list whose items cannot be matched), is a
 *   warning instead of an error.
 * - Rules are not evaluated when the schema found a type, required, enum or size error; the
 *   request then gets the cause `<nil>: Invalid value: "null": some validation rules were not
 *   checked because the object was invalid; correct the existing errors to complete validation`.
 *
 * Not modelled: the runtime cost budget, JS regular expressions stand in for RE2 (patterns RE2
 * refuses, like look-arounds, are accepted), Kubernetes' CEL libraries (`quantity`, `url`, `ip`,
 * `cidr`, `lists`, `sets`, regex `find`, `format`, `authz`) and the strings functions `charAt`,
 * `replace`, `format` are not declared: a rule using them fails to compile.
 */
import { Optional } from '@marcbachmann/cel-js';
import type { CompiledRule, RuleNode } from './cel-rules.js';
import { toCel } from './cel-types.js';
import { deepEqual, isObject, type JsonObject, type StatusCause } from './types.js';

/** What the rules say about an object: causes for a 422, and warnings for the response. */
export interface RuleOutcome {
  readonly errors: StatusCause[];
  readonly warnings: string[];
}

/** The cause kube adds when schema errors kept the rules from running. */
export const RULES_NOT_CHECKED: StatusCause = {
  reason: 'FieldValueInvalid',
  field: '<nil>',
  message: 'Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
};

/** Schema errors after which kube does not evaluate rules. */
const BLOCKING = new Set(['FieldValueNotSupported', 'FieldValueRequired', 'FieldValueTooLong', 'FieldValueTooMany', 'FieldValueTypeInvalid']);

/** Whether the schema errors keep the rules from running. */
export const blocksRules = (errs: readonly StatusCause[]): boolean => errs.some((e) => BLOCKING.has(e.reason ?? ''));

/** Evaluates the rules of `tree` on `obj`, with `old` the stored object on updates. */
export function evaluateRules(tree: RuleNode, obj: JsonObject, old: JsonObject | undefined): RuleOutcome {
  const out: RuleOutcome = { errors: [], warnings: [] };
  walk(tree, obj, old, '', old !== undefined && deepEqual(obj, old), out);
  return out;
}

const child = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

function walk(node: RuleNode, value: unknown, old: unknown, path: string, unchanged: boolean, out: RuleOutcome): void {
  if (value === undefined || value === null) return;
  if (node.rules.length > 0) runRules(node, value, old, path, unchanged, out);
  // a child's old value, when it has one, decides whether it is unchanged; else its parent does
  const next = (sub: RuleNode, v: unknown, o: unknown, p: string) => walk(sub, v, o, p, o === undefined ? unchanged : deepEqual(v, o), out);
  if (Array.isArray(value)) {
    if (!node.items) return;
    const olds = Array.isArray(old) ? old : [];
    const keys = node.mapKeys;
    const key = (item: unknown) => (keys && isObject(item) ? JSON.stringify(keys.map((k) => item[k])) : undefined);
    const byKey = new Map(keys ? olds.map((o) => [key(o), o] as const) : []);
    value.forEach((item, i) => next(node.items as RuleNode, item, keys ? byKey.get(key(item)) : undefined, `${path}[${i}]`));
    return;
  }
  if (!isObject(value)) return;
  const oldObj = isObject(old) ? old : {};
  if (node.additionalProperties) for (const [k, v] of Object.entries(value)) next(node.additionalProperties, v, oldObj[k], `${path}[${k}]`);
  for (const [k, v] of Object.entries(value)) {
    const sub = node.properties.get(k);
    if (sub) next(sub, v, oldObj[k], child(path, k));
  }
}

function runRules(node: RuleNode, value: unknown, old: unknown, path: string, unchanged: boolean, out: RuleOutcome): void {
  const decl = node.decl;
  if (!decl) return;
  const self = toCel(value, decl);
  const oldSelf = old === undefined || old === null ? undefined : toCel(old, decl);
  for (const rule of node.rules) {
    if (!rule.program) continue;
    if (rule.transition && oldSelf === undefined && !rule.optionalOldSelf) continue;
    const context = { self, oldSelf: rule.optionalOldSelf ? (oldSelf === undefined ? Optional.none() : Optional.of(oldSelf)) : oldSelf };
    const cause = check(node, rule, context, path);
    if (cause === undefined) continue;
    if (!rule.transition && unchanged) out.warnings.push(`${cause.field}: ${cause.message}`);
    else out.errors.push(cause);
  }
}

function check(node: RuleNode, rule: CompiledRule, context: Record<string, unknown>, path: string): StatusCause | undefined {
  const at = withFieldPath(path, rule.fieldPath);
  const type = JSON.stringify(node.type);
  let result: unknown;
  try {
    result = rule.program?.(context);
  } catch (e) {
    const error = errorText(e);
    const detail = error.startsWith('no such overload')
      ? `'${error}': call arguments did not match a supported operator, function or macro signature for rule: ${ruleText(rule)}`
      : `${error} evaluating rule: ${ruleText(rule)}`;
    return { reason: 'FieldValueInvalid', field: withFieldPath(path, ''), message: `Invalid value: ${type}: ${detail}` };
  }
  if (result === true) return undefined;
  const detail = evaluatedMessage(rule, context) ?? defaultMessage(rule);
  switch (rule.rule.reason) {
    case 'FieldValueForbidden':
      return { reason: 'FieldValueForbidden', field: at, message: `Forbidden: ${detail}` };
    case 'FieldValueRequired':
      return { reason: 'FieldValueRequired', field: at, message: `Required value: ${detail}` };
    case 'FieldValueDuplicate':
      return { reason: 'FieldValueDuplicate', field: at, message: `Duplicate value: ${type}` };
    default:
      return { reason: 'FieldValueInvalid', field: at, message: `Invalid value: ${type}: ${detail}` };
  }
}

/** The error's field: the node's path and the rule's `fieldPath`; kube's nil root path prints as `<nil>`. */
function withFieldPath(path: string, suffix: string): string {
  if (suffix === '') return path === '' ? '<nil>' : path;
  return path === '' && suffix.startsWith('.') ? suffix.slice(1) : `${path}${suffix}`;
}

/** `messageExpression`'s value, when it is a usable message (kube falls back otherwise). */
function evaluatedMessage(rule: CompiledRule, context: Record<string, unknown>): string | undefined {
  if (!rule.messageProgram) return undefined;
  try {
    const m: unknown = rule.messageProgram(context);
    if (typeof m !== 'string') return undefined;
    const trimmed = m.trim();
    return trimmed === '' || /\n/.test(trimmed) || trimmed.length > 5000 ? undefined : trimmed;
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** What kube calls a rule in messages: its message, or else its text. */
const ruleText = (rule: CompiledRule): string => str(rule.rule.message).trim() || str(rule.rule.rule).trim();

const defaultMessage = (rule: CompiledRule): string => str(rule.rule.message).trim() || `failed rule: ${str(rule.rule.rule).trim()}`;

/** The first line of a CEL error, worded like cel-go's (lower case). */
function errorText(e: unknown): string {
  const summary = isObject(e) && typeof e.summary === 'string' ? e.summary : e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e);
  return summary.charAt(0).toLowerCase() + summary.slice(1);
}

/**
 * Compilation of a schema's `x-kubernetes-validations` rules, and the errors a CRD with bad rules
 * gets at creation (internal). Rules are type-checked against the CEL types of the schema
 * (`cel-types.ts`) with `self` and `oldSelf` declared, as kube-apiserver compiles them; a rule
 * referencing `oldSelf` is a transition rule.
 *
 * CRD errors, worded like kube-apiserver's (`spec.versions[i].schema.openAPIV3Schema...`):
 * empty rule, empty or multi-line message, multi-line rule without message, empty
 * messageExpression, unsupported reason, invalid fieldPath, `compilation failed: ERROR:
 * <input>:L:C: …` (syntax, undefined fields and variables, wrong operand types), `cel expression
 * must evaluate to a bool`, a constant `matches` pattern that does not compile, messageExpression
 * that does not compile or is not a string, and `oldSelf` under the items of a list that is not
 * `x-kubernetes-list-type: map` (uncorrelatable).
 *
 * Not modelled: cost estimation (no rule is refused as too expensive), rules in `allOf`/`anyOf`,
 * rules on nodes CEL cannot type (refused by kube), the exact wording of cel-go's compile errors
 * (the library's message follows the position), the environment versions kube keeps for rules
 * already stored.
 */
import { serialize, type ASTNode, type Environment, type ParseResult } from '@marcbachmann/cel-js';
import { schemaTypes, type Decl, type SchemaTypes } from './cel-types.js';
import { isObject, type JsonObject, type StatusCause } from './types.js';

/** One compiled rule of a schema node. */
export interface CompiledRule {
  readonly rule: JsonObject;
  readonly program?: ParseResult;
  readonly messageProgram?: ParseResult;
  /** The rule references `oldSelf`: it runs on updates where an old value exists. */
  readonly transition: boolean;
  readonly optionalOldSelf: boolean;
  /** `fieldPath` as a suffix of the error's field (`.network`, `[key]`), '' when unset. */
  readonly fieldPath: string;
  /** Compile errors, given the schema's path in the CRD. */
  readonly errors: readonly ((at: string) => StatusCause)[];
}

/** The validation tree of a schema: the nodes with rules, and the way to them. */
export interface RuleNode {
  readonly type: string;
  readonly decl: Decl | undefined;
  readonly rules: readonly CompiledRule[];
  readonly properties: ReadonlyMap<string, RuleNode>;
  readonly items?: RuleNode;
  readonly additionalProperties?: RuleNode;
  /** `x-kubernetes-list-map-keys` of a map-list: how old items are found. */
  readonly mapKeys?: readonly string[];
}

const REASONS = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const NEWLINES = /[\n\r]+/;

const compiled = new WeakMap<JsonObject, RuleNode | null>();
const byText = new Map<string, RuleNode | null>();

/** The validation tree of a CRD version's schema (cached), undefined when it has no rules. */
export function ruleTree(schema: JsonObject): RuleNode | undefined {
  let tree = compiled.get(schema);
  if (tree === undefined) {
    // the same CRDs are installed in many servers of a test run: compile each text once
    const text = JSON.stringify(schema);
    tree = byText.get(text) ?? (hasRules(schema) ? (build(schema, schemaTypes(schema), '') ?? null) : null);
    if (byText.size > 50) byText.delete(byText.keys().next().value as string);
    byText.set(text, tree);
    compiled.set(schema, tree);
  }
  return tree ?? undefined;
}

/** Errors of the rules in a CRD version's schema; `at` is the schema's path in the CRD. */
export function ruleErrors(schema: JsonObject, at: string): StatusCause[] {
  const tree = ruleTree(schema);
  const errs: StatusCause[] = [];
  const walk = (node: JsonObject, tree: RuleNode | undefined, path: string) => {
    const rules = validationsOf(node);
    const local = rules.flatMap((r, i) => ruleShapeErrors(node, r, `${path}.x-kubernetes-validations[${i}]`));
    errs.push(...local);
    if (local.length === 0 && tree) for (const c of tree.rules) errs.push(...c.errors.map((e) => e(at)));
    for (const [k, sub] of Object.entries(isObject(node.properties) ? node.properties : {}))
      if (isObject(sub)) walk(sub, tree?.properties.get(k), `${path}.properties[${k}]`);
    if (isObject(node.items)) walk(node.items, tree?.items, `${path}.items`);
    if (isObject(node.additionalProperties)) walk(node.additionalProperties, tree?.additionalProperties, `${path}.additionalProperties`);
  };
  walk(schema, tree, at);
  return errs;
}

function hasRules(node: JsonObject): boolean {
  if (validationsOf(node).length > 0) return true;
  const subs = [...Object.values(isObject(node.properties) ? node.properties : {}), node.items, node.additionalProperties];
  return subs.some((s) => isObject(s) && hasRules(s));
}

const validationsOf = (node: JsonObject): JsonObject[] =>
  Array.isArray(node['x-kubernetes-validations']) ? node['x-kubernetes-validations'].filter(isObject) : [];

/**
 * `path` is relative to the schema root; `uncorrelatable` is the first list items on the way
 * (relative too) that old values cannot be matched in.
 */
function build(node: JsonObject, types: SchemaTypes, path: string, uncorrelatable?: string): RuleNode | undefined {
  if (!hasRules(node)) return undefined;
  const decl = types.declOf(node);
  const rules = validationsOf(node).map((rule, i) => compileRule(rule, node, decl, types.env, `${path}.x-kubernetes-validations[${i}]`, uncorrelatable));
  const properties = new Map<string, RuleNode>();
  for (const [k, sub] of Object.entries(isObject(node.properties) ? node.properties : {})) {
    const child = isObject(sub) ? build(sub, types, `${path}.properties[${k}]`, uncorrelatable) : undefined;
    if (child) properties.set(k, child);
  }
  const mapKeys =
    node['x-kubernetes-list-type'] === 'map' && Array.isArray(node['x-kubernetes-list-map-keys'])
      ? (node['x-kubernetes-list-map-keys'] as string[])
      : undefined;
  const itemsPath = `${path}.items`;
  const items = isObject(node.items) ? build(node.items, types, itemsPath, uncorrelatable ?? (mapKeys ? undefined : itemsPath)) : undefined;
  const additional = isObject(node.additionalProperties) ? build(node.additionalProperties, types, `${path}.additionalProperties`, uncorrelatable) : undefined;
  return {
    type: str(node.type),
    decl,
    rules,
    properties,
    ...(items ? { items } : {}),
    ...(additional ? { additionalProperties: additional } : {}),
    ...(mapKeys ? { mapKeys } : {}),
  };
}

function compileRule(
  rule: JsonObject,
  node: JsonObject,
  decl: Decl | undefined,
  base: Environment,
  at: string,
  uncorrelatable: string | undefined,
): CompiledRule {
  const optionalOldSelf = rule.optionalOldSelf === true;
  const fieldPath = str(rule.fieldPath).trim() === '' ? '' : (normalizeFieldPath(str(rule.fieldPath), node) ?? '');
  const none = { rule, transition: false, optionalOldSelf, fieldPath };
  const text = str(rule.rule);
  if (text.trim() === '' || decl === undefined) return { ...none, errors: [] };
  const env = base
    .clone()
    .registerVariable('self', decl.type)
    .registerVariable('oldSelf', optionalOldSelf ? `optional<${decl.type}>` : decl.type);
  const invalidRule =
    (field: string, detail: string) =>
    (root: string): StatusCause => ({ reason: 'FieldValueInvalid', field: `${root}${at}.${field}`, message: `Invalid value: ${goRule(rule)}: ${detail}` });
  const checked = env.check(text);
  if (!checked.valid) return { ...none, errors: [invalidRule('rule', `compilation failed: ${celIssue(text, checked.error)}`)] };
  if (checked.type !== 'bool') return { ...none, errors: [invalidRule('rule', 'cel expression must evaluate to a bool')] };
  const program = env.parse(text);
  const hasError = undefinedHasField(program.ast, env);
  if (hasError) return { ...none, errors: [invalidRule('rule', `compilation failed: ${celIssue(text, hasError)}`)] };
  const transition = references(program.ast, 'oldSelf');
  const errors: ((root: string) => StatusCause)[] = [];
  const badPattern = regexErrors(program.ast);
  if (badPattern) errors.push(invalidRule('rule', `program instantiation failed: error parsing regexp: ${badPattern}`));
  if (transition && uncorrelatable !== undefined) {
    errors.push((root) => ({
      reason: 'FieldValueInvalid',
      field: `${root}${at}.rule`,
      message: `Invalid value: ${JSON.stringify(text)}: oldSelf cannot be used on the uncorrelatable portion of the schema within ${root}${uncorrelatable}`,
    }));
  }
  let messageProgram: ParseResult | undefined;
  const messageExpression = str(rule.messageExpression);
  if (messageExpression.trim() !== '') {
    const m = env.check(messageExpression);
    if (!m.valid) errors.push(invalidRule('messageExpression', `messageExpression compilation failed: ${celIssue(messageExpression, m.error)}`));
    else if (m.type !== 'string') errors.push(invalidRule('messageExpression', 'messageExpression must evaluate to a string'));
    else messageProgram = env.parse(messageExpression);
  }
  return { rule, program, transition, optionalOldSelf, fieldPath, errors, ...(messageProgram ? { messageProgram } : {}) };
}

/** The checks kube makes on a rule before compiling it. */
function ruleShapeErrors(node: JsonObject, rule: JsonObject, at: string): StatusCause[] {
  const errs: StatusCause[] = [];
  const text = str(rule.rule).trim();
  const message = str(rule.message);
  if (text === '') errs.push({ reason: 'FieldValueRequired', field: `${at}.rule`, message: 'Required value: rule is not specified' });
  else if (message !== '' && message.trim() === '')
    errs.push({
      reason: 'FieldValueInvalid',
      field: `${at}.message`,
      message: `Invalid value: ${JSON.stringify(message)}: message must be non-empty if specified`,
    });
  else if (NEWLINES.test(message.trim()))
    errs.push({
      reason: 'FieldValueInvalid',
      field: `${at}.message`,
      message: `Invalid value: ${JSON.stringify(message)}: message must not contain line breaks`,
    });
  else if (NEWLINES.test(text) && message.trim() === '')
    errs.push({ reason: 'FieldValueRequired', field: `${at}.message`, message: 'Required value: message must be specified if rule contains line breaks' });
  const messageExpression = str(rule.messageExpression);
  if (messageExpression !== '' && messageExpression.trim() === '')
    errs.push({ reason: 'FieldValueRequired', field: `${at}.messageExpression`, message: 'Required value: messageExpression must be non-empty if specified' });
  if (rule.reason !== undefined && !REASONS.includes(str(rule.reason))) {
    errs.push({
      reason: 'FieldValueNotSupported',
      field: `${at}.reason`,
      message: `Unsupported value: ${JSON.stringify(rule.reason)}: supported values: ${REASONS.map((r) => JSON.stringify(r)).join(', ')}`,
    });
  }
  const fieldPath = str(rule.fieldPath);
  if (fieldPath !== '' && fieldPath.trim() === '')
    errs.push({
      reason: 'FieldValueInvalid',
      field: `${at}.fieldPath`,
      message: `Invalid value: ${JSON.stringify(fieldPath)}: fieldPath must be non-empty if specified`,
    });
  else if (fieldPath !== '' && normalizeFieldPath(fieldPath, node) === undefined) {
    errs.push({
      reason: 'FieldValueInvalid',
      field: `${at}.fieldPath`,
      message: `Invalid value: ${JSON.stringify(fieldPath)}: fieldPath must be a valid path: does not refer to a valid field`,
    });
  }
  return errs;
}

const FIELD_PATH_STEP = /^(?:\.([^.[\]]+)|\['((?:[^'\\]|\\.)*)'\])/;

/** A rule's `fieldPath` (`.a.b`, `.m['key']`) as a field path suffix, undefined when invalid for the schema. */
function normalizeFieldPath(fieldPath: string, node: JsonObject): string | undefined {
  let rest = fieldPath.trim();
  let schema: unknown = node;
  let out = '';
  while (rest !== '') {
    const m = FIELD_PATH_STEP.exec(rest);
    if (!m || !isObject(schema)) return undefined;
    const name = m[1] ?? (m[2] ?? '').replace(/\\(.)/g, '$1');
    rest = rest.slice(m[0].length);
    if (isObject(schema.properties)) {
      schema = schema.properties[name];
      if (schema === undefined) return undefined;
      out += `.${name}`;
    } else if (isObject(schema.additionalProperties)) {
      schema = schema.additionalProperties;
      out += `[${name}]`;
    } else return undefined;
  }
  return out;
}

/** Whether the expression names the variable `name`. */
function references(ast: unknown, name: string): boolean {
  if (Array.isArray(ast)) return ast.some((a) => references(a, name));
  if (!isObject(ast)) return false;
  if (ast.op === 'id' && ast.args === name) return true;
  return references(ast.args, name);
}

/**
 * `has(x.f)` on a field `x`'s type does not declare: the library's checker lets it through, cel-go
 * says `undefined field`. Each `has` argument is checked on its own (arguments naming macro
 * variables cannot be, and are skipped).
 */
function undefinedHasField(ast: unknown, env: Environment): { summary: string; message: string; range: { start: number } } | undefined {
  if (Array.isArray(ast)) {
    for (const a of ast) {
      const e = undefinedHasField(a, env);
      if (e) return e;
    }
    return undefined;
  }
  if (!isObject(ast)) return undefined;
  const args = ast.args;
  if (ast.op === 'call' && Array.isArray(args) && args[0] === 'has' && Array.isArray(args[1]) && isObject(args[1][0]) && args[1][0].op === '.') {
    const arg = args[1][0];
    const checked = env.check(serialize(arg as unknown as ASTNode));
    const summary = checked.error?.summary ?? '';
    if (summary.startsWith('No such key')) return { summary, message: summary, range: { start: typeof arg.pos === 'number' ? arg.pos : 0 } };
  }
  return undefinedHasField(args, env);
}

/** The error of the first constant `matches` pattern that does not compile. */
function regexErrors(ast: unknown): string | undefined {
  if (Array.isArray(ast)) {
    for (const a of ast) {
      const e = regexErrors(a);
      if (e) return e;
    }
    return undefined;
  }
  if (!isObject(ast)) return undefined;
  const args = ast.args;
  if (ast.op === 'rcall' && Array.isArray(args) && args[0] === 'matches' && Array.isArray(args[2]) && isObject(args[2][0]) && args[2][0].op === 'value') {
    const pattern = args[2][0].args;
    if (typeof pattern === 'string') {
      try {
        new RegExp(pattern, 'u');
      } catch (e) {
        return (e as Error).message;
      }
    }
  }
  return regexErrors(args);
}

/** A CEL compile issue in cel-go's layout: `ERROR: <input>:1:6: … \n | source\n | .....^`. */
function celIssue(text: string, error: { summary?: string; message: string; range?: { start: number } } | undefined): string {
  const at = error?.range?.start ?? 0;
  const before = text.slice(0, at).split('\n');
  const line = before.length;
  const column = (before.at(-1) ?? '').length;
  const source = text.split('\n')[line - 1] ?? '';
  const summary = error?.summary ?? error?.message.split('\n')[0] ?? 'invalid expression';
  return `ERROR: <input>:${line}:${column + 1}: ${summary}\n | ${source}\n | ${'.'.repeat(column)}^`;
}

/** Go's `%#v` of the internal `apiextensions.ValidationRule`, as kube quotes a bad rule. */
function goRule(rule: JsonObject): string {
  const ptr = (v: unknown, type: string) => (v === undefined ? `(*${type})(nil)` : `(*${type})(0xc000000000)`);
  return (
    `apiextensions.ValidationRule{Rule:${JSON.stringify(str(rule.rule))}, Message:${JSON.stringify(str(rule.message))}, ` +
    `MessageExpression:${JSON.stringify(str(rule.messageExpression))}, Reason:${ptr(rule.reason, 'apiextensions.FieldValueErrorReason')}, ` +
    `FieldPath:${JSON.stringify(str(rule.fieldPath))}, OptionalOldSelf:${ptr(rule.optionalOldSelf, 'bool')}}`
  );
}

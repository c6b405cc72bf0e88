/**
 * Kubernetes label syntax (`k8s.io/apimachinery/pkg/util/validation`: `IsQualifiedName`,
 * `IsValidLabelValue`) with the API server's messages, and {@link labelMap}: a labels map
 * checked by the runtime validator and, in the CRD, by `x-kubernetes-validations` rules on the
 * keys, `pattern`/`maxLength` on the values and `maxProperties` on the map.
 *
 * Labels end up in rendered boot configs (`kubelet --node-labels`), so nothing outside this
 * syntax may reach them: no whitespace, quotes, `$`, `;`, `=` or `,`.
 */
import { z } from 'zod';
import { describeField } from './fields.js';

/** Longest label value, and longest name part of a label key. */
export const LABEL_NAME_MAX_LENGTH = 63;
/** Longest prefix (a DNS-1123 subdomain) of a label key. */
export const LABEL_PREFIX_MAX_LENGTH = 253;
/** Most labels a {@link labelMap} holds. */
export const MAX_LABELS = 64;

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const QUALIFIED_NAME = new RegExp(`^${QUALIFIED_NAME_FMT}$`);
const LABEL_VALUE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

/** The CRD pattern of a label value (its length is bounded by `maxLength`). */
export const LABEL_VALUE_PATTERN = `^${LABEL_VALUE_FMT}$`;

/**
 * The CRD regex of a whole label key: optional subdomain prefix and '/', then a name of at most
 * 63 characters. Written without backslashes (`[.]`) so it needs no escaping in a CEL string.
 */
export const LABEL_KEY_PATTERN = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$';
/** The CRD regex bounding the prefix of a label key (the name part is bounded by {@link LABEL_KEY_PATTERN}). */
export const LABEL_KEY_PREFIX_PATTERN = `^[^/]{0,${LABEL_PREFIX_MAX_LENGTH}}(/|$)`;

/** Go's `validation.RegexError`, word for word (its double space included), so messages match the API server's. */
function regexError(message: string, fmt: string, ...examples: string[]): string {
  return `${message} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

const QUALIFIED_NAME_ERROR = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const nameRegexError = () => regexError(QUALIFIED_NAME_ERROR, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc');
const maxLengthError = (max: number) => `must be no more than ${max} characters`;

/** What is wrong with `key` as a label key (`IsQualifiedName`); empty when it is valid. */
export function labelKeyProblems(key: string): string[] {
  const parts = key.split('/');
  if (parts.length > 2) {
    return [`a qualified name ${nameRegexError()} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  const problems: string[] = [];
  const [prefix, name] = parts.length === 2 ? [parts[0] ?? '', parts[1] ?? ''] : [undefined, key];
  if (prefix !== undefined) {
    if (prefix.length === 0) problems.push('prefix part must be non-empty');
    else {
      if (prefix.length > LABEL_PREFIX_MAX_LENGTH) problems.push(`prefix part ${maxLengthError(LABEL_PREFIX_MAX_LENGTH)}`);
      if (!DNS1123_SUBDOMAIN.test(prefix)) {
        const message =
          "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
        problems.push(`prefix part ${regexError(message, DNS1123_SUBDOMAIN_FMT, 'example.com')}`);
      }
    }
  }
  if (name.length === 0) problems.push('name part must be non-empty');
  else if (name.length > LABEL_NAME_MAX_LENGTH) problems.push(`name part ${maxLengthError(LABEL_NAME_MAX_LENGTH)}`);
  if (!QUALIFIED_NAME.test(name)) problems.push(`name part ${nameRegexError()}`);
  return problems;
}

/** What is wrong with `value` as a label value (`IsValidLabelValue`); empty when it is valid. */
export function labelValueProblems(value: string): string[] {
  const problems: string[] = [];
  if (value.length > LABEL_NAME_MAX_LENGTH) problems.push(maxLengthError(LABEL_NAME_MAX_LENGTH));
  if (!LABEL_VALUE.test(value)) {
    const message =
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    problems.push(regexError(message, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  }
  return problems;
}

/** `Invalid value: "x": …`, as the API server words a field error. */
const invalid = (value: string, problem: string) => `Invalid value: ${JSON.stringify(value)}: ${problem}`;

/** The CEL rules the CRD puts on a labels map: its keys must be label keys. */
export const LABEL_KEY_RULES = [
  {
    rule: `self.all(k, k.matches('${LABEL_KEY_PATTERN}'))`,
    message:
      "label keys must be an optional DNS subdomain prefix and '/', then a name of at most 63 characters: alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character (e.g. 'MyName' or 'example.com/MyName')",
  },
  { rule: `self.all(k, k.matches('${LABEL_KEY_PREFIX_PATTERN}'))`, message: `the prefix of a label key must be at most ${LABEL_PREFIX_MAX_LENGTH} characters` },
] as const;

const labelValue = z.string().meta({
  description: `Label value: empty, or at most ${LABEL_NAME_MAX_LENGTH} alphanumeric characters, '-', '_' or '.', starting and ending with an alphanumeric character.`,
  pattern: LABEL_VALUE_PATTERN,
  maxLength: LABEL_NAME_MAX_LENGTH,
});

/**
 * A map of Kubernetes labels: keys and values in label syntax, at most 64 entries.
 * For provider schemas: the CRD gets the same rules (value pattern, key CEL rules, `maxProperties`).
 * Issues name the entry (`labels["bad key!"]`) with the API server's wording.
 */
export function labelMap(description: string) {
  const format =
    `Keys are label keys: an optional DNS subdomain prefix and '/', then a name of at most ${LABEL_NAME_MAX_LENGTH} alphanumeric characters, '-', '_' or '.', ` +
    `starting and ending with an alphanumeric character (e.g. example.com/gpu). At most ${MAX_LABELS} labels.`;
  return z
    .record(z.string(), labelValue)
    .check((ctx) => {
      const entries = Object.entries(ctx.value);
      if (entries.length > MAX_LABELS) {
        ctx.issues.push({ code: 'custom', input: ctx.value, message: `Too many: ${entries.length}: must have at most ${MAX_LABELS} labels` });
      }
      for (const [key, value] of entries) {
        const problems = [...labelKeyProblems(key).map((p) => invalid(key, p)), ...labelValueProblems(value).map((p) => invalid(value, p))];
        for (const message of problems) ctx.issues.push({ code: 'custom', input: value, path: [key], message });
      }
    })
    .meta({ description: describeField(description, format), maxProperties: MAX_LABELS, 'x-kubernetes-validations': LABEL_KEY_RULES.map((r) => ({ ...r })) });
}

/** Kubernetes name rules (`k8s.io/apimachinery/pkg/util/validation`). */

/** DNS-1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric, ≤ 63. */
export const DNS1123_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** DNS-1123 subdomain: labels joined by '.', ≤ 253. */
export const DNS1123_SUBDOMAIN_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** Semantic version without a leading `v` (`1.33.1`, `1.12.0-beta.1`). */
export const SEMVER_PATTERN = '^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?$';

/** What a kind of name must match, and what is said of a name that does not. */
interface NameRule {
  readonly pattern: RegExp;
  readonly mismatch: string;
}

const LABEL: NameRule = {
  pattern: new RegExp(DNS1123_LABEL_PATTERN),
  mismatch: "must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name')",
};
const SUBDOMAIN: NameRule = {
  pattern: new RegExp(DNS1123_SUBDOMAIN_PATTERN),
  mismatch: "must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')",
};

/** Why `name` is not a DNS-1123 label of at most `max` characters, or `undefined` if it is one. */
export function dns1123LabelProblem(name: string, max = 63): string | undefined {
  return nameProblem(name, max, LABEL);
}

/** Why `name` is not a DNS-1123 subdomain, or `undefined` if it is one. */
export function dns1123SubdomainProblem(name: string, max = 253): string | undefined {
  return nameProblem(name, max, SUBDOMAIN);
}

/** Why `name` is empty, longer than `max` or not as `rule` wants, or `undefined` if it is none of these. */
function nameProblem(name: string, max: number, rule: NameRule): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > max) return `must be at most ${max} characters (got ${name.length})`;
  return rule.pattern.test(name) ? undefined : rule.mismatch;
}

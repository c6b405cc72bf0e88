/** Kubernetes name rules (`k8s.io/apimachinery/pkg/util/validation`). */

/** DNS-1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric, ≤ 63. */
export const DNS1123_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** DNS-1123 subdomain: labels joined by '.', ≤ 253. */
export const DNS1123_SUBDOMAIN_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** Semantic version without a leading `v` (`1.33.1`, `1.12.0-beta.1`). */
export const SEMVER_PATTERN = '^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?$';

const LABEL = new RegExp(DNS1123_LABEL_PATTERN);
const SUBDOMAIN = new RegExp(DNS1123_SUBDOMAIN_PATTERN);

/** Why `name` is not a DNS-1123 label of at most `max` characters, or `undefined` if it is one. */
export function dns1123LabelProblem(name: string, max = 63): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > max) return `must be at most ${max} characters (got ${name.length})`;
  if (!LABEL.test(name)) {
    return "must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name')";
  }
  return undefined;
}

/** Why `name` is not a DNS-1123 subdomain, or `undefined` if it is one. */
export function dns1123SubdomainProblem(name: string, max = 253): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > max) return `must be at most ${max} characters (got ${name.length})`;
  if (!SUBDOMAIN.test(name)) {
    return "must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')";
  }
  return undefined;
}

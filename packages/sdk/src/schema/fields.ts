/**
 * Field schemas shared by the models. Each carries the CRD pattern (so the API server
 * rejects bad input) and an exact check with a human message (so the SDK explains why).
 *
 * Descriptions: the caller says what the field means; the helper appends the format
 * (`A Go duration such as 72h…`), so the format sentence is written once, here.
 */
import { z } from 'zod';
import { parseCidr } from '../parse/cidr.js';
import { DURATION_PATTERN, parseDuration } from '../parse/duration.js';
import { DNS1123_LABEL_PATTERN, DNS1123_SUBDOMAIN_PATTERN, SEMVER_PATTERN, dns1123LabelProblem, dns1123SubdomainProblem } from '../parse/names.js';
import { QUANTITY_PATTERN, parseQuantity } from '../parse/quantity.js';
import { IPV4_CIDR_PATTERN } from '../parse/cidr.js';

/** `meaning` followed by `format`, either of which may be absent. */
export function describeField(meaning: string | undefined, format: string): string {
  return meaning === undefined || meaning === '' ? format : `${meaning} ${format}`;
}

/** A string whose JSON Schema carries `pattern` (and `maxLength`) without a second zod check. */
function withPattern(pattern: string, description: string, maxLength?: number) {
  return z.string().meta({ pattern, description, ...(maxLength === undefined ? {} : { maxLength }) });
}

/** A DNS-1123 label of at most `max` characters. */
export function dnsLabel(max = 63, description?: string) {
  const format = `A DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${max} characters.`;
  return withPattern(DNS1123_LABEL_PATTERN, describeField(description, format), max).check(
    z.refine((v: string) => dns1123LabelProblem(v, max) === undefined, { error: (i) => dns1123LabelProblem(String(i.input), max) }),
  );
}

/** A DNS-1123 subdomain (a domain name). */
export function dnsSubdomain(description?: string) {
  const format = "A DNS-1123 subdomain: '.'-separated DNS labels of lower-case letters, digits and '-', at most 253 characters.";
  return withPattern(DNS1123_SUBDOMAIN_PATTERN, describeField(description, format), 253).check(
    z.refine((v: string) => dns1123SubdomainProblem(v) === undefined, { error: (i) => dns1123SubdomainProblem(String(i.input)) }),
  );
}

/** A positive Kubernetes quantity such as `4Gi`. */
export function quantity(description: string) {
  const format = 'A Kubernetes quantity greater than zero, such as 4Gi or 512Mi (binary suffixes Ki, Mi, Gi, Ti; decimal k, M, G, T).';
  return withPattern(QUANTITY_PATTERN, describeField(description, format)).check(
    z.refine((v: string) => (parseQuantity(v) ?? 0) > 0, {
      error: (i) =>
        parseQuantity(String(i.input)) === undefined
          ? `must be a Kubernetes quantity such as 4Gi or 512Mi (got ${JSON.stringify(i.input)})`
          : 'must be greater than zero',
    }),
  );
}

/** A positive Go-style duration such as `72h`. */
export function duration(description: string) {
  const format = 'A Go duration longer than zero, such as 72h, 30m or 1h30m (units h, m, s, ms, us, ns).';
  return withPattern(DURATION_PATTERN, describeField(description, format), 64).check(
    z.refine((v: string) => (parseDuration(v) ?? 0) > 0, {
      error: (i) =>
        parseDuration(String(i.input)) === undefined
          ? `must be a duration such as 72h, 30m or 1h30m (got ${JSON.stringify(i.input)})`
          : 'must be longer than zero',
    }),
  );
}

/** An IPv4 network in CIDR notation with no host bits set. */
export function cidr(description: string) {
  const format = 'An IPv4 network in CIDR notation, such as 10.0.0.0/16, with no host bits set.';
  return withPattern(IPV4_CIDR_PATTERN, describeField(description, format)).check(
    z.refine((v: string) => typeof parseCidr(v) !== 'string', { error: (i) => parseCidr(String(i.input)) as string }),
  );
}

/** A semantic version without a leading `v`. */
export function semver(description: string) {
  return z
    .string()
    .meta({ description: describeField(description, 'A semantic version without a leading v, such as 1.12.1.') })
    .regex(new RegExp(SEMVER_PATTERN), { error: (i) => `must be a version such as 1.12.1 (got ${JSON.stringify(i.input)})` });
}

/** A reference to a Cluster in the same namespace. */
export const clusterRef = z
  .strictObject({ name: dnsLabel(40, 'Name of the Cluster, in the same namespace as this object.') })
  .meta({ description: 'The guest cluster this object belongs to.' });

/** An RFC 3339 timestamp, as Kubernetes writes `metav1.Time`. */
export const timestamp = z.iso.datetime({ offset: true });

/** A {@link timestamp} field: `description` followed by the format. */
export function dateTime(description: string) {
  return timestamp.meta({ description: describeField(description, 'An RFC 3339 date and time, such as 2025-01-31T12:00:00Z.') });
}

/** The `metadata.generation` a controller last acted on (`status.observedGeneration`). */
export function observedGeneration() {
  return z
    .int()
    .min(0)
    .optional()
    .meta({ description: 'The metadata.generation of the object that the operator last acted on; status is current when it equals metadata.generation.' });
}

/** String-to-string map (labels, selectors, tags). */
export const stringMap = z.record(z.string(), z.string());

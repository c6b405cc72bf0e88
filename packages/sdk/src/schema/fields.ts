/**
 * Field schemas shared by the models. Each carries the CRD pattern (so the API server
 * rejects bad input) and an exact check with a human message (so the SDK explains why).
 */
import { z } from 'zod';
import { parseCidr } from '../parse/cidr.js';
import { DURATION_PATTERN, parseDuration } from '../parse/duration.js';
import {
  DNS1123_LABEL_PATTERN,
  DNS1123_SUBDOMAIN_PATTERN,
  SEMVER_PATTERN,
  dns1123LabelProblem,
  dns1123SubdomainProblem,
} from '../parse/names.js';
import { QUANTITY_PATTERN, parseQuantity } from '../parse/quantity.js';
import { IPV4_CIDR_PATTERN } from '../parse/cidr.js';

/** A string whose JSON Schema carries `pattern` (and `maxLength`) without a second zod check. */
function withPattern(pattern: string, description: string, maxLength?: number) {
  return z.string().meta({ pattern, description, ...(maxLength === undefined ? {} : { maxLength }) });
}

/** A DNS-1123 label of at most `max` characters. */
export function dnsLabel(max = 63, description = 'A DNS-1123 label.') {
  return withPattern(DNS1123_LABEL_PATTERN, description, max).check(z.refine((v: string) => dns1123LabelProblem(v, max) === undefined, { error: (i) => dns1123LabelProblem(String(i.input), max) }));
}

/** A DNS-1123 subdomain (a domain name). */
export function dnsSubdomain(description = 'A DNS-1123 subdomain.') {
  return withPattern(DNS1123_SUBDOMAIN_PATTERN, description, 253).check(z.refine((v: string) => dns1123SubdomainProblem(v) === undefined, { error: (i) => dns1123SubdomainProblem(String(i.input)) }));
}

/** A positive Kubernetes quantity such as `4Gi`. */
export function quantity(description: string) {
  return withPattern(QUANTITY_PATTERN, description).check(
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
  return withPattern(DURATION_PATTERN, description, 64).check(
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
  return withPattern(IPV4_CIDR_PATTERN, description).check(
    z.refine((v: string) => typeof parseCidr(v) !== 'string', { error: (i) => parseCidr(String(i.input)) as string }),
  );
}

/** A semantic version without a leading `v`. */
export function semver(description: string) {
  return z
    .string()
    .meta({ description })
    .regex(new RegExp(SEMVER_PATTERN), { error: (i) => `must be a version such as 1.12.1 (got ${JSON.stringify(i.input)})` });
}

/** A reference to a Cluster in the same namespace. */
export const clusterRef = z
  .strictObject({ name: dnsLabel(40, 'Name of the Cluster in the same namespace.') })
  .meta({ description: 'The guest cluster this object belongs to.' });

/** An RFC 3339 timestamp, as Kubernetes writes `metav1.Time`. */
export const timestamp = z.iso.datetime({ offset: true });

/** String-to-string map (labels, selectors, tags). */
export const stringMap = z.record(z.string(), z.string());

/**
 * The string formats kube-apiserver 1.32 checks names, label keys and values, annotation keys and
 * finalizers against (apimachinery's `util/validation` and `api/validation/path`), with its
 * messages (internal). Each check returns the messages of what is wrong (empty when valid);
 * lengths count UTF-8 bytes, as Go's `len` does.
 */

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;

/** A format: a length limit in bytes and a regex, with what kube-apiserver says when the regex does not match. */
interface Format {
  readonly maxBytes: number;
  readonly fmt: string;
  readonly re: RegExp;
  readonly message: string;
  readonly examples: readonly string[];
}

const format = (maxBytes: number, fmt: string, message: string, ...examples: string[]): Format => ({
  maxBytes,
  fmt,
  re: new RegExp(`^${fmt}$`),
  message,
  examples,
});

const DNS1123_SUBDOMAIN = format(
  253,
  DNS1123_SUBDOMAIN_FMT,
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
  'example.com',
);
const DNS1123_LABEL = format(
  63,
  DNS1123_LABEL_FMT,
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
  'my-name',
  '123-abc',
);
const DNS1035_LABEL = format(
  63,
  DNS1035_LABEL_FMT,
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
  'my-name',
  'abc-123',
);
const QUALIFIED_NAME = format(
  63,
  QUALIFIED_NAME_FMT,
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  'MyName',
  'my.name',
  '123-abc',
);
const LABEL_VALUE = format(
  63,
  LABEL_VALUE_FMT,
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
  'MyValue',
  'my_value',
  '12345',
);

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const maxLenError = (max: number): string => `must be no more than ${max} characters`;

/** Go's `RegexError`: `<msg> (e.g. 'a',  or 'b', regex used for validation is '<re>')`. */
function regexError(f: Format): string {
  const eg = f.examples.length === 0 ? '' : `e.g. ${f.examples.map((e) => `'${e}', `).join(' or ')}`;
  return `${f.message} (${eg}regex used for validation is '${f.fmt}')`;
}

/** What is wrong with `value` in format `f`: too long, and (or) `mismatch()` when the regex does not match. */
function formatErrors(value: string, f: Format, mismatch = (): string => regexError(f)): string[] {
  const errs: string[] = [];
  if (bytes(value) > f.maxBytes) errs.push(maxLenError(f.maxBytes));
  if (!f.re.test(value)) errs.push(mismatch());
  return errs;
}

/** `IsDNS1123Subdomain`: at most 253 bytes of lower-case RFC 1123 labels joined by dots. */
export function dns1123SubdomainErrors(value: string): string[] {
  return formatErrors(value, DNS1123_SUBDOMAIN);
}

/** `IsDNS1123Label`: at most 63 bytes, lower-case alphanumerics and '-'. */
export function dns1123LabelErrors(value: string): string[] {
  return formatErrors(value, DNS1123_LABEL, () => (DNS1123_SUBDOMAIN.re.test(value) ? 'must not contain dots' : regexError(DNS1123_LABEL)));
}

/** `IsDNS1035Label`: like an RFC 1123 label, starting with a letter. */
export function dns1035LabelErrors(value: string): string[] {
  return formatErrors(value, DNS1035_LABEL);
}

/**
 * `IsQualifiedName`, the format of label keys, annotation keys (lower-cased first) and finalizers:
 * a name part of at most 63 bytes, optionally after a DNS subdomain prefix and '/'.
 */
export function qualifiedNameErrors(value: string): string[] {
  const parts = value.split('/');
  if (parts.length > 2) {
    return [`a qualified name ${regexError(QUALIFIED_NAME)} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  const errs: string[] = [];
  const name = parts.length === 2 ? (parts[1] as string) : value;
  if (parts.length === 2) {
    const prefix = parts[0] as string;
    if (prefix === '') errs.push('prefix part must be non-empty');
    else errs.push(...dns1123SubdomainErrors(prefix).map((m) => `prefix part ${m}`));
  }
  if (name === '') errs.push('name part must be non-empty');
  else if (bytes(name) > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!QUALIFIED_NAME.re.test(name)) errs.push(`name part ${regexError(QUALIFIED_NAME)}`);
  return errs;
}

/** `IsValidLabelValue`: empty, or at most 63 bytes of alphanumerics, '-', '_' and '.', alphanumeric at both ends. */
export function labelValueErrors(value: string): string[] {
  return formatErrors(value, LABEL_VALUE);
}

/** `IsValidPathSegmentName` (`prefix`: `IsValidPathSegmentPrefix`): not `.` or `..`, no '/' or '%'. */
export function pathSegmentErrors(value: string, prefix: boolean): string[] {
  if (!prefix && (value === '.' || value === '..')) return [`may not be '${value}'`];
  return ['/', '%'].filter((c) => value.includes(c)).map((c) => `may not contain '${c}'`);
}

const CONFIG_MAP_KEY = format(
  253,
  '[-._a-zA-Z0-9]+',
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
  'key.name',
  'KEY_NAME',
  'key-name',
);

/** `IsConfigMapKey`, the keys of ConfigMap and Secret data: at most 253 bytes of `[-._a-zA-Z0-9]`, not `.`, `..` or `..`-prefixed. */
export function configMapKeyErrors(value: string): string[] {
  const errs = formatErrors(value, CONFIG_MAP_KEY);
  if (value === '.' || value === '..') errs.push(`must not be '${value}'`);
  else if (value.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

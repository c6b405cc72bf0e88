/**
 * Quoting of user-written strings (names, versions, domains, CIDRs, labels) for the places the
 * renderers write them: systemd unit files, POSIX shell, environment files, kubelet flags.
 * Rendering is safe by construction: every such string goes through a {@link Quoting}, which
 * either returns it correctly quoted for its target or records an {@link Unrenderable} error
 * and returns an empty string, so a rejected value never reaches the output.
 *
 * - **Control characters** (C0, DEL, C1, U+2028, U+2029; so newline, CR and NUL) are rejected
 *   everywhere: no target needs them and each would end a line or a string somewhere.
 * - **systemd command lines** (`ExecStart=`, systemd.service(5) "Command lines"): a word that is
 *   not plainly safe is double-quoted with `\` and `"` escaped; `%` is written `%%` (specifiers)
 *   and `$` is written `$$` (environment substitution), quoted or not; a lone `;` is written `\;`
 *   (otherwise a command separator).
 * - **systemd settings** (`Description=`): `%` is written `%%`; a trailing `\` (a line
 *   continuation) is rejected.
 * - **POSIX shell** (scripts, `KEY=value` environment files that are sourced or read as a systemd
 *   `EnvironmentFile=`): a word that is not plainly safe is single-quoted, each `'` written `'\''`.
 */
import { err, ok, type Result } from 'neverthrow';

/** A user-written value that cannot be rendered where it is used. */
export interface Unrenderable {
  /** The error's kind. */
  readonly kind: 'Unrenderable';
  /** Where the value comes from, e.g. `spec.workers[0].labels["tier"]`. */
  readonly field: string;
  /** Why it cannot be rendered (a control character, not a label value, …). */
  readonly message: string;
}

/** Control characters: C0 (newline, CR, NUL, …), DEL, C1, and the Unicode line and paragraph separators. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
/** Words that mean the same quoted or not, in a systemd command line and in POSIX shell. */
const PLAIN = /^[A-Za-z0-9_@+=:,./-]+$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A Kubernetes label value (and the name part of a key): at most 63 characters. */
const LABEL_NAME = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const codePoint = (c: string) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** `undefined` when `value` holds no control character, else why it is refused. */
export function controlCharacter(value: string): string | undefined {
  const found = CONTROL.exec(value);
  return found ? `contains the control character ${codePoint(found[0])}, which cannot be written into a boot config, unit or script` : undefined;
}

/** Whether `key` is a Kubernetes label key: `[<DNS subdomain>/]<name>`. */
export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  const prefixOk = prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
  return prefixOk && name.length > 0 && name.length <= 63 && LABEL_NAME.test(name);
}

/** Whether `value` is a Kubernetes label value. */
export const isLabelValue = (value: string) => value.length <= 63 && LABEL_NAME.test(value);

/** Whether `value` is a DNS-1123 label (host names, namespace and object names). */
export const isDnsLabel = (value: string) => value.length <= 63 && DNS_LABEL.test(value);

/** `value` as one word of a systemd command line (assumes no control character). */
function systemdWord(value: string): string {
  if (value === ';') return '\\;';
  if (PLAIN.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
}

/** `value` as one POSIX shell word (assumes no control character). */
function shellWord(value: string): string {
  return PLAIN.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Collects the quoting of one rendering: each method returns its value quoted for its target,
 * or records why it cannot be and returns `''`; {@link Quoting.result} then gives the rendered
 * value or the first refusal.
 */
export interface Quoting {
  /** A value written as is where only line structure matters (JSON, data URLs, host names checked elsewhere): control characters are refused. */
  text(value: string, field: string): string;
  /** One word of a systemd command line (`ExecStart=`). */
  systemdArg(value: string, field: string): string;
  /** Text in a systemd setting that is not a command line (`Description=`). */
  unitText(value: string, field: string): string;
  /** One POSIX shell word. */
  shell(value: string, field: string): string;
  /** A part of a file path and URL (a version: letters, digits, `.`, `_`, `+`, `-`; never `.` or `..`), written as is. */
  pathSegment(value: string, field: string): string;
  /** A DNS-1123 label (host name, namespace, object name), written as is. */
  dnsLabel(value: string, field: string): string;
  /** A Kubernetes label key or value (`--node-labels` is split on `,` and `=`, which neither may hold). */
  labelKey(value: string, field: string): string;
  /** A Kubernetes label value, under the same rules as {@link Quoting.labelKey}. */
  labelValue(value: string, field: string): string;
  /** Records a refusal found by the caller. */
  refuse(field: string, message: string): void;
  /** `rendered`, or the first refusal recorded. */
  result<T>(rendered: T): Result<T, Unrenderable>;
}

/** A new {@link Quoting}, for one rendering. */
export function quoting(): Quoting {
  let first: Unrenderable | undefined;
  const refuse = (field: string, message: string) => {
    first ??= { kind: 'Unrenderable', field, message: `${field}: ${message}` };
  };
  /** `render(value)` when `value` passes `check` and holds no control character, else `''`. */
  const guarded = (value: string, field: string, render: (v: string) => string, check?: (v: string) => string | undefined): string => {
    const problem = controlCharacter(value) ?? check?.(value);
    if (problem === undefined) return render(value);
    refuse(field, problem);
    return '';
  };
  const shape = (test: (v: string) => boolean, what: string) => (v: string) => (test(v) ? undefined : `${JSON.stringify(v)} is not ${what}`);
  const id = (v: string) => v;
  return {
    text: (value, field) => guarded(value, field, id),
    systemdArg: (value, field) => guarded(value, field, systemdWord),
    unitText: (value, field) =>
      guarded(
        value,
        field,
        (v) => v.replace(/%/g, '%%'),
        (v) => (v.endsWith('\\') ? 'ends with a backslash, which would continue the line' : undefined),
      ),
    shell: (value, field) => guarded(value, field, shellWord),
    pathSegment: (value, field) =>
      guarded(
        value,
        field,
        id,
        shape((v) => /^[0-9A-Za-z._+-]+$/.test(v) && v !== '.' && v !== '..', 'a path segment (letters, digits, ".", "_", "+" and "-")'),
      ),
    dnsLabel: (value, field) => guarded(value, field, id, shape(isDnsLabel, 'a DNS-1123 label (lower-case letters, digits and "-", at most 63)')),
    labelKey: (value, field) => guarded(value, field, id, shape(isLabelKey, 'a Kubernetes label key')),
    labelValue: (value, field) => guarded(value, field, id, shape(isLabelValue, 'a Kubernetes label value')),
    refuse,
    result: <T>(rendered: T): Result<T, Unrenderable> => (first === undefined ? ok(rendered) : err(first)),
  };
}

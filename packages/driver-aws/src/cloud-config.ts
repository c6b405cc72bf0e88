/**
 * An instance's cloud-config user data, built as an object and written by `yaml`'s `stringify`
 * (never by joining strings), so no value can end a YAML scalar or add a key. The files it writes
 * are `KEY=value` environment files whose values are single-quoted POSIX shell words (`'\''` for
 * a quote), readable by `sh` (sourced) and by systemd's `EnvironmentFile=` alike. A value with a
 * control character (newline, CR, NUL, …), or a host name that is no DNS label, is refused with
 * an {@link Unrenderable} error value instead of being written.
 */
import { err, ok, Result } from 'neverthrow';
import { stringify } from 'yaml';

/** A user-written (or minted) value that cannot be written into user data. */
export interface Unrenderable {
  /** The error's kind. */
  readonly kind: 'Unrenderable';
  /** Where the value comes from, e.g. `spec.kubernetes.version`. */
  readonly field: string;
  /** Why it cannot be written (a control character, a reserved tag). */
  readonly message: string;
}

/** One `write_files` entry. */
export interface CloudConfigFile {
  /** Absolute path on the node. */
  readonly path: string;
  /** Octal mode, e.g. `'0600'`. @default cloud-init's 0644 */
  readonly permissions?: string;
  /** The file's text. */
  readonly content: string;
}

/** The parts of a cloud-config rendered here. */
export interface CloudConfig {
  /** The node's host name. */
  readonly hostname: string;
  /** Files written before the node's services start. */
  readonly write_files: readonly CloudConfigFile[];
}

/** Control characters: C0 (newline, CR, NUL, …), DEL, C1, and the Unicode line and paragraph separators. */
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
/** Words that mean the same quoted or not in POSIX shell. */
const PLAIN = /^[A-Za-z0-9_@+=:,./-]+$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const refuse = (field: string, message: string): Unrenderable => ({ kind: 'Unrenderable', field, message: `${field}: ${message}` });

/** `value` unless it holds a control character. */
export function checkText(value: string, field: string): Result<string, Unrenderable> {
  const found = CONTROL.exec(value);
  return found
    ? err(
        refuse(
          field,
          `contains the control character U+${(found[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}, which cannot be written into user data`,
        ),
      )
    : ok(value);
}

/** `value` as one POSIX shell word: as is when plainly safe, else single-quoted. */
export function shellWord(value: string, field: string): Result<string, Unrenderable> {
  return checkText(value, field).map((v) => (PLAIN.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`));
}

/** An environment file: one `KEY=<shell word>` line per entry (`[key, value, field]`). */
export function envFile(entries: readonly (readonly [string, string, string])[]): Result<string, Unrenderable> {
  return Result.combine(entries.map(([key, value, field]) => shellWord(value, field).map((word) => `${key}=${word}\n`))).map((lines) => lines.join(''));
}

/** What a node's user data says about it. */
export interface NodeFacts {
  /** Guest host name (the node name): a DNS-1123 label. */
  readonly hostname: string;
  readonly cluster: string;
  readonly clusterId: string;
  readonly role: string;
  readonly kubernetesVersion: string;
}

/** The node's cloud-config: host name and `/etc/kubeception/node.env`. Certificates never travel here. */
export function nodeCloudConfig(node: NodeFacts): Result<CloudConfig, Unrenderable> {
  const hostname: Result<string, Unrenderable> = DNS_LABEL.test(node.hostname)
    ? ok(node.hostname)
    : err(refuse('node name (from metadata.name and the pool name)', `${JSON.stringify(node.hostname)} is not a DNS-1123 label`));
  const env = envFile([
    ['CLUSTER', node.cluster, 'metadata.name'],
    ['CLUSTER_ID', node.clusterId, 'metadata.name'],
    ['ROLE', node.role, 'node role'],
    ['KUBERNETES_VERSION', node.kubernetesVersion, 'spec.kubernetes.version'],
  ]);
  return hostname.andThen((name) => env.map((content): CloudConfig => ({ hostname: name, write_files: [{ path: '/etc/kubeception/node.env', content }] })));
}

/** The boot file of a node: where Vault is, and its single-use wrapped token (mode 0600). */
export function bootFile(vaultAddr: string, wrappedToken: string): Result<CloudConfigFile, Unrenderable> {
  return envFile([
    ['VAULT_ADDR', vaultAddr, 'vaultAddr (operator option)'],
    ['VAULT_WRAPPED_TOKEN', wrappedToken, 'boot token'],
  ]).map((content) => ({ path: '/etc/kubeception/vault.env', permissions: '0600', content }));
}

/** The user data text: `#cloud-config` and the YAML of `config`. */
export function userDataText(config: CloudConfig): string {
  return `#cloud-config\n${stringify(config, { lineWidth: 0 })}`;
}

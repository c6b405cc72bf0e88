/** PKI roles: defaults, parsing a role write, and the role as `roles/:name` reads it (internal). */
import { parseDuration } from './duration.js';
import { VaultError } from './errors.js';
import type { NamePolicy } from './pki-names.js';
import { keySpec, x509 } from './pki-crypto.js';
import { bool, int, list } from './types.js';

/** A stored role (field names as in Vault's API). */
export interface Role extends NamePolicy {
  readonly allow_ip_sans: boolean;
  readonly server_flag: boolean;
  readonly client_flag: boolean;
  readonly code_signing_flag: boolean;
  readonly email_protection_flag: boolean;
  readonly key_type: 'ec' | 'rsa' | 'any';
  readonly key_bits: number;
  readonly key_usage: readonly string[];
  readonly ext_key_usage: readonly string[];
  /** Seconds; 0 = the mount's default. */
  readonly ttl: number;
  /** Seconds; 0 = the mount's max. */
  readonly max_ttl: number;
  readonly not_before_duration: number;
  readonly organization: readonly string[];
  readonly ou: readonly string[];
  readonly country: readonly string[];
  readonly require_cn: boolean;
  readonly use_csr_common_name: boolean;
  readonly use_csr_sans: boolean;
  readonly no_store: boolean;
}

const KEY_USAGE: Readonly<Record<string, number>> = {
  digitalsignature: x509.KeyUsageFlags.digitalSignature,
  contentcommitment: x509.KeyUsageFlags.nonRepudiation,
  keyencipherment: x509.KeyUsageFlags.keyEncipherment,
  dataencipherment: x509.KeyUsageFlags.dataEncipherment,
  keyagreement: x509.KeyUsageFlags.keyAgreement,
  certsign: x509.KeyUsageFlags.keyCertSign,
  crlsign: x509.KeyUsageFlags.cRLSign,
  encipheronly: x509.KeyUsageFlags.encipherOnly,
  decipheronly: x509.KeyUsageFlags.decipherOnly,
};

const EXT_KEY_USAGE: Readonly<Record<string, string>> = {
  serverauth: '1.3.6.1.5.5.7.3.1',
  clientauth: '1.3.6.1.5.5.7.3.2',
  codesigning: '1.3.6.1.5.5.7.3.3',
  emailprotection: '1.3.6.1.5.5.7.3.4',
  timestamping: '1.3.6.1.5.5.7.3.8',
  ocspsigning: '1.3.6.1.5.5.7.3.9',
};

/** Builds a role from a write body; unspecified fields take Vault's defaults (a write replaces the role). */
export function parseRole(body: Readonly<Record<string, unknown>>, defaultKeyType: 'ec' | 'rsa'): Role {
  const keyType = (body.key_type === undefined ? defaultKeyType : String(body.key_type)) as Role['key_type'];
  const bits = keyType === 'any' ? 0 : keySpec(keyType, int(body, 'key_bits', 0)).bits;
  const role: Role = {
    allowed_domains: list(body, 'allowed_domains') ?? [],
    allow_subdomains: bool(body, 'allow_subdomains', false),
    allow_bare_domains: bool(body, 'allow_bare_domains', false),
    allow_glob_domains: bool(body, 'allow_glob_domains', false),
    allow_localhost: bool(body, 'allow_localhost', true),
    allow_any_name: bool(body, 'allow_any_name', false),
    allow_wildcard_certificates: bool(body, 'allow_wildcard_certificates', true),
    enforce_hostnames: bool(body, 'enforce_hostnames', true),
    allow_ip_sans: bool(body, 'allow_ip_sans', true),
    server_flag: bool(body, 'server_flag', true),
    client_flag: bool(body, 'client_flag', true),
    code_signing_flag: bool(body, 'code_signing_flag', false),
    email_protection_flag: bool(body, 'email_protection_flag', false),
    key_type: keyType,
    key_bits: bits,
    key_usage: list(body, 'key_usage') ?? ['DigitalSignature', 'KeyAgreement', 'KeyEncipherment'],
    ext_key_usage: list(body, 'ext_key_usage') ?? [],
    ttl: parseDuration(body.ttl, 'ttl') ?? 0,
    max_ttl: parseDuration(body.max_ttl, 'max_ttl') ?? 0,
    not_before_duration: parseDuration(body.not_before_duration, 'not_before_duration') ?? 30,
    organization: list(body, 'organization') ?? [],
    ou: list(body, 'ou') ?? [],
    country: list(body, 'country') ?? [],
    require_cn: bool(body, 'require_cn', true),
    use_csr_common_name: bool(body, 'use_csr_common_name', true),
    use_csr_sans: bool(body, 'use_csr_sans', true),
    no_store: bool(body, 'no_store', false),
  };
  if (!['ec', 'rsa', 'any'].includes(keyType)) throw VaultError.badRequest(`unknown key type ${keyType}`);
  if (role.max_ttl > 0 && role.ttl > role.max_ttl) throw VaultError.badRequest('"ttl" value must be less than "max_ttl" value');
  return role;
}

/** Key usage bit flags from Vault's names (case-insensitive). */
export function keyUsageFlags(role: Role): number {
  return role.key_usage.reduce((flags, name) => flags | (KEY_USAGE[name.toLowerCase()] ?? 0), 0);
}

/** Extended key usage OIDs from the role's flags and `ext_key_usage`. */
export function extKeyUsageOids(role: Role): string[] {
  const names = [...role.ext_key_usage.map((n) => n.toLowerCase())];
  if (role.server_flag) names.push('serverauth');
  if (role.client_flag) names.push('clientauth');
  if (role.code_signing_flag) names.push('codesigning');
  if (role.email_protection_flag) names.push('emailprotection');
  return [...new Set(names.map((n) => EXT_KEY_USAGE[n]).filter((o): o is string => o !== undefined))];
}

/** The role as `GET roles/:name` returns it. */
export function roleData(role: Role): Record<string, unknown> {
  return {
    ...role,
    issuer_ref: 'default',
    generate_lease: false,
    signature_bits: role.key_type === 'rsa' ? 256 : 0,
    basic_constraints_valid_for_non_ca: false,
    cn_validations: ['email', 'hostname'],
  };
}

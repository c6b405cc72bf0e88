/** PKI roles: defaults, parsing a role write, and the role as `roles/:name` reads it (internal). */
import { VaultError } from './errors.js';
import type { NamePolicy } from './pki-names.js';
import { keySpec, x509 } from './pki-crypto.js';
import { boolField, durationField, type FieldValues, listField, readFields } from './role-fields.js';
import { int } from './types.js';

/** The fields of a role write besides the key type and size, with Vault's defaults. */
const ROLE_FIELDS = {
  allowed_domains: listField([]),
  allow_subdomains: boolField(false),
  allow_bare_domains: boolField(false),
  allow_glob_domains: boolField(false),
  allow_localhost: boolField(true),
  allow_any_name: boolField(false),
  allow_wildcard_certificates: boolField(true),
  enforce_hostnames: boolField(true),
  allow_ip_sans: boolField(true),
  server_flag: boolField(true),
  client_flag: boolField(true),
  code_signing_flag: boolField(false),
  email_protection_flag: boolField(false),
  key_usage: listField(['DigitalSignature', 'KeyAgreement', 'KeyEncipherment']),
  ext_key_usage: listField([]),
  /** Seconds; 0 = the mount's default. */
  ttl: durationField(0),
  /** Seconds; 0 = the mount's max. */
  max_ttl: durationField(0),
  not_before_duration: durationField(30),
  organization: listField([]),
  ou: listField([]),
  country: listField([]),
  require_cn: boolField(true),
  use_csr_common_name: boolField(true),
  use_csr_sans: boolField(true),
  no_store: boolField(false),
};

/** A stored role (field names as in Vault's API); its name policy decides which names it allows. */
export type Role = FieldValues<typeof ROLE_FIELDS> &
  NamePolicy & {
    readonly key_type: 'ec' | 'rsa' | 'any';
    readonly key_bits: number;
  };

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
  const role: Role = { ...readFields(ROLE_FIELDS, body), key_type: keyType, key_bits: bits };
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

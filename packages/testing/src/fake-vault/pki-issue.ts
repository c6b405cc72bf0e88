/**
 * What `issue/:role`, `sign/:role` and `root/generate` put in a certificate, decided like Vault's
 * `GenerateCreationBundle` and `GetCertificateNotAfter`: names, IP SANs, subject, TTL capping and
 * the CA's notAfter (internal).
 */
import { isIP } from 'node:net';
import { formatGoDuration, formatRfc3339Nano, parseVaultDuration } from './duration.js';
import { VaultError } from './errors.js';
import type { ParsedCsr, SanSpec, SubjectSpec } from './pki-crypto.js';
import { firstDisallowed, HOSTNAME, toAscii } from './pki-names.js';
import type { Role } from './pki-roles.js';
import { bool, list, str } from './types.js';

/** The TTLs of the mount a request goes to (seconds, resolved against the system's). */
export interface MountTtls {
  readonly defaultLeaseTtl: number;
  readonly maxLeaseTtl: number;
}

/** Subject, SANs and validity of a certificate to create. */
export interface CreationBundle {
  readonly subject: SubjectSpec;
  readonly sans: SanSpec;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly warnings: readonly string[];
}

const CN_REQUIRED =
  'the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false';

function addHostname(names: string[], value: string): void {
  const ascii = toAscii(value);
  if (ascii === undefined) throw VaultError.badRequest(`idna: invalid label "${value}"`);
  if (HOSTNAME.test(ascii)) names.push(ascii);
}

function collectNames(role: Role, body: Readonly<Record<string, unknown>>, csr: ParsedCsr | undefined) {
  let cn = csr && role.use_csr_common_name ? csr.commonName : '';
  if (cn === '') cn = str(body, 'common_name');
  if (cn === '' && role.require_cn) throw VaultError.badRequest(CN_REQUIRED);
  const dns: string[] = csr && role.use_csr_sans ? [...csr.sans.dns] : [];
  const email: string[] = csr && role.use_csr_sans ? [...csr.sans.email] : [];
  if (cn !== '' && !bool(body, 'exclude_cn_from_sans', false)) {
    if (cn.includes('@')) email.push(cn);
    else addHostname(dns, cn);
  }
  if (!csr || !role.use_csr_sans) {
    for (const v of [...new Set(list(body, 'alt_names') ?? [])].sort()) {
      if (v.includes('@')) email.push(v);
      else addHostname(dns, v);
    }
  }
  return { cn, dns: [...new Set(dns)], email: [...new Set(email)] };
}

function checkNames(role: Role, cn: string, dns: readonly string[], email: readonly string[]): void {
  if (cn !== '' && firstDisallowed([cn], role) !== undefined) throw VaultError.badRequest(`common name ${cn} not allowed by this role`);
  const badDns = firstDisallowed(dns, role);
  if (badDns !== undefined) throw VaultError.badRequest(`subject alternate name ${badDns} not allowed by this role`);
  const badEmail = firstDisallowed(email, role);
  if (badEmail !== undefined) throw VaultError.badRequest(`email address ${badEmail} not allowed by this role`);
}

function collectIps(role: Role, body: Readonly<Record<string, unknown>>, csr: ParsedCsr | undefined): string[] {
  if (csr && role.use_csr_sans) {
    if (csr.sans.ip.length > 0 && !role.allow_ip_sans) {
      throw VaultError.badRequest('IP Subject Alternative Names are not allowed in this role, but was provided some via CSR');
    }
    return [...csr.sans.ip];
  }
  const ips = list(body, 'ip_sans') ?? [];
  if (ips.length > 0 && !role.allow_ip_sans) {
    throw VaultError.badRequest(`IP Subject Alternative Names are not allowed in this role, but was provided [${ips.join(' ')}]`);
  }
  for (const ip of ips) if (isIP(ip) === 0) throw VaultError.badRequest(`the value "${ip}" is not a valid IP address`);
  return ips;
}

/** `GetCertificateNotAfter`: the requested or role TTL, capped at max_ttl (warning), then the CA's notAfter (error). */
export function certificateNotAfter(
  role: Pick<Role, 'ttl' | 'max_ttl'>,
  body: Readonly<Record<string, unknown>>,
  mount: MountTtls,
  now: Date,
  caNotAfter: Date | undefined,
): { notAfter: Date; warnings: string[] } {
  const warnings: string[] = [];
  let ttl = parseVaultDuration(body.ttl, 'ttl') ?? 0;
  const notAfterText = str(body, 'not_after');
  if (ttl > 0 && notAfterText !== '')
    throw VaultError.badRequest('Either ttl or not_after should be provided. Both should not be provided in the same request.');
  if (ttl === 0 && role.ttl > 0) ttl = role.ttl;
  const maxTtl = role.max_ttl > 0 ? role.max_ttl : mount.maxLeaseTtl;
  if (ttl === 0) ttl = mount.defaultLeaseTtl;
  if (ttl > maxTtl) {
    warnings.push(`TTL "${formatGoDuration(ttl)}" is longer than permitted maxTTL "${formatGoDuration(maxTtl)}", so maxTTL is being used`);
    ttl = maxTtl;
  }
  let notAfter = new Date(now.getTime() + ttl * 1000);
  if (notAfterText !== '') {
    notAfter = new Date(notAfterText);
    if (Number.isNaN(notAfter.getTime())) throw VaultError.badRequest(`parsing time "${notAfterText}" as "2006-01-02T15:04:05Z07:00": cannot parse`);
  }
  if (caNotAfter && notAfter.getTime() > caNotAfter.getTime()) {
    throw VaultError.badRequest(
      `cannot satisfy request, as TTL would result in notAfter of ${formatRfc3339Nano(notAfter)} that is beyond the expiration of the CA certificate at ${formatRfc3339Nano(caNotAfter)}`,
    );
  }
  return { notAfter, warnings };
}

/** Everything a leaf gets from the role and the request, with the role's rules enforced. */
export function creationBundle(
  role: Role,
  body: Readonly<Record<string, unknown>>,
  csr: ParsedCsr | undefined,
  mount: MountTtls,
  now: Date,
  caNotAfter: Date | undefined,
): CreationBundle {
  const { cn, dns, email } = collectNames(role, body, csr);
  checkNames(role, cn, dns, email);
  const ip = collectIps(role, body, csr);
  const { notAfter, warnings } = certificateNotAfter(role, body, mount, now, caNotAfter);
  return {
    subject: { commonName: cn, organization: [...new Set(role.organization)], ou: [...new Set(role.ou)], country: [...new Set(role.country)] },
    sans: { dns, ip, email },
    notBefore: new Date(now.getTime() - role.not_before_duration * 1000),
    notAfter,
    warnings,
  };
}

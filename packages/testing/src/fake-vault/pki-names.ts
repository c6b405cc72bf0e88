/**
 * Vault's name checks for issuance (`ValidateNames` in `builtin/logical/pki/issuing`): which
 * common names and DNS/email SANs a role allows (internal).
 */
import { domainToASCII } from 'node:url';

/** The role switches that decide which names are allowed. */
export interface NamePolicy {
  readonly allowed_domains: readonly string[];
  readonly allow_subdomains: boolean;
  readonly allow_bare_domains: boolean;
  readonly allow_glob_domains: boolean;
  readonly allow_localhost: boolean;
  readonly allow_any_name: boolean;
  readonly allow_wildcard_certificates: boolean;
  readonly enforce_hostnames: boolean;
}

const LABEL = '([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-]*[a-zA-Z0-9])';
/** Vault's `hostnameRegex`. */
export const HOSTNAME = new RegExp(`^(\\*\\.)?(${LABEL}\\.)*${LABEL}\\.?$`);
const WILD_LABEL = new RegExp(`^(\\*|\\*${LABEL}|${LABEL}\\*|${LABEL}\\*${LABEL})$`);

/** Go's `glob.Glob` (ryanuber/go-glob): `*` matches any run of characters, nothing else is special. */
export function glob(pattern: string, subject: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );
  return re.test(subject);
}

/** IDNA conversion like Vault's `idna.ToASCII` (undefined when invalid). */
export function toAscii(name: string): string | undefined {
  if (/^[\x21-\x7e]*$/.test(name)) return name;
  const converted = domainToASCII(name);
  return converted === '' ? undefined : converted;
}

interface Reduced {
  readonly reduced: string;
  readonly emailDomain: string;
  readonly isEmail: boolean;
  readonly isWildcard: boolean;
  readonly wildcardLabel: string;
}

function reduce(name: string, role: NamePolicy): Reduced | undefined {
  let reduced = name;
  let isEmail = false;
  if (reduced.includes('@')) {
    const parts = reduced.split('@');
    if (parts.length !== 2) return undefined;
    reduced = parts[1] ?? '';
    isEmail = true;
  }
  const emailDomain = reduced;
  let wildcardLabel = '';
  const isWildcard = reduced.includes('*');
  if (isWildcard) {
    if (!role.allow_wildcard_certificates || reduced.split('*').length > 2) return undefined;
    const dot = reduced.indexOf('.');
    wildcardLabel = dot < 0 ? reduced : reduced.slice(0, dot);
    reduced = dot < 0 ? '' : reduced.slice(dot + 1);
    if (reduced.includes('*')) return undefined;
  }
  if (isEmail && isWildcard) return undefined;
  return { reduced, emailDomain, isEmail, isWildcard, wildcardLabel };
}

function localhostAllowed(r: Reduced, role: NamePolicy): boolean {
  if (!role.allow_localhost) return false;
  for (const base of ['localhost', 'localdomain']) {
    if (r.reduced === base || (r.isEmail && r.emailDomain === base)) return true;
    if (role.allow_subdomains && (r.reduced.endsWith(`.${base}`) || (r.isWildcard && r.reduced === base))) return true;
  }
  return false;
}

function domainAllowed(name: string, r: Reduced, role: NamePolicy): boolean {
  for (const domain of role.allowed_domains) {
    if (domain === '') continue;
    const eq = (a: string) => a.toLowerCase() === domain.toLowerCase();
    if (role.allow_bare_domains && (eq(name) || (r.isEmail && eq(r.emailDomain)))) return true;
    if (role.allow_subdomains && (r.reduced.endsWith(`.${domain}`) || (r.isWildcard && eq(r.reduced)))) return true;
    if (role.allow_glob_domains && domain.includes('*') && glob(domain.toLowerCase(), name.toLowerCase())) return true;
  }
  return false;
}

function nameAllowed(name: string, role: NamePolicy): boolean {
  const r = reduce(name, role);
  if (!r) return false;
  if (role.enforce_hostnames) {
    if (r.reduced !== '') {
      const ascii = toAscii(r.reduced);
      if (ascii === undefined || !HOSTNAME.test(ascii)) return false;
    }
    if (r.isWildcard && !WILD_LABEL.test(r.wildcardLabel)) return false;
  }
  if (role.allow_any_name) return true;
  if (localhostAllowed(r, role)) return true;
  return domainAllowed(name, r, role);
}

/** The first name the role does not allow, or undefined when all are allowed. */
export function firstDisallowed(names: readonly string[], role: NamePolicy): string | undefined {
  return names.find((n) => !nameAllowed(n, role));
}

/**
 * Token roles (`auth/token/roles/:name`) and the policy rules of `auth/token/create/:role`,
 * ported from Vault's token store: `allowed_policies`, `allowed_policies_glob`,
 * `disallowed_policies`, `disallowed_policies_glob`, `orphan`, `renewable`,
 * `token_explicit_max_ttl`, `token_no_default_policy`, `token_num_uses`, `path_suffix` (internal).
 */
import { parseDuration } from './duration.js';
import { VaultError } from './errors.js';
import type { TokenEntry } from './token-store.js';
import { bool, int, list, noContent, ok, str, type Route, type VaultRequest, type Reply } from './types.js';

/** A stored token role. */
export interface TokenRole {
  readonly name: string;
  readonly allowedPolicies: readonly string[];
  readonly allowedPoliciesGlob: readonly string[];
  readonly disallowedPolicies: readonly string[];
  readonly disallowedPoliciesGlob: readonly string[];
  readonly orphan: boolean;
  readonly renewable: boolean;
  /** Seconds; 0 = none. */
  readonly explicitMaxTtl: number;
  readonly noDefaultPolicy: boolean;
  readonly numUses: number;
  readonly pathSuffix: string;
}

/** Vault's `policyutil.SanitizePolicies`: trimmed, lower-case, unique, `default` added on request, `root` alone. */
export function sanitizePolicies(policies: readonly string[], addDefault: boolean): string[] {
  const set = new Set(policies.map((p) => p.trim().toLowerCase()).filter((p) => p !== ''));
  if (set.has('root')) return ['root'];
  if (addDefault) set.add('default');
  return [...set].sort();
}

/** go-glob's match: `*` stands for any run of characters, anywhere in the pattern. */
export function globMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*')}$`,
  );
  return regex.test(value);
}

const inList = (values: readonly string[], globs: readonly string[], policy: string) => values.includes(policy) || globs.some((g) => globMatches(g, policy));

/** Whether the role constrains policies itself (then the parent's policies do not bound the token). */
export function constrainsPolicies(role: TokenRole): boolean {
  return [role.allowedPolicies, role.allowedPoliciesGlob, role.disallowedPolicies, role.disallowedPoliciesGlob].some((l) => l.length > 0);
}

/** The policies of a token created against a role that constrains policies (Vault's rules and messages). */
export function rolePolicies(role: TokenRole, parent: TokenEntry, req: VaultRequest): string[] {
  const noDefault = bool(req.body, 'no_default_policy', false);
  const addDefault = !noDefault && !role.noDefaultPolicy && !inList(role.disallowedPolicies, role.disallowedPoliciesGlob, 'default');
  const asked = list(req.body, 'policies') ?? [];
  let policies = asked.length > 0 ? sanitizePolicies(asked, addDefault) : [];
  if (role.allowedPolicies.length > 0 || role.allowedPoliciesGlob.length > 0) {
    const allowed = sanitizePolicies(role.allowedPolicies, addDefault);
    const globs = sanitizePolicies(role.allowedPoliciesGlob, false);
    if (policies.length === 0) policies = allowed;
    else if (policies.some((p) => !inList(allowed, globs, p))) {
      throw VaultError.badRequest(
        `token policies (${JSON.stringify(policies)}) must be subset of the role's allowed policies (${JSON.stringify(allowed)}) or glob policies (${JSON.stringify(globs)})`,
      );
    }
  } else if (policies.length === 0) policies = sanitizePolicies(parent.policies, addDefault);
  const refused = policies.find((p) => inList(role.disallowedPolicies, role.disallowedPoliciesGlob, p));
  if (refused !== undefined) throw VaultError.badRequest(`token policy "${refused}" is disallowed by this role`);
  return noDefault ? policies.filter((p) => p !== 'default') : policies;
}

function writeRole(existing: TokenRole | undefined, name: string, body: Readonly<Record<string, unknown>>): TokenRole {
  const listOr = (key: string, fallback: readonly string[]) => list(body, key) ?? fallback;
  return {
    name,
    allowedPolicies: listOr('allowed_policies', existing?.allowedPolicies ?? []),
    allowedPoliciesGlob: listOr('allowed_policies_glob', existing?.allowedPoliciesGlob ?? []),
    disallowedPolicies: listOr('disallowed_policies', existing?.disallowedPolicies ?? []),
    disallowedPoliciesGlob: listOr('disallowed_policies_glob', existing?.disallowedPoliciesGlob ?? []),
    orphan: bool(body, 'orphan', existing?.orphan ?? false),
    renewable: bool(body, 'renewable', existing?.renewable ?? true),
    explicitMaxTtl: parseDuration(body.token_explicit_max_ttl ?? body.explicit_max_ttl, 'token_explicit_max_ttl') ?? existing?.explicitMaxTtl ?? 0,
    noDefaultPolicy: bool(body, 'token_no_default_policy', existing?.noDefaultPolicy ?? false),
    numUses: int(body, 'token_num_uses', existing?.numUses ?? 0),
    pathSuffix: str(body, 'path_suffix', existing?.pathSuffix ?? ''),
  };
}

function roleData(role: TokenRole): Record<string, unknown> {
  return {
    name: role.name,
    allowed_policies: role.allowedPolicies,
    allowed_policies_glob: role.allowedPoliciesGlob,
    disallowed_policies: role.disallowedPolicies,
    disallowed_policies_glob: role.disallowedPoliciesGlob,
    orphan: role.orphan,
    renewable: role.renewable,
    token_explicit_max_ttl: role.explicitMaxTtl,
    explicit_max_ttl: role.explicitMaxTtl,
    token_no_default_policy: role.noDefaultPolicy,
    path_suffix: role.pathSuffix,
    token_type: 'default-service',
    allowed_entity_aliases: null,
    period: 0,
    token_period: 0,
    ...(role.numUses > 0 ? { token_num_uses: role.numUses } : {}),
  };
}

/** `auth/token/roles[/:name]` and `auth/token/create/:role`, creating tokens with `create`. */
export function tokenRoleRoutes(roles: Map<string, TokenRole>, create: (req: VaultRequest, role: TokenRole) => Reply): Route[] {
  const named = (name: string) => name.toLowerCase();
  return [
    { pattern: /^auth\/token\/roles$/, list: () => ok({ data: { keys: [...roles.keys()].sort() } }) },
    {
      pattern: /^auth\/token\/roles\/([^/]+)$/,
      exists: ([name = '']) => roles.has(named(name)),
      read: (_req, [name = '']) => {
        const role = roles.get(named(name));
        if (!role) throw VaultError.notFound();
        return ok({ data: roleData(role) });
      },
      write: (req, [name = '']) => {
        roles.set(named(name), writeRole(roles.get(named(name)), named(name), req.body));
        return noContent();
      },
      delete: (_req, [name = '']) => {
        roles.delete(named(name));
        return noContent();
      },
    },
    {
      pattern: /^auth\/token\/create\/([^/]+)$/,
      write: (req, [name = '']) => {
        const role = roles.get(named(name));
        if (!role) throw VaultError.badRequest(`unknown role ${name}`);
        return create(req, role);
      },
    },
  ];
}

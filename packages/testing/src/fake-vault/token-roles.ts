/**
 * Token roles (`auth/token/roles/:name`) and the policy rules of `auth/token/create/:role`,
 * ported from Vault's token store: `allowed_policies`, `allowed_policies_glob`,
 * `disallowed_policies`, `disallowed_policies_glob`, `orphan`, `renewable`,
 * `token_explicit_max_ttl`, `token_no_default_policy`, `token_num_uses`, `path_suffix` (internal).
 */
import { VaultError } from './errors.js';
import { glob } from './pki-names.js';
import { boolField, durationField, type FieldValues, intField, listField, readFields, strField } from './role-fields.js';
import type { TokenEntry } from './token-store.js';
import { bool, list, noContent, ok, type Route, type VaultRequest, type Reply } from './types.js';

/** The fields of a token role write, with Vault's defaults. */
const TOKEN_ROLE_FIELDS = {
  allowed_policies: listField([]),
  allowed_policies_glob: listField([]),
  disallowed_policies: listField([]),
  disallowed_policies_glob: listField([]),
  orphan: boolField(false),
  renewable: boolField(true),
  /** Seconds; 0 = none (also written as `explicit_max_ttl`). */
  token_explicit_max_ttl: durationField(0, 'explicit_max_ttl'),
  token_no_default_policy: boolField(false),
  token_num_uses: intField(0),
  path_suffix: strField(''),
};

/** A stored token role (field names as in Vault's API). */
export type TokenRole = FieldValues<typeof TOKEN_ROLE_FIELDS> & { readonly name: string };

/** Vault's `policyutil.SanitizePolicies`: trimmed, lower-case, unique, `default` added on request, `root` alone. */
export function sanitizePolicies(policies: readonly string[], addDefault: boolean): string[] {
  const set = new Set(policies.map((p) => p.trim().toLowerCase()).filter((p) => p !== ''));
  if (set.has('root')) return ['root'];
  if (addDefault) set.add('default');
  return [...set].sort();
}

const inList = (values: readonly string[], globs: readonly string[], policy: string) => values.includes(policy) || globs.some((g) => glob(g, policy));

/** Whether the role constrains policies itself (then the parent's policies do not bound the token). */
export function constrainsPolicies(role: TokenRole): boolean {
  return [role.allowed_policies, role.allowed_policies_glob, role.disallowed_policies, role.disallowed_policies_glob].some((l) => l.length > 0);
}

/** The policies of a token created against a role that constrains policies (Vault's rules and messages). */
export function rolePolicies(role: TokenRole, parent: TokenEntry, req: VaultRequest): string[] {
  const noDefault = bool(req.body, 'no_default_policy', false);
  const addDefault = !noDefault && !role.token_no_default_policy && !inList(role.disallowed_policies, role.disallowed_policies_glob, 'default');
  const asked = list(req.body, 'policies') ?? [];
  let policies = asked.length > 0 ? sanitizePolicies(asked, addDefault) : [];
  if (role.allowed_policies.length > 0 || role.allowed_policies_glob.length > 0) {
    const allowed = sanitizePolicies(role.allowed_policies, addDefault);
    const globs = sanitizePolicies(role.allowed_policies_glob, false);
    if (policies.length === 0) policies = allowed;
    else if (policies.some((p) => !inList(allowed, globs, p))) {
      throw VaultError.badRequest(
        `token policies (${JSON.stringify(policies)}) must be subset of the role's allowed policies (${JSON.stringify(allowed)}) or glob policies (${JSON.stringify(globs)})`,
      );
    }
  } else if (policies.length === 0) policies = sanitizePolicies(parent.policies, addDefault);
  const refused = policies.find((p) => inList(role.disallowed_policies, role.disallowed_policies_glob, p));
  if (refused !== undefined) throw VaultError.badRequest(`token policy "${refused}" is disallowed by this role`);
  return noDefault ? policies.filter((p) => p !== 'default') : policies;
}

/** The role as `GET auth/token/roles/:name` returns it. */
function roleData(role: TokenRole): Record<string, unknown> {
  const { token_num_uses, ...fields } = role;
  return {
    ...fields,
    explicit_max_ttl: role.token_explicit_max_ttl,
    token_type: 'default-service',
    allowed_entity_aliases: null,
    period: 0,
    token_period: 0,
    ...(token_num_uses > 0 ? { token_num_uses } : {}),
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
        roles.set(named(name), { ...readFields(TOKEN_ROLE_FIELDS, req.body, roles.get(named(name))), name: named(name) });
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

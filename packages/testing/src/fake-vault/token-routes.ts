/** `auth/token/...`, `sys/wrapping/...` and `sys/capabilities-self` (internal). */
import { formatRfc3339Nano, parseVaultDuration } from './duration.js';
import { INVALID_TOKEN, VaultError } from './errors.js';
import type { Capability } from './policy.js';
import type { VaultState } from './state.js';
import { randomId, type TokenEntry } from './token-store.js';
import { constrainsPolicies, rolePolicies, tokenRoleRoutes, type TokenRole } from './token-roles.js';
import { bool, envelope, int, list, noContent, ok, str, type Reply, type Route, type VaultRequest } from './types.js';

const WRAP_INVALID = 'wrapping token is not valid or does not exist';

function authBlock(state: VaultState, t: TokenEntry): Record<string, unknown> {
  return {
    client_token: t.id,
    accessor: t.accessor,
    policies: t.policies,
    token_policies: t.policies,
    metadata: t.meta,
    lease_duration: state.tokens.remaining(t),
    renewable: t.renewable,
    entity_id: '',
    token_type: 'service',
    orphan: t.orphan,
    mfa_requirement: null,
    num_uses: t.numUses,
  };
}

function lookupData(state: VaultState, t: TokenEntry): Record<string, unknown> {
  const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
  return {
    accessor: t.accessor,
    creation_time: seconds(t.createdAt),
    creation_ttl: t.ttl,
    display_name: t.displayName,
    entity_id: '',
    expire_time: t.expireAt ? formatRfc3339Nano(t.expireAt) : null,
    explicit_max_ttl: t.explicitMaxTtl,
    id: t.id,
    issue_time: formatRfc3339Nano(t.createdAt),
    meta: t.meta,
    num_uses: t.numUses,
    orphan: t.orphan,
    path: t.path,
    policies: t.policies,
    renewable: t.renewable,
    ttl: state.tokens.remaining(t),
    type: 'service',
    ...(t.role ? { role: t.role } : {}),
  };
}

function childPolicies(parent: TokenEntry, req: VaultRequest): string[] {
  const isRoot = parent.policies.includes('root');
  const asked = list(req.body, 'policies');
  const base = asked ?? parent.policies.filter((p) => p !== 'default' || !bool(req.body, 'no_default_policy', false));
  if (!isRoot && asked) {
    const held = new Set(parent.policies);
    if (asked.some((p) => p !== 'default' && !held.has(p))) throw VaultError.badRequest('child policies must be subset of parent');
  }
  const set = new Set(base);
  if (!bool(req.body, 'no_default_policy', false) && !set.has('root')) set.add('default');
  if (set.size === 0) throw VaultError.badRequest('token must have at least one policy');
  return [...set].sort();
}

/** The new token's policies: the role's rules when it constrains policies, otherwise a subset of the parent's. */
function policiesFor(parent: TokenEntry, req: VaultRequest, role: TokenRole | undefined): string[] {
  const policies = role && constrainsPolicies(role) ? rolePolicies(role, parent, req) : childPolicies(parent, req);
  if (policies.includes('root') && !parent.policies.includes('root'))
    throw VaultError.badRequest('root tokens may not be created without parent token being root');
  return policies;
}

/** TTL and explicit max TTL in seconds, capped like Vault (the lesser explicit max of request and role). */
function ttlsFor(state: VaultState, req: VaultRequest, policies: readonly string[], role: TokenRole | undefined, warnings: string[]) {
  const asked = parseVaultDuration(req.body.explicit_max_ttl, 'explicit_max_ttl') ?? 0;
  const explicitMaxTtl = role?.token_explicit_max_ttl ? (asked > 0 ? Math.min(asked, role.token_explicit_max_ttl) : role.token_explicit_max_ttl) : asked;
  let ttl = parseVaultDuration(req.body.ttl, 'ttl') ?? (policies.includes('root') ? 0 : state.settings.defaultLeaseTtl);
  const cap = explicitMaxTtl > 0 ? Math.min(explicitMaxTtl, state.settings.maxLeaseTtl) : state.settings.maxLeaseTtl;
  if (ttl > cap) {
    warnings.push(`TTL of "${ttl}s" exceeded the effective max_ttl of "${cap}s"; TTL value is capped accordingly`);
    ttl = cap;
  }
  return { ttl, explicitMaxTtl };
}

function createToken(state: VaultState, req: VaultRequest, orphan: boolean, role?: TokenRole): Reply {
  const parent = req.token as TokenEntry;
  const isRoot = parent.policies.includes('root');
  if (req.body.id !== undefined && !isRoot) throw VaultError.badRequest('root or sudo privileges required to specify token id');
  if (!role && (orphan || bool(req.body, 'no_parent', false)) && !isRoot && req.path.endsWith('/create'))
    throw VaultError.badRequest('root or sudo privileges required to create orphan token');
  let numUses = int(req.body, 'num_uses', 0);
  if (numUses < 0) throw VaultError.badRequest('number of uses cannot be negative');
  if (role && role.token_num_uses > 0 && (numUses === 0 || role.token_num_uses < numUses)) numUses = role.token_num_uses;
  const policies = policiesFor(parent, req, role);
  const warnings: string[] = [];
  const { ttl, explicitMaxTtl } = ttlsFor(state, req, policies, role, warnings);
  const isOrphan = role ? role.orphan : orphan || bool(req.body, 'no_parent', false);
  const token = state.tokens.create({
    id: req.body.id === undefined ? undefined : String(req.body.id),
    policies,
    parent: isOrphan ? undefined : parent.id,
    displayName: `token${str(req.body, 'display_name') ? `-${str(req.body, 'display_name')}` : ''}`,
    path: role?.path_suffix ? `${req.path}/${role.path_suffix}` : req.path,
    meta: (req.body.meta as Record<string, string> | undefined) ?? null,
    ttl,
    explicitMaxTtl,
    renewable: bool(req.body, 'renewable', true) && (role?.renewable ?? true),
    numUses,
    orphan: isOrphan,
    ...(role ? { role: role.name } : {}),
  });
  return ok({ auth: authBlock(state, token), warnings });
}

function renew(state: VaultState, t: TokenEntry | undefined, req: VaultRequest): Reply {
  if (!t) throw VaultError.badRequest('token not found');
  if (!t.renewable) throw VaultError.badRequest('lease is not renewable');
  const increment = parseVaultDuration(req.body.increment, 'increment') ?? t.ttl;
  state.tokens.renew(t, increment, state.settings.maxLeaseTtl);
  return ok({ auth: authBlock(state, t) });
}

function tokenRoutes(state: VaultState): Route[] {
  const other = (req: VaultRequest) => state.tokens.lookup(str(req.body, 'token'));
  const revoke = (id: string): Reply => {
    state.tokens.revoke(id);
    return noContent();
  };
  return [
    { pattern: /^auth\/token\/create$/, write: (req) => createToken(state, req, false) },
    { pattern: /^auth\/token\/create-orphan$/, write: (req) => createToken(state, req, true) },
    ...tokenRoleRoutes(state.tokenRoles, (req, role) => createToken(state, req, false, role)),
    { pattern: /^auth\/token\/lookup-self$/, read: (req) => ok({ data: lookupData(state, req.token as TokenEntry) }) },
    {
      pattern: /^auth\/token\/lookup$/,
      write: (req) => {
        const t = other(req);
        if (!t) throw VaultError.badRequest('bad token');
        return ok({ data: lookupData(state, t) });
      },
    },
    { pattern: /^auth\/token\/renew-self$/, write: (req) => renew(state, req.token, req) },
    { pattern: /^auth\/token\/renew$/, write: (req) => renew(state, other(req), req) },
    { pattern: /^auth\/token\/revoke$/, write: (req) => revoke(str(req.body, 'token')) },
    { pattern: /^auth\/token\/revoke-self$/, write: (req) => revoke((req.token as TokenEntry).id) },
  ];
}

/** Wraps a successful response: stores it and answers with `wrap_info` instead. */
export function wrapResponse(state: VaultState, body: Record<string, unknown>, ttl: number, path: string): Reply {
  const token = randomId('hvs.');
  const accessor = randomId();
  const createdAt = state.settings.now();
  state.wraps.set(token, { body, expireAt: new Date(createdAt.getTime() + ttl * 1000), creationPath: path, accessor, createdAt });
  const auth = body.auth as { accessor?: string } | null;
  const wrapInfo = { token, accessor, ttl, creation_time: formatRfc3339Nano(createdAt), creation_path: path, wrapped_accessor: auth?.accessor ?? '' };
  return { status: 200, body: envelope({ wrap_info: wrapInfo }) };
}

function wrappingRoutes(state: VaultState): Route[] {
  const wrapTokenOf = (req: VaultRequest): string => {
    const inBody = str(req.body, 'token');
    if (inBody === '') return req.headers.get('x-vault-token') ?? '';
    if (!state.tokens.lookup(req.headers.get('x-vault-token') ?? '')) throw VaultError.denied(INVALID_TOKEN);
    return inBody;
  };
  const live = (token: string) => {
    const w = state.wraps.get(token);
    if (!w || w.expireAt.getTime() <= state.settings.now().getTime()) {
      state.wraps.delete(token);
      throw VaultError.badRequest(WRAP_INVALID);
    }
    return w;
  };
  return [
    {
      pattern: /^sys\/wrapping\/unwrap$/,
      unauthenticated: true,
      write: (req) => {
        const token = wrapTokenOf(req);
        const w = live(token);
        state.wraps.delete(token);
        return { status: 200, body: { ...w.body, ...{ request_id: envelope({}).request_id } } };
      },
    },
    {
      pattern: /^sys\/wrapping\/lookup$/,
      unauthenticated: true,
      write: (req) => {
        const w = live(wrapTokenOf(req));
        const ttl = Math.round((w.expireAt.getTime() - w.createdAt.getTime()) / 1000);
        return ok({ data: { creation_path: w.creationPath, creation_time: formatRfc3339Nano(w.createdAt), creation_ttl: ttl } });
      },
    },
  ];
}

/** `sys/capabilities-self`, answered with the given ACL function. */
function capabilityRoutes(capabilities: (t: TokenEntry, path: string) => Capability[] | ['root']): Route[] {
  return [
    {
      pattern: /^sys\/capabilities-self$/,
      write: (req) => {
        const paths = list(req.body, 'paths') ?? (str(req.body, 'path') ? [str(req.body, 'path')] : []);
        const data: Record<string, unknown> = {};
        for (const p of paths) data[p] = capabilities(req.token as TokenEntry, p);
        if (paths.length === 1) data.capabilities = data[paths[0] ?? ''];
        return { status: 200, body: { ...data, ...envelope({ data }) } };
      },
    },
  ];
}

/** Every token, wrapping and capability path. */
export function authRoutes(state: VaultState, capabilities: (t: TokenEntry, path: string) => Capability[] | ['root']): Route[] {
  return [...tokenRoutes(state), ...wrappingRoutes(state), ...capabilityRoutes(capabilities)];
}

/** `sys/...`: health, seal, mounts and tuning, policies (internal). */
import { parseVaultDuration } from './duration.js';
import { VaultError } from './errors.js';
import { parsePolicy } from './policy.js';
import type { Mount, VaultState } from './state.js';
import { envelope, noContent, ok, str, type Reply, type Route } from './types.js';

/** The Vault version the fake reports. */
export const FAKE_VERSION = '1.17.0+fake';

function healthBody(state: VaultState): Record<string, unknown> {
  return {
    initialized: true,
    sealed: state.sealed,
    standby: false,
    performance_standby: false,
    replication_performance_mode: 'disabled',
    replication_dr_mode: 'disabled',
    server_time_utc: Math.floor(state.settings.now().getTime() / 1000),
    version: FAKE_VERSION,
    cluster_name: 'vault-cluster-fake',
    cluster_id: 'fake-cluster',
  };
}

function sealStatus(state: VaultState): Reply {
  return {
    status: 200,
    body: {
      type: 'shamir',
      initialized: true,
      sealed: state.sealed,
      t: 1,
      n: 1,
      progress: 0,
      nonce: '',
      version: FAKE_VERSION,
      migration: false,
      recovery_seal: false,
      storage_type: 'inmem',
    },
  };
}

function mountEntry(
  state: VaultState,
  m: Pick<Mount, 'type' | 'description' | 'accessor' | 'uuid' | 'defaultLeaseTtl' | 'maxLeaseTtl'>,
): Record<string, unknown> {
  return {
    accessor: m.accessor,
    config: { default_lease_ttl: m.defaultLeaseTtl, force_no_cache: false, max_lease_ttl: m.maxLeaseTtl },
    description: m.description,
    external_entropy_access: false,
    local: false,
    options: null,
    plugin_version: '',
    running_plugin_version: `v${FAKE_VERSION}+builtin.vault`,
    seal_wrap: false,
    type: m.type,
    uuid: m.uuid,
  };
}

const SYSTEM_MOUNTS = [
  { path: 'cubbyhole/', type: 'cubbyhole', description: 'per-token private secret storage' },
  { path: 'identity/', type: 'identity', description: 'identity store' },
  { path: 'sys/', type: 'system', description: 'system endpoints used for control, policy and debugging' },
];

function listMounts(state: VaultState): Reply {
  const entries: Record<string, unknown> = {};
  for (const s of SYSTEM_MOUNTS)
    entries[s.path] = mountEntry(state, { ...s, accessor: `${s.type}_fake`, uuid: `${s.type}-fake`, defaultLeaseTtl: 0, maxLeaseTtl: 0 });
  for (const m of state.mounts.values()) entries[m.path] = mountEntry(state, m);
  return { status: 200, body: { ...entries, ...envelope({ data: entries }) } };
}

/** The mount at `path`; a missing one is a 400 with `missing`'s words (they differ by endpoint, as in Vault). */
function findMount(state: VaultState, path: string, missing = `cannot fetch sysview for path "${path}/"`): Mount {
  const m = state.mounts.get(`${path.replace(/\/+$/, '')}/`);
  if (!m) throw VaultError.badRequest(missing);
  return m;
}

function mountRoutes(state: VaultState): Route[] {
  return [
    { pattern: /^sys\/mounts$/, read: () => listMounts(state) },
    {
      pattern: /^sys\/mounts\/(.+)\/tune$/,
      read: (_req, [path = '']) => {
        const m = findMount(state, path);
        const t = state.ttlsOf(m);
        return ok({ data: { default_lease_ttl: t.defaultLeaseTtl, max_lease_ttl: t.maxLeaseTtl, force_no_cache: false, description: m.description } });
      },
      write: (req, [path = '']) => {
        const m = findMount(state, path);
        const max = parseVaultDuration(req.body.max_lease_ttl, 'max_lease_ttl');
        const def = parseVaultDuration(req.body.default_lease_ttl, 'default_lease_ttl');
        if (max !== undefined) m.maxLeaseTtl = max;
        if (def !== undefined) m.defaultLeaseTtl = def;
        if (typeof req.body.description === 'string') m.description = req.body.description;
        return noContent();
      },
    },
    {
      pattern: /^sys\/mounts\/(.+)$/,
      // Vault's handleReadMount: a path with no mount is an error response (400), not a 404
      read: (_req, [path = '']) => ok({ data: mountEntry(state, findMount(state, path, `No secret engine mount at ${path.replace(/\/+$/, '')}/`)) }),
      write: (req, [path = '']) => {
        const config = (req.body.config ?? {}) as Record<string, unknown>;
        const ttls = {
          defaultLeaseTtl: parseVaultDuration(config.default_lease_ttl, 'default_lease_ttl'),
          maxLeaseTtl: parseVaultDuration(config.max_lease_ttl, 'max_lease_ttl'),
        };
        state.enable(path, str(req.body, 'type'), str(req.body, 'description'), ttls);
        return noContent();
      },
      delete: (_req, [path = '']) => {
        state.mounts.delete(`${path.replace(/\/+$/, '')}/`);
        return noContent();
      },
    },
  ];
}

function policyNames(state: VaultState): string[] {
  return [...state.policies.keys(), 'root'].sort();
}

function writePolicy(state: VaultState, name: string, text: string): Reply {
  if (name === 'root') throw VaultError.badRequest('cannot update "root" policy');
  if (text === '') throw VaultError.badRequest("'policy' parameter not supplied or empty");
  state.policies.set(name, { text, rules: parsePolicy(text) });
  return noContent();
}

function deletePolicy(state: VaultState, name: string): Reply {
  if (name === 'root' || name === 'default') throw VaultError.badRequest(`cannot delete "${name}" policy`);
  state.policies.delete(name);
  return noContent();
}

function policyRoutes(state: VaultState): Route[] {
  const read = (name: string) => {
    const p = state.policies.get(name.toLowerCase());
    if (!p && name !== 'root') throw VaultError.notFound();
    return p?.text ?? '';
  };
  return [
    {
      pattern: /^sys\/policy$/,
      read: () => ({
        status: 200,
        body: { policies: policyNames(state), keys: policyNames(state), ...envelope({ data: { policies: policyNames(state), keys: policyNames(state) } }) },
      }),
    },
    {
      pattern: /^sys\/policy\/([^/]+)$/,
      exists: ([name = '']) => state.policies.has(name.toLowerCase()),
      read: (_req, [name = '']) => {
        const rules = read(name);
        return { status: 200, body: { name, rules, ...envelope({ data: { name, rules } }) } };
      },
      write: (req, [name = '']) => writePolicy(state, name.toLowerCase(), str(req.body, 'policy', str(req.body, 'rules'))),
      delete: (_req, [name = '']) => deletePolicy(state, name.toLowerCase()),
    },
    { pattern: /^sys\/policies\/acl$/, list: () => ok({ data: { keys: policyNames(state) } }) },
    {
      pattern: /^sys\/policies\/acl\/([^/]+)$/,
      exists: ([name = '']) => state.policies.has(name.toLowerCase()),
      read: (_req, [name = '']) => ok({ data: { name, policy: read(name) } }),
      write: (req, [name = '']) => writePolicy(state, name.toLowerCase(), str(req.body, 'policy')),
      delete: (_req, [name = '']) => deletePolicy(state, name.toLowerCase()),
    },
  ];
}

function sealRoutes(state: VaultState): Route[] {
  return [
    {
      pattern: /^sys\/health$/,
      unauthenticated: true,
      read: (req) => {
        const sealedCode = Number(req.query.get('sealedcode') ?? 503);
        const activeCode = Number(req.query.get('activecode') ?? 200);
        return { status: state.sealed ? sealedCode : activeCode, body: healthBody(state) };
      },
    },
    { pattern: /^sys\/seal-status$/, unauthenticated: true, read: () => sealStatus(state) },
    {
      pattern: /^sys\/seal$/,
      sudo: true,
      write: () => {
        state.sealed = true;
        return noContent();
      },
    },
    {
      pattern: /^sys\/unseal$/,
      unauthenticated: true,
      write: (req) => {
        if (req.body.reset === true) return sealStatus(state);
        if (str(req.body, 'key') !== state.settings.unsealKey) throw VaultError.badRequest('invalid key');
        state.sealed = false;
        return sealStatus(state);
      },
    },
  ];
}

/** Every `sys/` path the fake serves. */
export function sysRoutes(state: VaultState): Route[] {
  return [...sealRoutes(state), ...mountRoutes(state), ...policyRoutes(state)];
}

/**
 * Vault ACL policies: parsing HCL or JSON `path "..." { capabilities = [...] }` rules and deciding
 * what a set of policies allows on a path, with Vault's `*` (prefix) and `+` (one segment) globs
 * and its priority rules between several matching globs (internal).
 */
import { VaultError } from './errors.js';

/** A capability a policy grants on a path. */
export type Capability = 'create' | 'read' | 'update' | 'patch' | 'delete' | 'list' | 'sudo' | 'deny';

const CAPABILITIES: readonly Capability[] = ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo', 'deny'];
const LEGACY: Readonly<Record<string, readonly Capability[]>> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'delete', 'list', 'sudo'],
};

/** One `path` block. */
export interface PathRule {
  readonly path: string;
  readonly capabilities: readonly Capability[];
}

function checkCapabilities(path: string, caps: readonly unknown[]): Capability[] {
  for (const c of caps) {
    if (typeof c !== 'string' || !CAPABILITIES.includes(c as Capability)) {
      throw VaultError.badRequest(`failed to parse policy: path "${path}": invalid capability "${String(c)}"`);
    }
  }
  return caps as Capability[];
}

function parseJsonPolicy(text: string): PathRule[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw VaultError.badRequest(`failed to parse policy: ${(e as Error).message}`);
  }
  const paths = (doc as { path?: unknown }).path;
  if (typeof paths !== 'object' || paths === null) return [];
  return Object.entries(paths as Record<string, { capabilities?: unknown[]; policy?: string }>).map(([path, block]) => ({
    path,
    capabilities: block.capabilities ? checkCapabilities(path, block.capabilities) : [...(LEGACY[block.policy ?? ''] ?? [])],
  }));
}

function parseHclPolicy(text: string): PathRule[] {
  const clean = text.replace(/(^|[^:"])(#|\/\/).*$/gm, '$1').replace(/\/\*[\s\S]*?\*\//g, '');
  const rules: PathRule[] = [];
  const block = /path\s+"([^"]*)"\s*\{([^}]*)\}/g;
  let consumed = '';
  for (const m of clean.matchAll(block)) {
    consumed += m[0];
    const [, path = '', body = ''] = m;
    const caps = /capabilities\s*=\s*\[([^\]]*)\]/.exec(body);
    const legacy = /policy\s*=\s*"([^"]*)"/.exec(body);
    if (caps) {
      const list = [...(caps[1] ?? '').matchAll(/"([^"]*)"/g)].map((c) => c[1]);
      rules.push({ path, capabilities: checkCapabilities(path, list) });
    } else if (legacy && LEGACY[legacy[1] ?? '']) {
      rules.push({ path, capabilities: [...(LEGACY[legacy[1] ?? ''] ?? [])] });
    } else {
      throw VaultError.badRequest(`failed to parse policy: path "${path}": no capabilities`);
    }
  }
  if (clean.replace(block, '').trim() !== '' || (consumed === '' && clean.trim() !== '')) {
    throw VaultError.badRequest('failed to parse policy: unexpected content outside path blocks');
  }
  return rules;
}

/** Parses a policy document, HCL or JSON. Throws a 400 VaultError on bad input. */
export function parsePolicy(text: string): PathRule[] {
  return text.trim().startsWith('{') ? parseJsonPolicy(text) : parseHclPolicy(text);
}

function isGlob(path: string): boolean {
  return path.endsWith('*') || path.split('/').includes('+');
}

/** Whether a rule path (with `+` segments and an optional trailing `*`) matches a request path. */
export function ruleMatches(rule: string, path: string): boolean {
  const prefix = rule.endsWith('*');
  const ruleSegs = (prefix ? rule.slice(0, -1) : rule).split('/');
  const pathSegs = path.split('/');
  if (!prefix && ruleSegs.length !== pathSegs.length) return false;
  if (prefix && pathSegs.length < ruleSegs.length) return false;
  return ruleSegs.every((seg, i) => {
    const actual = pathSegs[i] ?? '';
    if (i === ruleSegs.length - 1 && prefix) return actual.startsWith(seg);
    return seg === '+' ? true : seg === actual;
  });
}

function firstWildcard(p: string): number {
  const plus = /(^|\/)\+(\/|$)/.exec(p);
  const plusAt = plus ? plus.index + (plus[1] ?? '').length : Infinity;
  const star = p.endsWith('*') ? p.length - 1 : Infinity;
  return Math.min(plusAt, star);
}

/** Vault's glob priority: > 0 when `a` has higher priority than `b`. */
export function comparePriority(a: string, b: string): number {
  const wa = firstWildcard(a);
  const wb = firstWildcard(b);
  if (wa !== wb) return wa - wb;
  const sa = a.endsWith('*');
  const sb = b.endsWith('*');
  if (sa !== sb) return sa ? -1 : 1;
  const pa = a.split('/').filter((s) => s === '+').length;
  const pb = b.split('/').filter((s) => s === '+').length;
  if (pa !== pb) return pb - pa;
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The capabilities a set of policies grants on `path`: rules for the same path in several
 * policies are merged; an exact rule wins over globs; among globs the highest priority wins;
 * `deny` removes everything.
 */
export function capabilitiesFor(policies: readonly (readonly PathRule[])[], path: string): Set<Capability> {
  const merged = new Map<string, Set<Capability>>();
  for (const rules of policies) {
    for (const r of rules) {
      const set = merged.get(r.path) ?? new Set<Capability>();
      for (const c of r.capabilities) set.add(c);
      merged.set(r.path, set);
    }
  }
  let best: string | undefined;
  const exact = merged.get(path);
  if (exact && !isGlob(path)) best = path;
  else {
    for (const rule of merged.keys()) {
      if (!isGlob(rule) || !ruleMatches(rule, path)) continue;
      if (best === undefined || comparePriority(rule, best) > 0) best = rule;
    }
  }
  const caps = best === undefined ? new Set<Capability>() : new Set(merged.get(best));
  return caps.has('deny') ? new Set() : caps;
}

/** Vault's built-in `default` policy (the parts this fake serves). */
export const DEFAULT_POLICY = `# Allow tokens to look up, renew and revoke themselves
path "auth/token/lookup-self" { capabilities = ["read"] }
path "auth/token/renew-self" { capabilities = ["update"] }
path "auth/token/revoke-self" { capabilities = ["update"] }
path "sys/capabilities-self" { capabilities = ["update"] }
# Allow response wrapping
path "sys/wrapping/wrap" { capabilities = ["update"] }
path "sys/wrapping/lookup" { capabilities = ["update"] }
path "sys/wrapping/unwrap" { capabilities = ["update"] }
path "sys/leases/renew" { capabilities = ["update"] }
path "sys/leases/lookup" { capabilities = ["update"] }
`;

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVALID_TOKEN, PERMISSION_DENIED } from './errors.js';
import { capabilitiesFor, parsePolicy } from './policy.js';
import { failure, inProcess, setupPki, type InProcess } from './test-support.js';

type Auth = { auth: { client_token: string; accessor: string; policies: string[]; lease_duration: number; renewable: boolean; num_uses: number } };

let now = Date.now();
let t: InProcess;
/** Mints a token with a separate client (tokenCreate overwrites the caller's token). */
const mint = async (body: Record<string, unknown>) => ((await t.client(t.vault.rootToken).tokenCreate(body)) as Auth).auth;

beforeAll(async () => {
  t = inProcess({ now: () => new Date(now) });
  await setupPki(t.root, 'pki-a', { web: { allow_any_name: true } });
  await setupPki(t.root, 'pki-b', { web: { allow_any_name: true } });
  await t.root.addPolicy({
    name: 'cluster-a',
    rules: 'path "pki-a/issue/*" {\n  capabilities = ["update"]\n}\n# the CA is public anyway\npath "pki-a/cert/ca" { capabilities = ["read"] }',
  });
});
afterAll(() => t.close());

describe('tokens', () => {
  it('requires X-Vault-Token and rejects unknown tokens', async () => {
    expect(await failure(t.client('').read('sys/mounts'))).toEqual({ status: 403, message: 'permission denied' });
    expect(await failure(t.client('hvs.nope').read('sys/mounts'))).toEqual({ status: 403, message: INVALID_TOKEN });
  });

  it('creates tokens with policies, ttl, renewable and looks them up', async () => {
    const auth = await mint({ policies: ['cluster-a'], ttl: '1h', renewable: true });
    expect(auth).toMatchObject({ policies: ['cluster-a', 'default'], lease_duration: 3600, renewable: true });
    const self = (await t.client(auth.client_token).tokenLookupSelf()).data;
    expect(self).toMatchObject({
      id: auth.client_token,
      policies: ['cluster-a', 'default'],
      ttl: 3600,
      creation_ttl: 3600,
      path: 'auth/token/create',
      renewable: true,
    });
    const rootSelf = (await t.root.tokenLookupSelf()).data;
    expect(rootSelf).toMatchObject({ policies: ['root'], ttl: 0, expire_time: null });
  });

  it('expires on the simulated clock and renews up to the max', async () => {
    const auth = await mint({ policies: ['cluster-a'], ttl: '1h', explicit_max_ttl: '3h' });
    const client = t.client(auth.client_token);
    now += 50 * 60_000;
    const renewed = (await client.tokenRenewSelf({ increment: '2h' })) as Auth;
    expect(renewed.auth.lease_duration).toBe(7200);
    now += 2 * 3600_000 - 60_000; // 2h49m since creation: the 3h cap leaves 11 minutes
    expect(((await client.tokenRenewSelf({ increment: '2h' })) as Auth).auth.lease_duration).toBe(11 * 60);
    now += 12 * 60_000;
    expect(await failure(client.tokenLookupSelf())).toEqual({ status: 403, message: INVALID_TOKEN });
  });

  it('refuses renewing a non-renewable token, counts num_uses, and revokes children with the parent', async () => {
    const fixed = await mint({ policies: ['cluster-a'], renewable: false });
    expect(await failure(t.client(fixed.client_token).tokenRenewSelf())).toEqual({ status: 400, message: 'lease is not renewable' });
    const twice = await mint({ policies: ['cluster-a'], num_uses: 2 });
    const c = t.client(twice.client_token);
    expect((await c.tokenLookupSelf()).data.num_uses).toBe(1);
    await c.tokenLookupSelf();
    expect(await failure(c.tokenLookupSelf())).toEqual({ status: 403, message: INVALID_TOKEN });
    await t.root.addPolicy({ name: 'minter', rules: 'path "auth/token/create" { capabilities = ["update"] }' });
    const parent = await mint({ policies: ['minter', 'cluster-a'] });
    const child = ((await t.client(parent.client_token).tokenCreate({ policies: ['cluster-a'] })) as Auth).auth;
    expect(await failure(t.client(parent.client_token).tokenCreate({ policies: ['root'] }))).toEqual({
      status: 400,
      message: 'child policies must be subset of parent',
    });
    await t.root.tokenRevoke({ token: parent.client_token });
    expect(await failure(t.client(child.client_token).tokenLookupSelf())).toEqual({ status: 403, message: INVALID_TOKEN });
  });
});

describe('policies', () => {
  it('stores policies in sys/policy and sys/policies/acl', async () => {
    expect((await t.root.getPolicy({ name: 'cluster-a' })).rules).toContain('pki-a/issue/*');
    await t.root.write('sys/policies/acl/json-one', { policy: JSON.stringify({ path: { 'pki-b/issue/+': { capabilities: ['update'] } } }) });
    expect((await t.root.read('sys/policies/acl/json-one')).data.policy).toContain('pki-b/issue/+');
    expect((await t.root.list('sys/policies/acl')).data.keys).toEqual(expect.arrayContaining(['cluster-a', 'default', 'json-one', 'root']));
    expect((await t.root.policies()).policies).toContain('cluster-a');
    expect(await failure(t.root.addPolicy({ name: 'bad', rules: 'path "x" { capabilities = ["fly"] }' }))).toMatchObject({ status: 400 });
    expect(await failure(t.root.removePolicy({ name: 'default' }))).toEqual({ status: 400, message: 'cannot delete "default" policy' });
    await t.root.removePolicy({ name: 'json-one' });
    expect(await failure(t.root.read('sys/policies/acl/json-one'))).toMatchObject({ status: 404 });
  });

  it('enforces policies: a per-cluster token cannot touch another cluster', async () => {
    const a = t.client((await mint({ policies: ['cluster-a'] })).client_token);
    expect((await a.write('pki-a/issue/web', { common_name: 'ok.io' })).data.certificate).toMatch(/BEGIN CERTIFICATE/);
    expect(await failure(a.write('pki-b/issue/web', { common_name: 'ok.io' }))).toEqual({ status: 403, message: PERMISSION_DENIED });
    expect(await failure(a.read('sys/mounts'))).toEqual({ status: 403, message: PERMISSION_DENIED });
    expect(await failure(a.write('pki-a/roles/web', { allow_any_name: true }))).toEqual({ status: 403, message: PERMISSION_DENIED });
    expect(await failure(a.list('pki-a/roles'))).toEqual({ status: 403, message: PERMISSION_DENIED });
    expect(await failure(a.write('sys/seal', {}))).toEqual({ status: 403, message: PERMISSION_DENIED });
  });

  it('distinguishes create from update on roles (existence check)', async () => {
    await t.root.addPolicy({ name: 'role-updater', rules: 'path "pki-a/roles/*" { capabilities = ["update", "read"] }' });
    const c = t.client((await mint({ policies: ['role-updater'] })).client_token);
    await c.write('pki-a/roles/web', { allow_any_name: true });
    expect(await failure(c.write('pki-a/roles/brand-new', { allow_any_name: true }))).toEqual({ status: 403, message: PERMISSION_DENIED });
  });

  it('applies Vault’s glob semantics and priorities', () => {
    const rules = [
      parsePolicy(
        'path "secret/*" { capabilities = ["read"] }\npath "secret/+/x" { capabilities = ["update"] }\npath "secret/deny/x" { capabilities = ["deny"] }',
      ),
    ];
    expect([...capabilitiesFor(rules, 'secret/a/b/c')]).toEqual(['read']);
    expect([...capabilitiesFor(rules, 'secret/a/x')]).toEqual(['update']);
    expect([...capabilitiesFor(rules, 'secret/deny/x')]).toEqual([]);
    expect([...capabilitiesFor(rules, 'other/a')]).toEqual([]);
    expect([...capabilitiesFor([parsePolicy('path "pki-a/issue/*" { capabilities = ["update"] }')], 'pki-ab/issue/x')]).toEqual([]);
    expect([
      ...capabilitiesFor([parsePolicy('path "pki-*" { capabilities = ["list"] }'), parsePolicy('path "pki-a/*" { capabilities = ["read"] }')], 'pki-a/x'),
    ]).toEqual(['read']);
  });

  it('answers sys/capabilities-self', async () => {
    const c = t.client((await mint({ policies: ['cluster-a'] })).client_token);
    const res = await c.write('sys/capabilities-self', { paths: ['pki-a/issue/web', 'pki-b/issue/web'] });
    expect(res.data).toMatchObject({ 'pki-a/issue/web': ['update'], 'pki-b/issue/web': [] });
  });
});

describe('response wrapping', () => {
  it('wraps a token creation; the wrapping token unwraps once', async () => {
    const wrapped = await t.root.write('auth/token/create', { policies: ['cluster-a'], ttl: '1h' }, { headers: { 'X-Vault-Wrap-TTL': '5m' } });
    expect(wrapped.auth).toBeNull();
    expect(wrapped.wrap_info).toMatchObject({ ttl: 300, creation_path: 'auth/token/create' });
    const wrapper = t.client(wrapped.wrap_info.token);
    const unwrapped = (await wrapper.unwrap()) as Auth;
    expect(unwrapped.auth.policies).toEqual(['cluster-a', 'default']);
    expect(unwrapped.auth.accessor).toBe(wrapped.wrap_info.wrapped_accessor);
    expect((await t.client(unwrapped.auth.client_token).tokenLookupSelf()).data.ttl).toBe(3600);
    expect(await failure(wrapper.unwrap())).toEqual({ status: 400, message: 'wrapping token is not valid or does not exist' });
  });

  it('wraps data responses, unwraps by body token, and expires', async () => {
    const wrapped = await t.root.write('pki-a/issue/web', { common_name: 'wrapped.io' }, { headers: { 'X-Vault-Wrap-TTL': '60' } });
    const data = await t.root.unwrap({ token: wrapped.wrap_info.token });
    expect(data.data.certificate).toMatch(/BEGIN CERTIFICATE/);
    const later = await t.root.read('pki-a/cert/ca', { headers: { 'X-Vault-Wrap-TTL': '60s' } });
    now += 61_000;
    expect(await failure(t.root.unwrap({ token: later.wrap_info.token }))).toEqual({ status: 400, message: 'wrapping token is not valid or does not exist' });
  });
});

/** Token roles: the policies a role lets a token be created with, as Vault decides them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { glob } from './pki-names.js';
import { failure, inProcess, type InProcess } from './test-support.js';

type Auth = { auth: { client_token: string; policies: string[]; orphan: boolean; renewable: boolean } };

let t: InProcess;
let minter: string;

beforeAll(async () => {
  t = inProcess();
  await t.root.addPolicy({ name: 'minter', rules: 'path "auth/token/create/nodes" { capabilities = ["update"] }' });
  await t.root.addPolicy({ name: 'kubeception-a', rules: 'path "pki-a/issue/worker" { capabilities = ["update"] }' });
  await t.root.addPolicy({ name: 'kubeception-b', rules: 'path "pki-b/issue/worker" { capabilities = ["update"] }' });
  await t.root.write('auth/token/roles/nodes', {
    allowed_policies_glob: ['kubeception-*'],
    disallowed_policies: ['kubeception-admin'],
    orphan: true,
    token_explicit_max_ttl: '24h',
    token_no_default_policy: true,
  });
  minter = ((await t.root.write('auth/token/create', { policies: ['minter'], no_default_policy: true })) as Auth).auth.client_token;
});
afterAll(() => t.close());

describe('token roles', () => {
  it('stores and reads a role', async () => {
    const role = (await t.root.read('auth/token/roles/nodes')) as { data: Record<string, unknown> };
    expect(role.data).toMatchObject({
      name: 'nodes',
      allowed_policies_glob: ['kubeception-*'],
      disallowed_policies: ['kubeception-admin'],
      orphan: true,
      token_explicit_max_ttl: 86_400,
      token_no_default_policy: true,
    });
    expect(((await t.root.read('auth/token/roles?list=true')) as { data: { keys: string[] } }).data.keys).toEqual(['nodes']);
  });

  it('lets a token that holds none of them create tokens with policies the role allows, orphaned and bounded', async () => {
    const created = (await t.client(minter).write('auth/token/create/nodes', { policies: ['kubeception-a'], ttl: '1h' })) as Auth;
    expect(created.auth).toMatchObject({ policies: ['kubeception-a'], orphan: true });
    const self = (await t.root.write('auth/token/lookup', { token: created.auth.client_token })) as { data: Record<string, unknown> }; // no default policy: it cannot look itself up
    expect(self.data).toMatchObject({ role: 'nodes', path: 'auth/token/create/nodes', explicit_max_ttl: 86_400 });
    await expect(t.client(created.auth.client_token).write('pki-a/issue/worker', {})).rejects.toMatchObject({ response: { statusCode: 404 } }); // allowed by ACL; no mount here
  });

  it('refuses policies outside the glob, disallowed ones, and root, with Vault’s words', async () => {
    const asMinter = t.client(minter);
    expect(await failure(asMinter.write('auth/token/create/nodes', { policies: ['minter'] }))).toMatchObject({
      status: 400,
      message: expect.stringContaining("must be subset of the role's allowed policies"),
    });
    expect(await failure(asMinter.write('auth/token/create/nodes', { policies: ['kubeception-admin'] }))).toEqual({
      status: 400,
      message: 'token policy "kubeception-admin" is disallowed by this role',
    });
    expect(await failure(asMinter.write('auth/token/create/nodes', { policies: ['root'] }))).toMatchObject({ status: 400 });
    expect(await failure(asMinter.write('auth/token/create/nope', { policies: ['kubeception-a'] }))).toMatchObject({ status: 403 }); // no ACL on another role
    expect(await failure(t.root.write('auth/token/create/nope', { policies: ['kubeception-a'] }))).toEqual({ status: 400, message: 'unknown role nope' });
  });

  it('without the role, the same token may not create tokens at all', async () => {
    expect(await failure(t.client(minter).write('auth/token/create', { policies: ['kubeception-a'] }))).toMatchObject({ status: 403 });
  });

  it('matches go-glob patterns', () => {
    expect(glob('kubeception-*', 'kubeception-demo-x')).toBe(true);
    expect(glob('kubeception-*', 'root')).toBe(false);
    expect(glob('*-admin', 'kubeception-admin')).toBe(true);
    expect(glob('a.b', 'axb')).toBe(false);
  });
});

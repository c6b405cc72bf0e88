/**
 * Node tokens (review item 9): a token is minted for explicit roles and can issue from those
 * only; a role whose certificates carry system:masters is refused. Real node-vault against the
 * fake Vault, which enforces the ACLs and the token role.
 */
import { createVaultPki, nodeRoles, nodeTokenRole, tokenMinterPolicy } from '@kubeception/pki-vault';
import { clusterId } from '@kubeception/sdk';
import { startFakeVault, type StartedFakeVault } from '@kubeception/testing';
import vault from 'node-vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let fake: StartedFakeVault;
const client = (token = fake.rootToken) => vault({ endpoint: fake.url, token, noCustomHTTPVerbs: true });
const demo = { namespace: 'default', name: 'demo' };
const other = { namespace: 'other', name: 'demo' };
const mount = (c: typeof demo) => `pki-${clusterId(c)}`;
const role = (cluster: typeof demo, name: string, organizations: string[], allowedDomains = [name]) => ({
  cluster,
  name,
  allowedDomains,
  allowSubdomains: false,
  allowBareDomains: true,
  allowIPSANs: false,
  organizations,
});

beforeAll(async () => {
  fake = await startFakeVault({ maxLeaseTtl: '876000h' });
  const pki = createVaultPki({ client: client() });
  for (const cluster of [demo, other]) {
    (
      await pki.ensureAuthority({ cluster, owner: { ...cluster, uid: `uid-${cluster.namespace}` }, commonName: 'demo', ttl: '87600h', keyType: 'ec' })
    )._unsafeUnwrap();
    for (const r of [role(cluster, 'admin', ['system:masters']), role(cluster, 'worker', ['system:nodes']), role(cluster, 'ops', ['system:masters'], ['ops'])])
      (await pki.ensureRole(r))._unsafeUnwrap();
  }
});
afterAll(() => fake.close());

describe('issueToken', () => {
  it('mints a worker token that issues from issue/worker and gets 403 on issue/admin and on another cluster', async () => {
    const token = (await createVaultPki({ client: client() }).issueToken({ cluster: demo, roles: ['worker'], ttl: '1h' }))._unsafeUnwrap();
    expect(token.policies).toEqual([expect.stringMatching(new RegExp(`^kubeception-${clusterId(demo)}-roles-[0-9a-f]{10}$`))]);
    const asWorker = client(token.token?.reveal());
    const issued = (await asWorker.write(`${mount(demo)}/issue/worker`, { common_name: 'worker' })) as { data: { certificate: string } };
    expect(issued.data.certificate).toContain('BEGIN CERTIFICATE');
    await expect(asWorker.write(`${mount(demo)}/issue/admin`, { common_name: 'admin' })).rejects.toMatchObject({ response: { statusCode: 403 } });
    await expect(asWorker.write(`${mount(demo)}/issue/ops`, { common_name: 'ops' })).rejects.toMatchObject({ response: { statusCode: 403 } });
    await expect(asWorker.write(`${mount(other)}/issue/worker`, { common_name: 'worker' })).rejects.toMatchObject({ response: { statusCode: 403 } });
  });

  it('refuses, terminally and before writing anything, a token covering admin or any system:masters role', async () => {
    const pki = createVaultPki({ client: client() });
    const tokens = fake.state.tokenCount();
    const policies = fake.state.policies().length;
    for (const roles of [['admin'], ['worker', 'admin'], ['ops']]) {
      const refused = (await pki.issueToken({ cluster: demo, roles, ttl: '1h' }))._unsafeUnwrapErr();
      expect(refused).toMatchObject({ kind: 'Refused', terminal: true });
    }
    expect((await pki.issueToken({ cluster: demo, roles: ['ops'], ttl: '1h' }))._unsafeUnwrapErr().message).toContain('system:masters');
    expect(fake.state.tokenCount()).toBe(tokens);
    expect(fake.state.policies()).toHaveLength(policies);
  });

  it('waits (NotFound, retried) for a role that does not exist yet, and refuses an empty role list', async () => {
    const pki = createVaultPki({ client: client() });
    expect((await pki.issueToken({ cluster: demo, roles: ['api'], ttl: '1h' }))._unsafeUnwrapErr()).toMatchObject({ kind: 'NotFound' });
    expect((await pki.issueToken({ cluster: demo, roles: ['api'], ttl: '1h' }))._unsafeUnwrapErr().terminal).toBeUndefined();
    expect((await pki.issueToken({ cluster: demo, roles: [], ttl: '1h' }))._unsafeUnwrapErr()).toMatchObject({ kind: 'Invalid', terminal: true });
  });

  it('never lists admin among a node’s roles', () => {
    expect([...nodeRoles('master'), ...nodeRoles('worker')]).not.toContain('admin');
  });

  it('works for a minter holding only the documented policy, through the token role, wrapped', async () => {
    await client().write('sys/policy/node-token-minter', { policy: tokenMinterPolicy() });
    await client().write('auth/token/roles/kubeception-nodes', nodeTokenRole());
    const minter = (
      (await client().write('auth/token/create', { policies: ['node-token-minter'], no_default_policy: true })) as { auth: { client_token: string } }
    ).auth.client_token;
    const pki = createVaultPki({ client: client(minter), tokenRole: 'kubeception-nodes' });
    const wrapped = (await pki.issueToken({ cluster: demo, roles: ['worker'], ttl: '1h', wrapTTL: '5m' }))._unsafeUnwrap();
    expect(wrapped.token).toBeUndefined();
    const unwrapped = (await client(wrapped.wrappingToken?.reveal()).write('sys/wrapping/unwrap', {})) as {
      auth: { client_token: string; policies: string[]; orphan: boolean };
    };
    expect(unwrapped.auth).toMatchObject({ policies: wrapped.policies, orphan: true });
    await expect(client(unwrapped.auth.client_token).write(`${mount(demo)}/issue/worker`, { common_name: 'worker' })).resolves.toBeDefined();
    // the minter itself can neither create tokens outside the role nor mint the role a policy outside the prefix
    await expect(client(minter).write('auth/token/create', { policies: [wrapped.policies[0]] })).rejects.toMatchObject({ response: { statusCode: 403 } });
    await expect(client(minter).write('auth/token/create/kubeception-nodes', { policies: ['node-token-minter'] })).rejects.toMatchObject({
      response: { statusCode: 400 },
    });
    await expect(client(minter).write(`${mount(demo)}/issue/admin`, { common_name: 'admin' })).rejects.toMatchObject({ response: { statusCode: 403 } });
  });
});

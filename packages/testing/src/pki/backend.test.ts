/** createVaultPki and the token renewal against the fake Vault with the real node-vault. */
import { createVaultPki, startTokenRenewal } from '@kubeception/pki-vault';
import vault from 'node-vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeVault, type StartedFakeVault } from '../fake-vault/index.js';

let fake: StartedFakeVault;
beforeAll(async () => (fake = await startFakeVault({ maxLeaseTtl: '876000h' })));
afterAll(() => fake.close());

const client = (token = fake.rootToken) => vault({ endpoint: fake.url, token, noCustomHTTPVerbs: true });
const pki = () => createVaultPki({ client: client() });
const authority = (cluster: string) => ({ cluster, commonName: `${cluster}.example.com`, ttl: '87600h', keyType: 'ec' as const });
const role = (cluster: string) => ({ cluster, name: 'web', allowedDomains: ['web.example.com'], allowSubdomains: false, allowBareDomains: true, allowIPSANs: false, organizations: ['team'] });
const writes = (path: string) => fake.requests.filter({ path }).filter((r) => r.method !== 'GET').length;

describe('createVaultPki', () => {
  it('creates the mount and root once; a second call changes nothing', async () => {
    const first = (await pki().ensureAuthority(authority('one')))._unsafeUnwrap();
    const again = (await pki().ensureAuthority(authority('one')))._unsafeUnwrap();
    expect(again).toEqual(first);
    expect(first).toMatchObject({ mountPath: 'pki-one', certificate: expect.stringContaining('BEGIN CERTIFICATE') });
    expect(writes('pki-one/root/generate/internal')).toBe(1);
    expect(writes('sys/mounts/pki-one')).toBe(1);
    // the mount is read by its path; the mount table (every cluster's mount) is never read
    expect(fake.requests.filter({ path: 'sys/mounts' }).filter((r) => r.path === 'sys/mounts')).toHaveLength(0);
  });

  it('writes a role only when it differs', async () => {
    await pki().ensureAuthority(authority('two'));
    (await pki().ensureRole(role('two')))._unsafeUnwrap();
    (await pki().ensureRole(role('two')))._unsafeUnwrap();
    expect(writes('pki-two/roles/web')).toBe(1);
    (await pki().ensureRole({ ...role('two'), organizations: ['other'] }))._unsafeUnwrap();
    expect(writes('pki-two/roles/web')).toBe(2);
  });

  it('issues within the role, and reports a role violation as a terminal RoleViolation with Vault’s words', async () => {
    await pki().ensureAuthority(authority('three'));
    await pki().ensureRole(role('three'));
    const issued = (await pki().issue({ cluster: 'three', role: 'web', commonName: 'web.example.com', dnsNames: [], ipAddresses: [], ttl: '1h' }))._unsafeUnwrap();
    expect(issued.serialNumber).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})+$/);
    expect(JSON.stringify(issued)).not.toContain('PRIVATE KEY');
    expect(issued.privateKey.reveal()).toContain('PRIVATE KEY');
    const refused = (await pki().issue({ cluster: 'three', role: 'web', commonName: 'evil.example.com', dnsNames: [], ipAddresses: [], ttl: '1h' }))._unsafeUnwrapErr();
    expect(refused).toMatchObject({ kind: 'RoleViolation', terminal: true, message: expect.stringContaining('common name evil.example.com not allowed by this role') });
  });

  it('maps sealed Vault, missing permissions and an unreachable Vault to their kinds', async () => {
    fake.faults.seal();
    expect((await pki().authorityInfo('one'))._unsafeUnwrapErr()).toMatchObject({ kind: 'Sealed' });
    fake.faults.unseal();
    expect((await createVaultPki({ client: client('not-a-token') }).ensureAuthority(authority('x')))._unsafeUnwrapErr()).toMatchObject({ kind: 'PermissionDenied', terminal: true });
    const dead = createVaultPki({ client: vault({ endpoint: 'http://127.0.0.1:1', token: 't', noCustomHTTPVerbs: true }) });
    expect((await dead.authorityInfo('one'))._unsafeUnwrapErr()).toMatchObject({ kind: 'Unavailable' });
  });

  it('mints a cluster token that can issue from its own mount only, and can wrap it', async () => {
    await pki().ensureAuthority(authority('four'));
    await pki().ensureRole(role('four'));
    const token = (await pki().issueClusterToken('four', { ttl: '1h' }))._unsafeUnwrap();
    expect(token.policies).toEqual(['kubeception-four']);
    const own = client(token.token?.reveal());
    await expect(own.write('pki-four/issue/web', { common_name: 'web.example.com' })).resolves.toBeDefined();
    await expect(own.write('pki-one/issue/web', { common_name: 'web.example.com' })).rejects.toMatchObject({ response: { statusCode: 403 } });
    const wrapped = (await pki().issueClusterToken('four', { ttl: '1h', wrapTTL: '5m' }))._unsafeUnwrap();
    expect(wrapped.token).toBeUndefined();
    const unwrapped = await client(wrapped.wrappingToken?.reveal()).write('sys/wrapping/unwrap', {});
    expect(unwrapped.auth.policies).toContain('kubeception-four');
  });

  it('destroys an authority: revokes, tidies and unmounts; again is a no-op', async () => {
    await pki().ensureAuthority(authority('five'));
    await pki().ensureRole(role('five'));
    await pki().issue({ cluster: 'five', role: 'web', commonName: 'web.example.com', dnsNames: [], ipAddresses: [], ttl: '1h' });
    (await pki().destroyAuthority('five'))._unsafeUnwrap();
    expect(fake.state.mounts()).not.toContain('pki-five/');
    expect((await pki().destroyAuthority('five')).isOk()).toBe(true);
  });
});

describe('startTokenRenewal', () => {
  it('renews the operator token before it expires', async () => {
    const minted = await client().write('auth/token/create', { policies: ['default'], ttl: '3s', renewable: true });
    const operator = client(minted.auth.client_token);
    const stop = new AbortController();
    const renewal = startTokenRenewal(operator, { signal: stop.signal, minDelayMs: 100 });
    await expect.poll(() => renewal.state().renewals, { timeout: 8000 }).toBeGreaterThanOrEqual(2);
    stop.abort();
    await new Promise((r) => setTimeout(r, 1500)); // past the original 3 s life
    await expect(operator.read('auth/token/lookup-self')).resolves.toMatchObject({ data: { policies: expect.arrayContaining(['default']) } });
  });

  it('stays idle for a token that never expires', async () => {
    const stop = new AbortController();
    const renewal = startTokenRenewal(client(), { signal: stop.signal });
    await expect.poll(() => renewal.state().idle).toBe(true);
    stop.abort();
  });
});

/** createVaultPki and the token renewal against the fake Vault with the real node-vault. */
import { createVaultPki, startTokenRenewal } from '@kubeception/pki-vault';
import { clusterId } from '@kubeception/sdk';
import { startFakeVault, type StartedFakeVault } from '@kubeception/testing';
import vault from 'node-vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let fake: StartedFakeVault;
beforeAll(async () => (fake = await startFakeVault({ maxLeaseTtl: '876000h' })));
afterAll(() => fake.close());

const client = (token = fake.rootToken) => vault({ endpoint: fake.url, token, noCustomHTTPVerbs: true });
const pki = () => createVaultPki({ client: client() });
const at = (name: string, namespace = 'default') => ({ namespace, name });
const mountOf = (name: string, namespace = 'default') => `pki-${clusterId(at(name, namespace))}`;
const owner = (name: string, namespace = 'default', uid = `uid-${namespace}-${name}`) => ({ namespace, name, uid });
const authority = (name: string, namespace = 'default', by = owner(name, namespace)) => ({
  cluster: at(name, namespace),
  owner: by,
  commonName: `${name}.example.com`,
  ttl: '87600h',
  keyType: 'ec' as const,
});
const role = (name: string, namespace = 'default') => ({
  cluster: at(name, namespace),
  name: 'web',
  allowedDomains: ['web.example.com'],
  allowSubdomains: false,
  allowBareDomains: true,
  allowIPSANs: false,
  organizations: ['team'],
});
const writes = (path: string) => fake.requests.filter({ path }).filter((r) => r.method !== 'GET').length;

describe('createVaultPki', () => {
  it('creates the mount (named from the cluster ID, owner in its description) and root once; a second call changes nothing', async () => {
    const first = (await pki().ensureAuthority(authority('one')))._unsafeUnwrap();
    const again = (await pki().ensureAuthority(authority('one')))._unsafeUnwrap();
    expect(again).toEqual(first);
    expect(first).toMatchObject({ mountPath: mountOf('one'), certificate: expect.stringContaining('BEGIN CERTIFICATE') });
    expect(mountOf('one')).toMatch(/^pki-one-[a-z2-7]{10}$/);
    expect(writes(`${mountOf('one')}/root/generate/internal`)).toBe(1);
    expect(writes(`sys/mounts/${mountOf('one')}`)).toBe(1);
    const mount = (await client().read(`sys/mounts/${mountOf('one')}`)) as { data: { description: string } };
    expect(mount.data.description).toBe('kubeception.io/CertificateAuthority default/one uid=uid-default-one');
    // the mount is read by its path; the mount table (every cluster's mount) is never read
    expect(fake.requests.filter({ path: 'sys/mounts' }).filter((r) => r.path === 'sys/mounts')).toHaveLength(0);
  });

  it('writes a role only when it differs', async () => {
    await pki().ensureAuthority(authority('two'));
    (await pki().ensureRole(role('two')))._unsafeUnwrap();
    (await pki().ensureRole(role('two')))._unsafeUnwrap();
    expect(writes(`${mountOf('two')}/roles/web`)).toBe(1);
    (await pki().ensureRole({ ...role('two'), organizations: ['other'] }))._unsafeUnwrap();
    expect(writes(`${mountOf('two')}/roles/web`)).toBe(2);
  });

  it('issues within the role, and reports a role violation as a terminal RoleViolation with Vault’s words', async () => {
    await pki().ensureAuthority(authority('three'));
    await pki().ensureRole(role('three'));
    const issued = (
      await pki().issue({ cluster: at('three'), role: 'web', commonName: 'web.example.com', dnsNames: [], ipAddresses: [], ttl: '1h' })
    )._unsafeUnwrap();
    expect(issued.serialNumber).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2})+$/);
    expect(JSON.stringify(issued)).not.toContain('PRIVATE KEY');
    expect(issued.privateKey.reveal()).toContain('PRIVATE KEY');
    const refused = (
      await pki().issue({ cluster: at('three'), role: 'web', commonName: 'evil.example.com', dnsNames: [], ipAddresses: [], ttl: '1h' })
    )._unsafeUnwrapErr();
    expect(refused).toMatchObject({
      kind: 'RoleViolation',
      terminal: true,
      message: expect.stringContaining('common name evil.example.com not allowed by this role'),
    });
  });

  it('maps sealed Vault, missing permissions and an unreachable Vault to their kinds', async () => {
    fake.faults.seal();
    expect((await pki().authorityInfo(at('one')))._unsafeUnwrapErr()).toMatchObject({ kind: 'Sealed' });
    fake.faults.unseal();
    expect((await createVaultPki({ client: client('not-a-token') }).ensureAuthority(authority('x')))._unsafeUnwrapErr()).toMatchObject({
      kind: 'PermissionDenied',
      terminal: true,
    });
    const dead = createVaultPki({ client: vault({ endpoint: 'http://127.0.0.1:1', token: 't', noCustomHTTPVerbs: true }) });
    expect((await dead.authorityInfo(at('one')))._unsafeUnwrapErr()).toMatchObject({ kind: 'Unavailable' });
  });

  it('destroys an authority: revokes, tidies and unmounts; again is a no-op', async () => {
    await pki().ensureAuthority(authority('five'));
    await pki().ensureRole(role('five'));
    await pki().issue({ cluster: at('five'), role: 'web', commonName: 'web.example.com', dnsNames: [], ipAddresses: [], ttl: '1h' });
    (await pki().destroyAuthority(at('five'), owner('five')))._unsafeUnwrap();
    expect(fake.state.mounts()).not.toContain(`${mountOf('five')}/`);
    expect((await pki().destroyAuthority(at('five'), owner('five'))).isOk()).toBe(true);
  });
});

describe('one owner per mount', () => {
  it('gives two namespaces’ same-named clusters two mounts', async () => {
    const mine = (await pki().ensureAuthority(authority('demo', 'tenant-a')))._unsafeUnwrap();
    const theirs = (await pki().ensureAuthority(authority('demo', 'tenant-b')))._unsafeUnwrap();
    expect(mine.mountPath).not.toBe(theirs.mountPath);
    expect(mine.certificate).not.toBe(theirs.certificate);
  });

  it('answers Conflict to another owner, writing nothing, and never lets it unmount', async () => {
    await pki().ensureAuthority(authority('six'));
    const before = fake.requests.all().filter((r) => r.method !== 'GET').length;
    const intruder = owner('other-ca', 'default', 'uid-intruder');
    const refused = (await pki().ensureAuthority(authority('six', 'default', intruder)))._unsafeUnwrapErr();
    expect(refused).toMatchObject({
      kind: 'Conflict',
      terminal: true,
      message: expect.stringContaining('belongs to CertificateAuthority default/six (uid uid-default-six)'),
    });
    (await pki().destroyAuthority(at('six'), intruder))._unsafeUnwrap();
    expect(fake.requests.all().filter((r) => r.method !== 'GET').length).toBe(before);
    expect(fake.state.mounts()).toContain(`${mountOf('six')}/`);
  });

  it('answers Conflict for a mount at its path that kubeception did not make', async () => {
    await client().mount({ mount_point: mountOf('seven'), type: 'pki', description: 'the security team’s PKI' });
    expect((await pki().ensureAuthority(authority('seven')))._unsafeUnwrapErr()).toMatchObject({
      kind: 'Conflict',
      message: expect.stringContaining('something not managed by kubeception'),
    });
  });

  it('lets a new object of the same name adopt the mount its deleted predecessor left (names are unique)', async () => {
    const old = (await pki().ensureAuthority(authority('eight', 'default', owner('eight', 'default', 'uid-old'))))._unsafeUnwrap();
    const adopted = (await pki().ensureAuthority(authority('eight', 'default', owner('eight', 'default', 'uid-new'))))._unsafeUnwrap();
    expect(adopted.certificate).toBe(old.certificate);
    expect(((await client().read(`sys/mounts/${mountOf('eight')}`)) as { data: { description: string } }).data.description).toContain('uid=uid-new');
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

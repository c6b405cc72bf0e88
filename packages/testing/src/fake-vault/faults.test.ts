import nodeVault from 'node-vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeVault, type StartedFakeVault } from './fake-vault.js';
import { failure, inProcess, setupPki, type InProcess } from './test-support.js';

describe('seal, faults and the request log (in-process)', () => {
  let t: InProcess;
  beforeAll(async () => {
    t = inProcess();
    await setupPki(t.root, 'pki-f', { r: { allow_any_name: true } });
  });
  afterAll(() => t.close());

  it('reports health and seals/unseals through the API', async () => {
    expect(await t.root.health()).toMatchObject({ initialized: true, sealed: false, standby: false });
    await t.root.seal();
    expect(await t.root.health()).toMatchObject({ sealed: true });
    expect(await failure(t.root.write('pki-f/issue/r', { common_name: 'a' }))).toEqual({ status: 503, message: 'Vault is sealed' });
    expect(await failure(t.root.unseal({ key: 'wrong' }))).toEqual({ status: 400, message: 'invalid key' });
    expect(await t.root.unseal({ key: t.vault.unsealKey })).toMatchObject({ sealed: false });
    expect(t.vault.state.sealed()).toBe(false);
  });

  it('seals through faults and counts the refused requests', async () => {
    t.vault.requests.clear();
    t.vault.faults.seal();
    await failure(t.root.write('pki-f/issue/r', { common_name: 'a' }));
    await failure(t.root.read('pki-f/cert/ca'));
    t.vault.faults.unseal();
    await t.root.write('pki-f/issue/r', { common_name: 'a' });
    expect(t.vault.requests.count({ faulted: true })).toBe(2);
    expect(t.vault.requests.filter({ path: 'pki-f/issue/' }).map((r) => [r.status, r.fault])).toEqual([
      [503, 'sealed'],
      [200, undefined],
    ]);
  });

  it('fails the next N matching requests with the given status', async () => {
    t.vault.requests.clear();
    const handle = t.vault.faults.fail({ path: 'pki-f/issue/', method: 'POST', status: 500, times: 2 });
    expect(await failure(t.root.write('pki-f/issue/r', { common_name: 'a' }))).toEqual({ status: 500, message: 'internal error' });
    await t.root.read('pki-f/roles/r'); // does not match
    expect(handle.remaining).toBe(1);
    expect(await failure(t.root.write('pki-f/issue/r', { common_name: 'a' }))).toMatchObject({ status: 500 });
    await t.root.write('pki-f/issue/r', { common_name: 'a' });
    t.vault.faults.fail({ operation: 'list', status: 429, retryAfterSeconds: 7 });
    const res = await fetch('http://vault.test:8200/v1/pki-f/roles?list=true', { headers: { 'x-vault-token': t.vault.rootToken } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.json()).toEqual({ errors: ['request path "pki-f/roles": rate limit quota exceeded'] });
    expect(t.vault.requests.count({ faulted: true })).toBe(3);
    expect(t.vault.requests.count({ path: 'pki-f/issue/r', status: 200 })).toBe(1);
  });

  it('adds latency and records it', async () => {
    t.vault.requests.clear();
    t.vault.faults.latency({ path: 'sys/health', ms: 5, times: 1 });
    await t.root.health();
    await t.root.health();
    expect(t.vault.requests.all().map((r) => r.fault)).toEqual(['latency 5ms', undefined]);
    t.vault.faults.clear();
  });

  it('accepts LIST as well as GET ?list=true', async () => {
    const init = { headers: { 'x-vault-token': t.vault.rootToken } };
    const viaGet = (await (await fetch('http://vault.test:8200/v1/pki-f/roles?list=true', init)).json()) as { data: { keys: string[] } };
    expect(viaGet.data.keys).toEqual(['r']);
    const handled = await t.vault.handle(new Request('http://vault.test:8200/v1/pki-f/roles', { method: 'LIST', ...init }));
    expect(((await handled.json()) as { data: { keys: string[] } }).data.keys).toEqual(['r']);
  });
});

describe('served on a real port', () => {
  let vault: StartedFakeVault;
  beforeAll(async () => {
    vault = await startFakeVault();
  });
  afterAll(() => vault.close());

  it('serves node-vault over HTTP (not intercepted)', async () => {
    const root = nodeVault({ endpoint: vault.url, token: vault.rootToken, noCustomHTTPVerbs: true });
    expect(vault.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await setupPki(root, 'pki-s', { r: { allowed_domains: 'example.com', allow_subdomains: true } });
    const issued = await root.write('pki-s/issue/r', { common_name: 'a.example.com' });
    expect(issued.data.serial_number).toMatch(/^[0-9a-f:]+$/);
    expect((await root.list('pki-s/roles')).data.keys).toEqual(['r']);
    expect(await failure(root.write('pki-s/issue/r', { common_name: 'evil.org' }))).toEqual({
      status: 400,
      message: 'common name evil.org not allowed by this role',
    });
    const raw = await fetch(`${vault.url}/v1/pki-s/ca_chain`);
    expect(await raw.text()).toBe((await root.read('pki-s/cert/ca')).data.certificate);
    expect(vault.requests.count({ path: 'pki-s/issue/r' })).toBe(2);
    vault.faults.seal();
    expect(await failure(root.read('pki-s/roles/r'))).toEqual({ status: 503, message: 'Vault is sealed' });
    const health = await fetch(`${vault.url}/v1/sys/health`);
    expect(health.status).toBe(503);
    vault.faults.unseal();
  });
});

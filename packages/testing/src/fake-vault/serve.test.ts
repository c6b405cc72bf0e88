import http from 'node:http';
import nodeVault from 'node-vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeVault, type StartedFakeVault } from './fake-vault.js';
import { hvacGate, runHvac } from './hvac-support.js';
import { setupPki } from './test-support.js';

let vault: StartedFakeVault;
let serial: string;
beforeAll(async () => {
  vault = await startFakeVault();
  const root = nodeVault({ endpoint: vault.url, token: vault.rootToken, noCustomHTTPVerbs: true });
  await setupPki(root, 'pki-s', { web: { allowed_domains: 'example.com', allow_subdomains: true }, api: { allow_any_name: true } });
  serial = ((await root.write('pki-s/issue/web', { common_name: 'a.example.com' })) as { data: { serial_number: string } }).data.serial_number;
  await root.mount({ mount_point: 'pki-empty', type: 'pki' });
});
afterAll(() => vault.close());

/** One request on `agent`'s connections: status, body and the connection header. */
function send(agent: http.Agent, method: string, path: string): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${vault.url}${path}`, { method, agent, headers: { 'x-vault-token': vault.rootToken } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the served fake and the LIST method', () => {
  it('answers LIST like GET ?list=true, before and after other requests on a keep-alive connection', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await send(agent, 'GET', '/v1/sys/health')).status).toBe(200);
      const listed = await send(agent, 'LIST', '/v1/pki-s/roles');
      expect(listed.status).toBe(200);
      expect(JSON.parse(listed.body).data).toEqual({ keys: ['api', 'web'] });
      expect(listed.connection).toBe('close');
      expect(JSON.parse((await send(agent, 'GET', '/v1/pki-s/roles?list=true')).body).data).toEqual({ keys: ['api', 'web'] });
      expect(JSON.parse((await send(agent, 'LIST', '/v1/pki-s/certs/')).body).data.keys).toContain(serial);
      // Vault answers a LIST with nothing under the path with 404 and no errors
      expect(await send(agent, 'LIST', '/v1/pki-empty/roles')).toMatchObject({ status: 404, body: '{"errors":[]}' });
    } finally {
      agent.destroy();
    }
    const lists = vault.requests.filter({ method: 'LIST' });
    expect(lists.map((r) => [r.path, r.operation, r.status])).toEqual([
      ['pki-s/roles', 'list', 200],
      ['pki-s/certs', 'list', 200],
      ['pki-empty/roles', 'list', 404],
    ]);
  });
});

const hvac = hvacGate();
describe.skipIf(!hvac.run)(`hvac lists over LIST${hvac.run ? '' : ` (skipped: ${hvac.why})`}`, () => {
  const python = hvac.run ? hvac.python : '';

  it('list_roles and list_certificates', async () => {
    const out = await runHvac<{ roles: string[]; certs: string[]; emptyError: string }>(
      python,
      vault.url,
      vault.rootToken,
      `
roles = client.secrets.pki.list_roles(mount_point='pki-s')['data']['keys']
certs = client.secrets.pki.list_certificates(mount_point='pki-s')['data']['keys']
try:
    client.secrets.pki.list_roles(mount_point='pki-empty')
    empty = 'no error'
except hvac.exceptions.InvalidPath as e:
    empty = type(e).__name__
print(json.dumps({'roles': roles, 'certs': certs, 'emptyError': empty}))
`,
    );
    expect(out.roles).toEqual(['api', 'web']);
    expect(out.certs).toContain(serial);
    expect(out.emptyError).toBe('InvalidPath');
    expect(vault.requests.filter({ method: 'LIST', path: 'pki-s/roles' }).length).toBeGreaterThan(0);
  });
});

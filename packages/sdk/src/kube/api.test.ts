import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { customObjectsApi, kubeConfigFromCertificate } from './api.js';

/** A plain HTTP server answering every request with an empty object, counting TCP connections. */
async function countingServer(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"apiVersion":"example.io/v1","kind":"Thing","metadata":{"name":"x"}}');
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

const get = (api: ReturnType<typeof customObjectsApi>) => api.getNamespacedCustomObject({ group: 'example.io', version: 'v1', namespace: 'default', plural: 'things', name: 'x' });

describe('customObjectsApi connections', () => {
  let server: Awaited<ReturnType<typeof countingServer>> | undefined;
  afterEach(async () => server?.close());

  it('reuses kept-alive connections across requests (client-node alone opens one per request)', async () => {
    server = await countingServer();
    const api = customObjectsApi(kubeConfigFromCertificate({ server: server.url }), 'test');
    for (let i = 0; i < 20; i++) expect(await get(api)).toMatchObject({ kind: 'Thing' });
    // undici may open a second connection while the first answer is still being read
    expect(server.connections()).toBeLessThanOrEqual(2);
  });

  it('opens new connections when the client certificate changes (a rotated credential)', async () => {
    server = await countingServer();
    const config = kubeConfigFromCertificate({ server: server.url, certPem: 'first', keyPem: 'key' });
    const api = customObjectsApi(config, 'test');
    for (let i = 0; i < 10; i++) await get(api);
    const before = server.connections();
    expect(before).toBeLessThanOrEqual(2);
    const user = config.getCurrentUser();
    if (user === null) throw new Error('no user');
    config.users = [{ ...user, certData: Buffer.from('second').toString('base64') }];
    for (let i = 0; i < 10; i++) await get(api);
    expect(server.connections()).toBeGreaterThan(before);
    expect(server.connections()).toBeLessThanOrEqual(before + 2);
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpMethod, KubeConfig, RequestContext } from '@kubernetes/client-node';
import type { Agent, Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { customObjectsApi, kubeConfigFromCertificate, watchDispatcher } from './api.js';

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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const get = (api: ReturnType<typeof customObjectsApi>) =>
  api.getNamespacedCustomObject({ group: 'example.io', version: 'v1', namespace: 'default', plural: 'things', name: 'x' });

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

describe('customObjectsApi transport (undici Dispatcher.request instead of fetch)', () => {
  let server: http.Server | undefined;
  afterEach(async () => new Promise<void>((resolve) => (server ? (server.closeAllConnections(), server.close(() => resolve())) : resolve())));

  it('sends the method, path, query, headers and body client-node prepared and returns the answer', async () => {
    const seen: { method?: string; url?: string; contentType?: string; userAgent?: string; body?: string }[] = [];
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, contentType: req.headers['content-type'], userAgent: req.headers['user-agent'], body });
        res.writeHead(200, { 'content-type': 'application/json', 'x-extra': 'yes' });
        res.end(JSON.stringify({ apiVersion: 'example.io/v1', kind: 'Thing', metadata: { name: 'x', labels: { écho: 'ünïcode' } } }));
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const api = customObjectsApi(kubeConfigFromCertificate({ server: `http://127.0.0.1:${port}` }), 'kubeception-test');
    const patched = await api.patchNamespacedCustomObject({
      group: 'example.io',
      version: 'v1',
      namespace: 'default',
      plural: 'things',
      name: 'x',
      body: { metadata: { labels: { a: 'b' } } },
      fieldManager: 'me',
    });
    expect(patched).toMatchObject({ kind: 'Thing', metadata: { labels: { écho: 'ünïcode' } } });
    expect(seen).toEqual([
      {
        method: 'PATCH',
        url: '/apis/example.io/v1/namespaces/default/things/x?fieldManager=me',
        contentType: expect.stringContaining('json') as string,
        userAgent: 'kubeception-test',
        body: '{"metadata":{"labels":{"a":"b"}}}',
      },
    ]);
  });

  it("turns an error status into client-node's ApiException with the server's Status body", async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(409, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Conflict', code: 409, message: 'the object has been modified' }));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const api = customObjectsApi(kubeConfigFromCertificate({ server: `http://127.0.0.1:${port}` }), 'test');
    const thrown = (await get(api).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: number; body?: unknown };
    expect(thrown.code).toBe(409);
    expect(String(thrown.body)).toContain('the object has been modified');
  });

  it('reports an unreachable server as an error whose cause carries the system code', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const api = customObjectsApi(kubeConfigFromCertificate({ server: `http://127.0.0.1:${port}` }), 'test');
    const thrown = (await get(api).then(
      () => undefined,
      (e: unknown) => e,
    )) as Error & { cause?: { code?: string } };
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown.cause?.code).toBe('ECONNREFUSED');
  });
});

describe('watchDispatcher', () => {
  let server: Awaited<ReturnType<typeof countingServer>> | undefined;
  afterEach(async () => server?.close());

  const statsOf = async (dispatcher: Dispatcher, origin: string) => {
    const response = await dispatcher.request({ origin, path: '/apis/example.io/v1/things', method: 'GET' });
    await response.body.text();
    return (dispatcher as Agent).stats[origin];
  };

  it("gives a watch one connection of its own, not a pool (client-node's Agent makes a Pool: a 2,048-slot queue per watch)", async () => {
    server = await countingServer();
    const config = kubeConfigFromCertificate({ server: server.url });
    const own = await watchDispatcher(config);
    if (own === undefined) throw new Error('no dispatcher for a static configuration');
    const stats = await statsOf(own, server.url);
    expect(stats).toMatchObject({ connected: true });
    expect(stats).not.toHaveProperty('free'); // a Client's figures; a Pool's have free connections
    await own.destroy();

    // what client-node gives a watch, for comparison: a Pool
    const context = new RequestContext(`${server.url}/apis/example.io/v1/things`, HttpMethod.GET);
    await config.applySecurityAuthentication(context);
    const theirs = context.getDispatcher();
    if (theirs === undefined) throw new Error('client-node chose no dispatcher');
    expect(await statsOf(theirs, server.url)).toHaveProperty('free');
    await theirs.destroy();
  });

  it('leaves credentials that may change per request (an exec plugin) to client-node', async () => {
    const config = new KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', caData: undefined, skipTLSVerify: true }],
      users: [{ name: 'u', exec: { command: 'credential-helper', apiVersion: 'client.authentication.k8s.io/v1' } }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    expect(await watchDispatcher(config)).toBeUndefined();
  });
});

import { connect as connectTcp } from 'node:net';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateServerCertificates, type ServerPki } from '../fake-kube/server-certificates.js';
import { startTlsPassthrough, type TlsPassthrough } from './tls-passthrough.js';

/** A TLS server for `name` that requires a client certificate of its CA and answers `<name> <client's CN>` to each connection. */
async function startNamedServer(name: string) {
  const pki = await generateServerCertificates({ ip: [], dns: [name] });
  const server = createServer({ cert: pki.certificate, key: pki.privateKey, ca: pki.caCertificate, requestCert: true, rejectUnauthorized: true }, (socket) =>
    socket.end(`${name} ${String(socket.getPeerCertificate().subject?.CN)}`),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { pki, server, port: (server.address() as { port: number }).port };
}

/** What a client verifying the server for `servername` (trusting `pki`'s CA, with its client certificate) reads through `proxy`, or why it read nothing. */
async function read(proxy: TlsPassthrough, servername: string | undefined, pki: ServerPki): Promise<string> {
  const client = await pki.issueClientCertificate('admin');
  const socket: TLSSocket = connect({
    host: '127.0.0.1',
    port: proxy.port,
    ...(servername ? { servername } : {}),
    ca: pki.caCertificate,
    cert: client.certificate,
    key: client.privateKey,
  });
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(socket.authorized ? text : 'closed before the TLS handshake'));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code ?? error.message}`));
  });
}

describe('startTlsPassthrough', () => {
  let a: Awaited<ReturnType<typeof startNamedServer>>;
  let b: Awaited<ReturnType<typeof startNamedServer>>;
  let proxy: TlsPassthrough;
  const refused: string[] = [];

  beforeAll(async () => {
    [a, b] = await Promise.all([startNamedServer('api.a.example.com'), startNamedServer('api.b.example.com')]);
    const routes = new Map([
      ['api.a.example.com', a.port],
      ['api.b.example.com', b.port],
    ]);
    proxy = await startTlsPassthrough({
      route: (name) => (routes.has(name) ? { host: '127.0.0.1', port: routes.get(name)! } : undefined),
      helloTimeoutMs: 300,
      onRefused: (reason) => refused.push(reason),
    });
  });
  afterAll(async () => {
    await proxy.stop();
    a.server.close();
    b.server.close();
  });

  it('pipes each connection to the server of its name, TLS end to end: the server certificate verified for the name, the client certificate seen by the server', async () => {
    expect(proxy.url).toBe(`https://127.0.0.1:${proxy.port}`);
    expect(await read(proxy, 'api.a.example.com', a.pki)).toBe('api.a.example.com admin');
    expect(await read(proxy, 'api.b.example.com', b.pki)).toBe('api.b.example.com admin');
    // b's server does not pass as a's: the proxy holds no certificate of its own
    expect(await read(proxy, 'api.b.example.com', a.pki)).toMatch(/^error /);
  });

  it('closes a connection for a name it does not know, without a name, or that is not TLS', async () => {
    refused.length = 0;
    expect(await read(proxy, 'api.c.example.com', a.pki)).toMatch(/^error |^closed before the TLS handshake$/);
    expect(await read(proxy, undefined, a.pki)).toMatch(/^error |^closed before the TLS handshake$/);
    const plain = connectTcp(proxy.port, '127.0.0.1');
    plain.end('GET / HTTP/1.1\r\n\r\n');
    await new Promise((resolve) => plain.on('close', resolve));
    expect(refused).toEqual([
      'no server for the name api.c.example.com',
      'a ClientHello without a server name (SNI)',
      'not a TLS ClientHello: not a TLS handshake: content type 71',
    ]);
  });

  it('closes a client that sends no whole ClientHello in time', async () => {
    refused.length = 0;
    const silent = connectTcp(proxy.port, '127.0.0.1');
    silent.write(Buffer.from([22, 3, 1]));
    await new Promise((resolve) => silent.on('close', resolve));
    expect(refused).toEqual(['no whole ClientHello in time']);
  });

  it('stop closes piped connections too', async () => {
    const slow = await startNamedServer('api.slow.example.com');
    const held = await startTlsPassthrough({ route: () => ({ host: '127.0.0.1', port: slow.port }) });
    slow.server.removeAllListeners('secureConnection'); // answers nothing: the connection stays open
    const client = await slow.pki.issueClientCertificate('admin');
    const socket = connect({
      port: held.port,
      host: '127.0.0.1',
      servername: 'api.slow.example.com',
      ca: slow.pki.caCertificate,
      cert: client.certificate,
      key: client.privateKey,
    });
    await new Promise((resolve) => socket.once('secureConnect', resolve));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.on('error', () => undefined);
    await held.stop();
    await closed;
    slow.server.close();
  });
});

/**
 * A TLS passthrough on a 127.0.0.1 port, as an ingress controller's `ssl-passthrough` exposes the
 * guest API servers of a host cluster: it reads the server name (SNI) of each connection's
 * ClientHello without terminating TLS, and pipes the connection, those first bytes included, to
 * the server that `route` names for it. The TLS session is the client's and the server's own: the
 * server's certificate and the client's certificate go through untouched. A connection without a
 * server name, with one `route` does not know, or that is not TLS is closed.
 */
import { connect, createServer, type Socket } from 'node:net';
import { readClientHello } from './client-hello.js';

/** Where a connection goes. */
export interface PassthroughTarget {
  readonly host: string;
  readonly port: number;
}

/** Options of {@link startTlsPassthrough}. */
export interface TlsPassthroughOptions {
  /** The port on 127.0.0.1. @default 0 (a free one) */
  readonly port?: number;
  /** Where connections for `serverName` go (asked for each connection); `undefined`: closed. */
  readonly route: (serverName: string) => PassthroughTarget | undefined;
  /** How long a client may take to send its whole ClientHello before it is closed. @default 10_000 */
  readonly helloTimeoutMs?: number;
  /** Told why a connection was closed before it was piped anywhere. @default nobody */
  readonly onRefused?: (reason: string) => void;
}

/** A running {@link startTlsPassthrough}. */
export interface TlsPassthrough {
  /** `https://127.0.0.1:<port>`: dial it with a server name (`curl --connect-to <name>:443:127.0.0.1:<port> https://<name>`). */
  readonly url: string;
  /** Its port. */
  readonly port: number;
  /** Stops listening and closes every connection, piped or not. */
  stop(): Promise<void>;
}

/** Pipes `client` to `target`, after writing what it sent so far; a side that closes ends the other, an error destroys both. */
function pipe(client: Socket, target: PassthroughTarget, hello: Buffer, track: (s: Socket) => void): void {
  const server = connect(target.port, target.host);
  track(server);
  const destroy = () => (client.destroy(), server.destroy());
  server.on('error', destroy).on('close', () => client.end());
  client.on('error', destroy).on('close', () => server.end());
  server.write(hello);
  client.pipe(server).pipe(client);
}

/** Reads `client`'s ClientHello, then pipes it where `route` says, or closes it. */
function accept(client: Socket, options: TlsPassthroughOptions, track: (s: Socket) => void): void {
  let bytes = Buffer.alloc(0);
  const refuse = (reason: string) => {
    options.onRefused?.(reason);
    client.destroy();
  };
  const onData = (chunk: Buffer) => {
    bytes = Buffer.concat([bytes, chunk]);
    const hello = readClientHello(bytes);
    if (hello.kind === 'incomplete') return;
    client.off('data', onData).pause().setTimeout(0);
    if (hello.kind === 'malformed') return refuse(`not a TLS ClientHello: ${hello.reason}`);
    if (hello.serverName === undefined) return refuse('a ClientHello without a server name (SNI)');
    const target = options.route(hello.serverName);
    if (target === undefined) return refuse(`no server for the name ${hello.serverName}`);
    pipe(client, target, bytes, track);
  };
  client.on('data', onData).on('error', () => client.destroy());
  client.setTimeout(options.helloTimeoutMs ?? 10_000, () => refuse('no whole ClientHello in time'));
}

/**
 * Starts a TLS passthrough on 127.0.0.1 (see the module documentation). Rejects when the port is
 * taken (`EADDRINUSE`).
 *
 * @example
 * ```ts
 * const proxy = await startTlsPassthrough({ route: (name) => (name === 'api.demo.k8s.example.com' ? { host: '127.0.0.1', port: 6443 } : undefined) });
 * // an operator dials proxy.url with the server name api.demo.k8s.example.com and verifies the guest's certificate for it
 * await proxy.stop();
 * ```
 */
export async function startTlsPassthrough(options: TlsPassthroughOptions): Promise<TlsPassthrough> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    track(client);
    accept(client, options, track);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => (server.off('error', reject), resolve()));
  });
  const port = (server.address() as { port: number }).port;
  let stopped: Promise<void> | undefined;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      })),
  };
}

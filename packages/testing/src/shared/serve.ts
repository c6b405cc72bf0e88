/**
 * Serving a fake on a real 127.0.0.1 port (internal): each incoming request becomes a fetch
 * `Request` answered by the fake (or by msw's `getResponse` over its handlers), so clients msw
 * does not intercept (curl, other processes) can talk to the same fake.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getResponse, type RequestHandler } from 'msw';

/** A running HTTP server in front of the handlers. */
export interface ServedHandlers {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Stops accepting connections, closes open ones and resolves when the server is down. */
  close(): Promise<void>;
}

/** A fake's front door: one fetch `Request` in, one `Response` out. */
export type Answer = (request: Request) => Promise<Response>;

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The fetch `Request` for an incoming request (every header line kept, as sent). */
function toRequest(req: http.IncomingMessage, base: string, body: Buffer): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
  const method = req.method ?? 'GET';
  const withBody = method !== 'GET' && method !== 'HEAD' && body.length > 0;
  return new Request(new URL(req.url ?? '/', base), { method, headers, body: withBody ? body : undefined });
}

/** Answers one incoming request with `answer` (`base`: the server's URL, for the request's). */
export async function answerHttp(answer: Answer, base: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const response = await answer(toRequest(req, base, await readBody(req)));
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  const payload = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, { ...headers, 'content-length': String(payload.length) }).end(payload);
}

/** An HTTP server answering with `handle`; a failure of it answers 500 with `{ errors: [message] }`. */
export function httpServer(handle: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>): http.Server {
  return http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [(e as Error).message] }));
    });
  });
}

/**
 * Starts `server` on 127.0.0.1 (`port` 0 = a free port); `close` stops it, ends its connections and
 * then runs `onClose` (for connections the server no longer tracks).
 */
export async function listenLocal(server: http.Server, port: number, onClose: () => void = () => undefined): Promise<ServedHandlers> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
        onClose();
      }),
  };
}

/** Serves `handlers` on 127.0.0.1 (`port` 0 = a free port); a request no handler takes gets 404 `{ errors: [] }`. */
export async function serveHandlers(handlers: readonly RequestHandler[], port = 0): Promise<ServedHandlers> {
  const answer: Answer = async (request) =>
    (await getResponse([...handlers], request)) ??
    new Response(JSON.stringify({ errors: [] }), { status: 404, headers: { 'content-type': 'application/json' } });
  let base = '';
  const served = await listenLocal(
    httpServer((req, res) => answerHttp(answer, base, req, res)),
    port,
  );
  base = served.url;
  return served;
}

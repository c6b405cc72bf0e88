/**
 * Serves the fake Vault on a real 127.0.0.1 port, Vault's `LIST` method included (internal).
 *
 * Node's HTTP parser (llhttp) knows a fixed set of methods (`http.METHODS`, no `LIST`) and rejects
 * any other with `HPE_INVALID_METHOD` before a request handler runs. Vault's own clients send
 * `LIST` (hvac, the Vault CLI, Go's `api` package), so the server takes such a request over in
 * `clientError`: it reads the request head (and a `Content-Length` body) itself, answers it through
 * the same dispatcher with `Connection: close` and ends the socket; clients reconnect for their
 * next request. Requests before the `LIST` on a keep-alive connection were served normally.
 * A `LIST` pipelined behind another request in the same TCP segment, or one with a chunked body,
 * is refused (400) — Vault clients do neither.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { type Answer, answerHttp, httpServer, listenLocal, type ServedHandlers } from '../shared/index.js';

const HEAD_END = Buffer.from('\r\n\r\n');
const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n';

/** A request head read off the wire: method, target, headers. */
interface RawHead {
  readonly target: string;
  readonly headers: Headers;
}

function parseHead(head: string): RawHead | undefined {
  const [requestLine = '', ...lines] = head.split('\r\n');
  const m = /^LIST (\S+) HTTP\/1\.[01]$/.exec(requestLine);
  if (!m) return undefined;
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return { target: m[1] as string, headers };
}

async function writeRaw(socket: Socket, response: Response): Promise<void> {
  const payload = Buffer.from(await response.arrayBuffer());
  const lines = [`HTTP/1.1 ${response.status} ${http.STATUS_CODES[response.status] ?? ''}`];
  response.headers.forEach((value, name) => {
    if (name !== 'content-length' && name !== 'connection' && name !== 'transfer-encoding') lines.push(`${name}: ${value}`);
  });
  lines.push(`content-length: ${payload.length}`, 'connection: close', `date: ${new Date().toUTCString()}`);
  socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]));
}

/**
 * Answers the `LIST` request that starts `first` on `socket`, reading the rest of its head and body
 * from the socket, then closes the connection.
 */
function answerList(answer: Answer, base: string, socket: Socket, first: Buffer): void {
  let buffered = first;
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    tryAnswer();
  };
  const refuse = () => {
    socket.off('data', onData);
    socket.end(BAD_REQUEST);
  };
  const tryAnswer = () => {
    const end = buffered.indexOf(HEAD_END);
    if (end === -1) return;
    const head = parseHead(buffered.subarray(0, end).toString('latin1'));
    if (!head || head.headers.has('transfer-encoding')) return refuse();
    const length = Number(head.headers.get('content-length') ?? 0);
    if (!Number.isInteger(length) || length < 0) return refuse();
    const bodyStart = end + HEAD_END.length;
    if (buffered.length < bodyStart + length) return;
    socket.off('data', onData);
    const body = buffered.subarray(bodyStart, bodyStart + length);
    const request = new Request(new URL(head.target, base), { method: 'LIST', headers: head.headers, body: length > 0 ? body : undefined });
    answer(request)
      .then((response) => writeRaw(socket, response))
      .catch((e: unknown) => writeRaw(socket, Response.json({ errors: [(e as Error).message] }, { status: 500 })))
      .catch(() => socket.destroy());
  };
  socket.on('data', onData);
  socket.resume();
  tryAnswer();
}

/** Serves `answer` on 127.0.0.1 (`port` 0 = a free port), `LIST` requests included. */
export async function serveVault(answer: Answer, port = 0): Promise<ServedHandlers> {
  let base = '';
  const sockets = new Set<Socket>();
  const takenOver = new WeakSet<Socket>();
  const server = httpServer((req, res) => answerHttp(answer, base, req, res));
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (err: Error & { code?: string; rawPacket?: Buffer }, socket: Socket) => {
    if (takenOver.has(socket)) return; // the parser still sees the bytes of a request we answer ourselves
    const raw = err.rawPacket;
    if (err.code === 'HPE_INVALID_METHOD' && raw !== undefined && raw.subarray(0, 5).toString('latin1') === 'LIST ') {
      takenOver.add(socket);
      socket.removeAllListeners('data'); // the HTTP parser's: from here on the bytes are ours
      answerList(answer, base, socket, raw);
      return;
    }
    if (socket.writable) socket.end(BAD_REQUEST);
    else socket.destroy();
  });
  // connections taken over for LIST are no longer the server's: ended by hand
  const served = await listenLocal(server, port, () => {
    for (const socket of sockets) socket.destroy();
  });
  base = served.url;
  return served;
}

import { createServer } from 'node:net';
import { connect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { MAX_CLIENT_HELLO_BYTES, readClientHello } from './client-hello.js';

/** The first TLS record a Node.js TLS client sends (its ClientHello), with `servername` unless undefined. */
async function capturedClientHello(servername: string | undefined): Promise<Buffer> {
  const server = createServer();
  const captured = new Promise<Buffer>((resolve) =>
    server.once('connection', (socket) => {
      let bytes = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        bytes = Buffer.concat([bytes, chunk]);
        if (bytes.length < 5 || bytes.length < 5 + bytes.readUInt16BE(3)) return;
        socket.destroy();
        resolve(bytes);
      });
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = connect({ host: '127.0.0.1', port: (server.address() as { port: number }).port, ...(servername ? { servername } : {}) });
  client.on('error', () => undefined);
  try {
    return await captured;
  } finally {
    client.destroy();
    server.close();
  }
}

const u16 = (n: number) => Buffer.from([n >> 8, n & 255]);
const vector = (bytes: Buffer) => Buffer.concat([u16(bytes.length), bytes]);
const extension = (type: number, data: Buffer) => Buffer.concat([u16(type), vector(data)]);
/** A server_name extension of `(name type, name)` entries. */
const serverName = (...entries: [number, string][]) =>
  extension(0, vector(Buffer.concat(entries.map(([type, name]) => Buffer.concat([Buffer.from([type]), vector(Buffer.from(name, 'latin1'))])))));
const hostName = (name: string) => serverName([0, name]);

/** A ClientHello body (TLS 1.2 layout, one cipher suite), with an extensions block unless `extensions` is undefined. */
const helloBody = (extensions: Buffer | undefined) =>
  Buffer.concat([
    Buffer.from([3, 3]),
    Buffer.alloc(32),
    Buffer.from([0]),
    vector(Buffer.from([0x13, 0x01])),
    Buffer.from([1, 0]),
    ...(extensions ? [vector(extensions)] : []),
  ]);
/** A handshake message of `type` (1: ClientHello). */
const handshake = (body: Buffer, type = 1) => Buffer.concat([Buffer.from([type, body.length >> 16, (body.length >> 8) & 255, body.length & 255]), body]);
/** `message` cut into handshake records of at most `size` bytes. */
function records(message: Buffer, size = 16_384): Buffer {
  const parts: Buffer[] = [];
  for (let at = 0; at < message.length; at += size) {
    const fragment = message.subarray(at, at + size);
    parts.push(Buffer.from([22, 3, 1]), u16(fragment.length), fragment);
  }
  return Buffer.concat(parts);
}
const clientHello = (...extensions: Buffer[]) => records(handshake(helloBody(Buffer.concat(extensions))));

describe('readClientHello', () => {
  it('reads the server name of a Node.js TLS client’s ClientHello, incomplete on every shorter read', async () => {
    const bytes = await capturedClientHello('api.demo.k8s.example.com');
    expect(readClientHello(bytes)).toEqual({ kind: 'complete', serverName: 'api.demo.k8s.example.com' });
    for (let length = 0; length < bytes.length; length++) expect(readClientHello(bytes.subarray(0, length)).kind).toBe('incomplete');
    // what follows the ClientHello (the client's next flight) does not matter
    expect(readClientHello(Buffer.concat([bytes, Buffer.from([23, 3, 3, 0, 1, 0])]))).toMatchObject({ serverName: 'api.demo.k8s.example.com' });
  });

  it('has no server name for a client that sent none (a bare IP address)', async () => {
    expect(readClientHello(await capturedClientHello(undefined))).toEqual({ kind: 'complete', serverName: undefined });
    expect(readClientHello(records(handshake(helloBody(undefined))))).toEqual({ kind: 'complete', serverName: undefined });
  });

  it('joins a ClientHello fragmented over several records, whatever the reads', async () => {
    const real = await capturedClientHello('api.fragmented.example.com');
    const bytes = records(real.subarray(5), 7);
    expect(readClientHello(bytes)).toEqual({ kind: 'complete', serverName: 'api.fragmented.example.com' });
    for (const length of [1, 5, 6, 12, 13, bytes.length - 1]) expect(readClientHello(bytes.subarray(0, length)).kind).toBe('incomplete');
  });

  it('skips other extensions and other name types', () => {
    const bytes = clientHello(
      extension(43, Buffer.from([2, 3, 4])),
      serverName([7, 'not-a-host-name-type'], [0, 'api.b.example.com']),
      extension(16, Buffer.alloc(0)),
    );
    expect(readClientHello(bytes)).toEqual({ kind: 'complete', serverName: 'api.b.example.com' });
  });

  const oversized = Buffer.from([22, 3, 1, 0, 4, 1, 1, 0, 0]);
  const truncatedBody = records(handshake(Buffer.from([3, 3, 0, 0])));
  it.each([
    ['plain HTTP', Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\n'), /content type 71/],
    ['an SSL 2 record version', Buffer.from([22, 2, 0, 0, 1]), /record version 2\.0/],
    ['an empty handshake record', Buffer.from([22, 3, 1, 0, 0]), /record of 0 bytes/],
    ['a record over 16 KiB', Buffer.from([22, 3, 1, 0x40, 0x01]), /record of 16385 bytes/],
    ['a ServerHello', records(handshake(helloBody(undefined), 2)), /type 2, not a ClientHello/],
    [`a ClientHello over ${MAX_CLIENT_HELLO_BYTES} bytes`, oversized, /65540 bytes/],
    ['a ClientHello shorter than its fields', truncatedBody, /truncated ClientHello/],
    ['extensions that overrun their block', records(handshake(Buffer.concat([helloBody(undefined), u16(9), extension(0, Buffer.alloc(12))]))), /do not fill/],
    ['a truncated extension', clientHello(Buffer.from([0, 16, 0])), /truncated extension/],
    ['two server_name extensions', clientHello(hostName('a.example.com'), hostName('b.example.com')), /two server_name extensions/],
    ['two host names', clientHello(serverName([0, 'a.example.com'], [0, 'b.example.com'])), /two host names/],
    ['an empty server name list', clientHello(extension(0, vector(Buffer.alloc(0)))), /malformed server_name/],
    ['a server name list without a host name', clientHello(serverName([7, 'x'])), /without a host name/],
    ['a host name with a trailing dot', clientHello(hostName('api.example.com.')), /not a host name/],
    ['a host name with a space', clientHello(hostName('api example.com')), /not a host name/],
    ['a host name with a control character', clientHello(hostName('api\u0000.example.com')), /not a host name/],
  ])('is malformed for %s', (_, bytes, reason) => {
    expect(readClientHello(bytes)).toEqual({ kind: 'malformed', reason: expect.stringMatching(reason) });
  });
});

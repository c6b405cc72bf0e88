/**
 * The server name (SNI, RFC 6066 `server_name`) of a TLS ClientHello, read from the first bytes a
 * client sends, without terminating TLS: what a TLS passthrough routes by (an ingress controller's
 * `ssl-passthrough`, the fakes' guest API proxy). It reads TLS records (RFC 8446 §5.1) of content
 * type handshake, joins the fragments of the first handshake message, and walks the ClientHello's
 * extensions, whose layout TLS 1.0 to 1.3 share.
 */

/**
 * What the first bytes of a connection say about its ClientHello: `incomplete` (the start of one:
 * read more), `complete` (a whole ClientHello, with its server name if it sent one), or
 * `malformed` (another protocol, another TLS message, a broken or oversized one: close the
 * connection).
 */
export type ClientHelloRead =
  | { readonly kind: 'incomplete' }
  | { readonly kind: 'complete'; readonly serverName: string | undefined }
  | { readonly kind: 'malformed'; readonly reason: string };

/** The largest ClientHello read (64 KiB: far above what TLS clients send, with post-quantum key shares too). */
export const MAX_CLIENT_HELLO_BYTES = 65_536;

const RECORD_HEADER = 5;
const HANDSHAKE_HEADER = 4;
const CONTENT_TYPE_HANDSHAKE = 22;
const HANDSHAKE_CLIENT_HELLO = 1;
const MAX_RECORD_PAYLOAD = 16_384;
const EXTENSION_SERVER_NAME = 0;
const NAME_TYPE_HOST_NAME = 0;
/** A host name as SNI carries it: printable ASCII, no trailing dot (RFC 6066 §3). */
const HOST_NAME = /^[\x21-\x7e]{1,255}$/;

const INCOMPLETE: ClientHelloRead = { kind: 'incomplete' };
const complete = (serverName: string | undefined): ClientHelloRead => ({ kind: 'complete', serverName });
const malformed = (reason: string): ClientHelloRead => ({ kind: 'malformed', reason });

/** Reads a byte string front to back; a read past its end gives `undefined`. */
class Cursor {
  private at = 0;

  constructor(private readonly bytes: Buffer) {}

  /** Whether every byte was read. */
  get done(): boolean {
    return this.at === this.bytes.length;
  }

  /** The next `n` bytes. */
  take(n: number): Buffer | undefined {
    if (this.at + n > this.bytes.length) return undefined;
    this.at += n;
    return this.bytes.subarray(this.at - n, this.at);
  }

  /** A TLS vector: a big-endian length of `lengthBytes` bytes, then that many bytes. */
  vector(lengthBytes: 1 | 2): Buffer | undefined {
    const length = this.take(lengthBytes);
    return length && this.take(length.readUIntBE(0, lengthBytes));
  }
}

/** The first handshake message of `bytes` (TLS records), once its every fragment has arrived. */
function firstHandshakeMessage(bytes: Buffer): Buffer | ClientHelloRead {
  const fragments: Buffer[] = [];
  let length = 0;
  let needed: number | undefined;
  for (let at = 0; needed === undefined || length < needed;) {
    if (bytes.length < at + 1) return INCOMPLETE;
    if (bytes[at] !== CONTENT_TYPE_HANDSHAKE) return malformed(`not a TLS handshake: content type ${bytes[at]}`);
    if (bytes.length < at + RECORD_HEADER) return INCOMPLETE;
    const payload = bytes.readUInt16BE(at + 3);
    if (bytes[at + 1] !== 3) return malformed(`not TLS: record version ${bytes[at + 1]}.${bytes[at + 2]}`);
    if (payload === 0 || payload > MAX_RECORD_PAYLOAD) return malformed(`a handshake record of ${payload} bytes`);
    if (bytes.length < at + RECORD_HEADER + payload) return INCOMPLETE;
    fragments.push(bytes.subarray(at + RECORD_HEADER, at + RECORD_HEADER + payload));
    length += payload;
    at += RECORD_HEADER + payload;
    if (needed === undefined && length >= HANDSHAKE_HEADER) {
      const head = Buffer.concat(fragments);
      if (head[0] !== HANDSHAKE_CLIENT_HELLO) return malformed(`handshake message type ${head[0]}, not a ClientHello`);
      needed = HANDSHAKE_HEADER + head.readUIntBE(1, 3);
      if (needed > MAX_CLIENT_HELLO_BYTES) return malformed(`a ClientHello of ${needed} bytes (more than ${MAX_CLIENT_HELLO_BYTES})`);
    }
  }
  return Buffer.concat(fragments).subarray(0, needed);
}

/**
 * The data of the one entry of type `wanted` in `list`, a run of entries of a type of `typeBytes`
 * bytes and a vector of data (the extensions of a ClientHello, the names of a `server_name`);
 * `undefined` when there is none.
 */
function onlyEntry(
  list: Buffer,
  typeBytes: 1 | 2,
  wanted: number,
  errors: { readonly truncated: string; readonly twice: string },
): Buffer | undefined | ClientHelloRead {
  const cursor = new Cursor(list);
  let found: Buffer | undefined;
  while (!cursor.done) {
    const type = cursor.take(typeBytes);
    const data = cursor.vector(2);
    if (type === undefined || data === undefined) return malformed(errors.truncated);
    if (type.readUIntBE(0, typeBytes) !== wanted) continue;
    if (found !== undefined) return malformed(errors.twice);
    found = data;
  }
  return found;
}

/** The host name of a `server_name` extension's data (a ServerNameList). */
function hostNameOf(data: Buffer): string | ClientHelloRead {
  const extension = new Cursor(data);
  const list = extension.vector(2);
  if (list === undefined || !extension.done || list.length === 0) return malformed('a malformed server_name extension');
  const name = onlyEntry(list, 1, NAME_TYPE_HOST_NAME, { truncated: 'a malformed server_name extension', twice: 'two host names in server_name' });
  if (name === undefined) return malformed('a server_name extension without a host name');
  if (!Buffer.isBuffer(name)) return name;
  const hostName = name.toString('latin1');
  return HOST_NAME.test(hostName) && !hostName.endsWith('.') ? hostName : malformed(`server_name ${JSON.stringify(hostName)} is not a host name`);
}

/** The server name among a ClientHello's extensions, if any. */
function serverNameOf(extensions: Buffer): ClientHelloRead {
  const data = onlyEntry(extensions, 2, EXTENSION_SERVER_NAME, { truncated: 'a truncated extension', twice: 'two server_name extensions' });
  if (data === undefined) return complete(undefined);
  if (!Buffer.isBuffer(data)) return data;
  const name = hostNameOf(data);
  return typeof name === 'string' ? complete(name) : name;
}

/** The server name of a whole ClientHello handshake message (its header included). */
function parseClientHello(message: Buffer): ClientHelloRead {
  const body = new Cursor(message.subarray(HANDSHAKE_HEADER));
  // legacy_version (2) and random (32), then legacy_session_id, cipher_suites, legacy_compression_methods
  const fixed = [body.take(34), body.vector(1), body.vector(2), body.vector(1)];
  if (fixed.includes(undefined)) return malformed('a truncated ClientHello');
  if (body.done) return complete(undefined); // no extensions at all
  const extensions = body.vector(2);
  if (extensions === undefined || !body.done) return malformed('a ClientHello whose extensions do not fill it');
  return serverNameOf(extensions);
}

/**
 * What the first `bytes` a client sent say about its ClientHello: `incomplete` (wait for more and
 * call again with everything so far), `complete` with the server name (`undefined` when the
 * client sent none, as for a bare IP address), or `malformed` with the reason.
 *
 * @example
 * ```ts
 * let bytes = Buffer.alloc(0);
 * socket.on('data', (chunk) => {
 *   bytes = Buffer.concat([bytes, chunk]);
 *   const hello = readClientHello(bytes);
 *   if (hello.kind === 'complete') route(hello.serverName, bytes);
 * });
 * ```
 */
export function readClientHello(bytes: Buffer): ClientHelloRead {
  const message = firstHandshakeMessage(bytes);
  return Buffer.isBuffer(message) ? parseClientHello(message) : message;
}

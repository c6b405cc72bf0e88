/** Reading request bodies and writing JSON/Status responses (internal). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { goJsonType } from './json-patch.js';
import { MEDIA_TYPES, sendEncoded, type Format } from './negotiation.js';
import { decodeProtobuf, PROTOBUF_MEDIA_TYPE } from './protobuf-decode.js';
import { ApiError, badRequest, internalError, PlainTextError, unsupportedMediaType } from './status.js';
import { isObject, type JsonObject } from './types.js';

/** The media type of a Content-Type header, lower case, without parameters. */
const mediaOf = (contentType: string | undefined): string => (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/**
 * The whole request body as text: UTF-8, but a protobuf body one character per byte (latin1), so
 * that `decodeObject` gets its bytes back unchanged.
 */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString(mediaOf(req.headers['content-type']) === PROTOBUF_MEDIA_TYPE ? 'latin1' : 'utf8');
}

/** The Go type kube decodes a body's `apiVersion` and `kind` into first, as its decode errors name it. */
const GO_TYPE_META = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

/** The error of decoding `value`, a JSON value but no object, for its `apiVersion` and `kind`. */
export const typeMetaError = (value: unknown): string =>
  `couldn't get version/kind; json parse error: json: cannot unmarshal ${goJsonType(value)} into Go value of type ${GO_TYPE_META}`;

/** apiserver's `summarizeData`: an object's first 30 bytes, anything else's in hex. */
function summarize(data: Buffer): string {
  if (data.length === 0) return '<empty>';
  const head = data.subarray(0, 30);
  const more = data.length > 30 ? ' ...' : '';
  return data[0] === 0x7b ? `${head.toString('utf8')}${more}` : `${head.toString('hex')}${more}`;
}

/** A protobuf body (./protobuf-decode.ts), or kube-apiserver's 400 for one it cannot decode (`transformDecodeError`). */
function decodeProtobufObject(raw: string, kind: string): JsonObject {
  const data = Buffer.from(raw, 'latin1');
  const decoded = decodeProtobuf(data, kind);
  if (decoded.kind === 'object') return decoded.object;
  if (decoded.kind === 'unrecognized') throw badRequest(`the object provided is unrecognized (must be of type ${kind}): ${decoded.why} (${summarize(data)})`);
  throw badRequest(`${decoded.bodyKind} in version ${JSON.stringify(decoded.version)} cannot be handled as a ${kind}: ${decoded.why}`);
}

/**
 * Decodes a create/update body of `kind`: JSON (also when no Content-Type is given), YAML or
 * Kubernetes protobuf (the kinds of ./protobuf-decode.ts); other media types are a 415 listing
 * what the server accepts, a body that is no object a 400.
 */
export function decodeObject(raw: string, contentType: string | undefined, kind: string): JsonObject {
  const media = mediaOf(contentType);
  const unrecognized = (why: string) =>
    badRequest(`the object provided is unrecognized (must be of type ${kind}): ${why} (${summarize(Buffer.from(raw, 'utf8'))})`);
  let body: unknown;
  if (media === PROTOBUF_MEDIA_TYPE) return decodeProtobufObject(raw, kind);
  if (media === 'application/yaml') {
    try {
      body = parseYaml(raw) as unknown;
    } catch (e) {
      throw badRequest(`error decoding YAML: ${(e as Error).message}`);
    }
  } else if (media === '' || media === 'application/json') {
    try {
      body = JSON.parse(raw) as unknown;
    } catch (e) {
      throw unrecognized(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
    }
  } else {
    throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${MEDIA_TYPES.join(', ')}`);
  }
  if (!isObject(body)) throw unrecognized(typeMetaError(body));
  return body;
}

/** Sends a JSON body. */
export function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private', ...headers });
  res.end(text);
}

/** Sends the Status of an error (unexpected errors become 500 InternalError), encoded as `format`. */
export function sendError(res: ServerResponse, err: unknown, format: Format = 'json'): number {
  const api = err instanceof ApiError ? err : internalError(err instanceof Error ? err.message : String(err));
  if (!(err instanceof ApiError)) console.error('fake-kube: unexpected error', err);
  if (res.headersSent) {
    res.end();
    return api.code;
  }
  if (api instanceof PlainTextError) {
    res.writeHead(api.code, {
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      'Content-Length': Buffer.byteLength(api.text),
    });
    res.end(api.text);
    return api.code;
  }
  sendEncoded(res, api.code, api.status, format, api.headers);
  return api.code;
}

/** `Warning` header values. */
export function warningHeaders(warnings: readonly string[]): Record<string, string> {
  return warnings.length === 0 ? {} : { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') };
}

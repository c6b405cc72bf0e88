/** Reading request bodies and writing JSON/Status responses (internal). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { parseBody } from './kube-api.js';
import { ApiError, badRequest, internalError, unsupportedMediaType } from './status.js';

/** The whole request body as text. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Decodes a create/update body (JSON, or YAML when so declared). */
export function decodeObject(raw: string, contentType: string | undefined): unknown {
  if (/protobuf|cbor/.test(contentType ?? '')) {
    throw unsupportedMediaType('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml');
  }
  if ((contentType ?? '').includes('yaml')) {
    try {
      return parseYaml(raw) as unknown;
    } catch (e) {
      throw badRequest(`error decoding YAML: ${(e as Error).message}`);
    }
  }
  return parseBody(raw);
}

/** Sends a JSON body. */
export function sendJson(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private', ...headers });
  res.end(text);
}

/** Sends the Status of an error (unexpected errors become 500 InternalError). */
export function sendError(res: ServerResponse, err: unknown): number {
  const api = err instanceof ApiError ? err : internalError(err instanceof Error ? err.message : String(err));
  if (!(err instanceof ApiError)) console.error('fake-kube: unexpected error', err);
  if (res.headersSent) {
    res.end();
    return api.code;
  }
  sendJson(res, api.code, api.status, api.headers);
  return api.code;
}

/** `Warning` header values. */
export function warningHeaders(warnings: readonly string[]): Record<string, string> {
  return warnings.length === 0 ? {} : { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') };
}

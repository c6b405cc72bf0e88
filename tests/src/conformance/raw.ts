/**
 * Raw HTTP exchanges with a conformance target, for what the SDK client hides or would not send:
 * status codes, whole Status bodies, query parameters it has no option for, and watch streams
 * read line by line. Authenticates with the target's KubeConfig like any client.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

/** A whole answer. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The body parsed as JSON. */
  json<T = Record<string, unknown>>(): T;
}

/** What to send besides the method and path. */
export interface RawRequest {
  /** A JSON value (serialized), or a string or Buffer sent as it is. */
  readonly body?: unknown;
  /** @default 'application/json' when there is a body */
  readonly contentType?: string;
  /** The `Accept` header; `''` sends none. @default 'application/json' */
  readonly accept?: string;
  /** More request headers (e.g. `If-None-Match`). @default {} */
  readonly headers?: Readonly<Record<string, string>>;
}

/** One event of a watch stream, as the server wrote it. */
export interface RawWatchEvent {
  readonly type: string;
  readonly object: Record<string, unknown> & { metadata?: Record<string, unknown> };
}

/** Sends one request to the target and reads the whole answer (a watch: until the server ends it, e.g. after `timeoutSeconds`). */
export async function rawRequest(kubeConfig: KubeConfig, method: string, path: string, request: RawRequest = {}): Promise<RawResponse> {
  const server = kubeConfig.getCurrentCluster()?.server;
  if (server === undefined) throw new Error('the kubeconfig names no server');
  const url = new URL(path, server);
  const accept = request.accept ?? 'application/json';
  const options: https.RequestOptions = { method, headers: { ...(accept === '' ? {} : { Accept: accept }), ...request.headers } };
  await kubeConfig.applyToHTTPSOptions(options);
  const sentAsIs = typeof request.body === 'string' || Buffer.isBuffer(request.body);
  const body = request.body === undefined ? undefined : sentAsIs ? (request.body as string | Buffer) : JSON.stringify(request.body);
  // with a length: Node sends the body of a DELETE (no chunked encoding by default) only when it is declared
  if (body !== undefined)
    options.headers = { ...options.headers, 'Content-Type': request.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(body) };
  const send = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: <T>() => JSON.parse(text) as T });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The events of a watch the server ends (pass `timeoutSeconds` in `path`), or its refusal. */
export async function rawWatch(
  kubeConfig: KubeConfig,
  path: string,
): Promise<{ readonly status: number; readonly events: RawWatchEvent[]; readonly body: string }> {
  const answer = await rawRequest(kubeConfig, 'GET', path);
  const lines = answer.status === 200 ? answer.body.split('\n').filter((line) => line.trim() !== '') : [];
  return { status: answer.status, events: lines.map((line) => JSON.parse(line) as RawWatchEvent), body: answer.body };
}

/**
 * Plain HTTPS requests as the admin (internal): enough to poll `/readyz`, read `/version` and create
 * the seed CRDs without a client library.
 */
import https from 'node:https';
import type { ClientCertificate } from '../fake-kube/server-certificates.js';
import { EnvtestError, EnvtestErrorKind } from './errors.js';

/** An answer: status code and body text (`0` and the error message when the request failed). */
export interface AdminResponse {
  readonly status: number;
  readonly body: string;
}

/** Requests to one server, authenticated by a client certificate and verifying its CA. */
export type AdminHttp = (method: string, path: string, body?: unknown) => Promise<AdminResponse>;

/** How to talk TLS to a server. */
export interface AdminTls {
  /** The CA to verify the server with; without it the server is not verified (a component's self-signed certificate). */
  readonly caCertificate?: string;
  /** The client certificate to present. @default none (anonymous) */
  readonly client?: ClientCertificate;
}

/** A requester for `url` (`https://host:port`). */
export function adminHttp(url: string, tls: AdminTls): AdminHttp {
  return (method, path, body) =>
    new Promise((resolve) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const request = https.request(
        new URL(path, url),
        {
          method,
          agent: false, // no keep-alive sockets left behind when the server stops
          ...(tls.caCertificate === undefined ? { rejectUnauthorized: false } : { ca: tls.caCertificate }),
          ...(tls.client ? { cert: tls.client.certificate, key: tls.client.privateKey } : {}),
          timeout: 10_000,
          headers: { accept: 'application/json', ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
          response.on('error', (error) => resolve({ status: 0, body: error.message }));
        },
      );
      request.on('timeout', () => request.destroy(new Error(`${method} ${path} timed out`)));
      request.on('error', (error) => resolve({ status: 0, body: error.message }));
      request.end(payload);
    });
}

/** Options of {@link waitUntil}. */
export interface WaitOptions {
  readonly timeoutMs: number;
  /** @default 200 */
  readonly intervalMs?: number;
  /** Checked before each attempt: a reason to give up at once (a process exited), or `undefined`. */
  readonly abort?: () => EnvtestError | undefined;
}

/** Polls `check` until it answers `true`; throws `NotReady` naming `what` (and the last detail `check` gave) after the timeout. */
export async function waitUntil(what: string, check: () => Promise<true | string>, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = '';
  for (;;) {
    const abort = options.abort?.();
    if (abort !== undefined) throw abort;
    const result = await check();
    if (result === true) return;
    last = result;
    if (Date.now() > deadline) throw new EnvtestError(EnvtestErrorKind.NotReady, `${what} not ready within ${options.timeoutMs} ms (last: ${last})`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}

/**
 * What the msw fakes (Vault, EC2) look like from outside (internal): handlers, faults, a request
 * log, state views, one `handle` function, and serving on a port.
 */
import type { RequestHandler } from 'msw';
import type { ServedHandlers } from './serve.js';

/** A fake as msw handlers plus faults `X`, a request log `L` and state views `S`. */
export interface MswFake<X, L, S> {
  /** msw handlers: `setupServer(...fake.handlers)`. */
  readonly handlers: readonly RequestHandler[];
  /** Fault injection. */
  readonly faults: X;
  /** Every request answered, in arrival order. */
  readonly requests: L;
  /** State views for assertions. */
  readonly state: S;
  /** Answers one fetch `Request` directly (what the handlers call). */
  handle(request: Request): Promise<Response>;
  /** Serves the fake on 127.0.0.1 for clients msw does not intercept. @default port 0 (a free port) */
  serve(options?: { readonly port?: number }): Promise<ServedHandlers>;
}

/**
 * The URL pattern the handlers answer: `origin` (trailing slashes dropped) or any http(s) origin,
 * then `path` (a regular expression source).
 */
export function originPattern(origin: string | undefined, path: string): RegExp {
  const host = origin ? origin.replace(/\/+$/, '').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') : 'https?://[^/]+';
  return new RegExp(`^${host}${path}`);
}

/** Serves `fake` on 127.0.0.1 (`port` 0 = a free port): the fake plus the server's `url` and `close`. */
export async function startServed<T extends { serve(options?: { readonly port?: number }): Promise<ServedHandlers> }>(
  fake: T,
  port = 0,
): Promise<T & ServedHandlers> {
  const served = await fake.serve({ port });
  return { ...fake, url: served.url, close: served.close };
}

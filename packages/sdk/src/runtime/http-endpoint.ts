/**
 * The manager's HTTP endpoint (internal): `/metrics`, and the probes `/livez` and `/healthz`
 * (liveness: the manager runs; `/livez` is the name Kubernetes' own components answer to,
 * `/healthz` controller-runtime's default liveness path) and `/readyz` (readiness).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A started endpoint. */
export interface HttpEndpoint {
  readonly url: string;
  close(): Promise<void>;
}

/** A probe: its check, and the status it answers when the check fails (200 `ok` when it passes). */
interface Probe {
  readonly check: () => { readonly ready: boolean; readonly detail: string };
  readonly failure: number;
}

/** Serves the endpoints on `host:port` (port 0: a free one). */
export async function startHttpEndpoint(options: {
  readonly port: number;
  readonly host: string;
  readonly registry: Registry;
  /** Liveness (`/livez`, `/healthz`): must not depend on leadership or caches, or a standby or a slow start would be restarted. */
  readonly healthy: () => boolean;
  readonly ready: () => { ready: boolean; detail: string };
}): Promise<HttpEndpoint> {
  const alive: Probe = { check: () => ({ ready: options.healthy(), detail: 'not running' }), failure: 500 };
  const probes = new Map<string, Probe>([
    ['/livez', alive],
    ['/healthz', alive],
    ['/readyz', { check: options.ready, failure: 503 }],
  ]);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const probe = probes.get(path);
    if (path === '/metrics') {
      void options.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
        (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
      );
    } else if (probe !== undefined) {
      const { ready, detail } = probe.check();
      res.writeHead(ready ? 200 : probe.failure, { 'content-type': 'text/plain' }).end(ready ? 'ok' : detail);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The manager's HTTP endpoint: `/metrics`, `/healthz`, `/readyz` (internal). */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A started endpoint. */
export interface HttpEndpoint {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the three endpoints on `host:port` (port 0: a free one). */
export async function startHttpEndpoint(options: {
  readonly port: number;
  readonly host: string;
  readonly registry: Registry;
  readonly healthy: () => boolean;
  readonly ready: () => { ready: boolean; detail: string };
}): Promise<HttpEndpoint> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      void options.registry.metrics().then((text) => res.writeHead(200, { 'content-type': options.registry.contentType }).end(text));
    } else if (path === '/healthz') {
      const ok = options.healthy();
      res.writeHead(ok ? 200 : 500, { 'content-type': 'text/plain' }).end(ok ? 'ok' : 'not running');
    } else if (path === '/readyz') {
      const { ready, detail } = options.ready();
      res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ok' : detail);
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

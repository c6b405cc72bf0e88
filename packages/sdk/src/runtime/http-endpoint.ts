/**
 * The manager's HTTP endpoint (internal): `/metrics`, and the probes `/livez` and `/healthz`
 * (liveness: the manager runs; `/livez` is the name Kubernetes' own components answer to,
 * `/healthz` controller-runtime's default liveness path) and `/readyz` (readiness). They share one
 * port, or the probes have their own (controller-runtime's metrics and health probe servers).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A started endpoint. */
export interface HttpEndpoint {
  /** URL of `/metrics` (of the probes when metrics are not served); none when nothing is served. */
  readonly url?: string;
  /** URL of the probes, when served. */
  readonly probesUrl?: string;
  close(): Promise<void>;
}

/** Options of {@link startHttpEndpoint}. */
export interface HttpEndpointOptions {
  /** Port of `/metrics` (0: a free one; `false`: not served). */
  readonly port: number | false;
  readonly host: string;
  /** The probes on their own port (host: `host`), `false` for none. @default with `/metrics` */
  readonly probes?: false | { readonly port: number; readonly host?: string };
  readonly registry: Registry;
  /** Liveness (`/livez`, `/healthz`): must not depend on leadership or caches, or a standby or a slow start would be restarted. */
  readonly healthy: () => boolean;
  readonly ready: () => { ready: boolean; detail: string };
}

/** A probe: its check, and the status it answers when the check fails (200 `ok` when it passes). */
interface Probe {
  readonly check: () => { readonly ready: boolean; readonly detail: string };
  readonly failure: number;
}

type Handler = (path: string, res: http.ServerResponse) => boolean;

/** Serves `/metrics` and the probes as `options` place them. */
export async function startHttpEndpoint(options: HttpEndpointOptions): Promise<HttpEndpoint> {
  const metrics = metricsHandler(options.registry);
  const probes = probesHandler(options);
  const { port, host } = options;
  const together = options.probes === undefined;
  const metricsServer = port === false ? undefined : await listen(together ? [metrics, probes] : [metrics], port, host);
  const probeAddress = options.probes;
  const probeServer = probeAddress ? await listen([probes], probeAddress.port, probeAddress.host ?? host).catch(closing(metricsServer)) : undefined;
  const probesUrl = together ? metricsServer?.url : probeServer?.url;
  const url = metricsServer?.url ?? probesUrl;
  return {
    ...(url ? { url } : {}),
    ...(probesUrl ? { probesUrl } : {}),
    close: async () => {
      await Promise.all([metricsServer?.close(), probeServer?.close()]);
    },
  };
}

/** Closes `server`, then rethrows: the first server does not outlive a second that could not listen. */
const closing =
  (server: { close(): Promise<void> } | undefined) =>
  async (error: unknown): Promise<never> => {
    await server?.close();
    throw error;
  };

/** `/metrics`: the registry, or 500 when a collector fails. */
function metricsHandler(registry: Registry): Handler {
  return (path, res) => {
    if (path !== '/metrics') return false;
    void registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
    );
    return true;
  };
}

/** `/livez`, `/healthz` and `/readyz`. */
function probesHandler(options: Pick<HttpEndpointOptions, 'healthy' | 'ready'>): Handler {
  const alive: Probe = { check: () => ({ ready: options.healthy(), detail: 'not running' }), failure: 500 };
  const probes = new Map<string, Probe>([
    ['/livez', alive],
    ['/healthz', alive],
    ['/readyz', { check: options.ready, failure: 503 }],
  ]);
  return (path, res) => {
    const probe = probes.get(path);
    if (probe === undefined) return false;
    const { ready, detail } = probe.check();
    res.writeHead(ready ? 200 : probe.failure, { 'content-type': 'text/plain' }).end(ready ? 'ok' : detail);
    return true;
  };
}

/** A server on `host:port` (port 0: a free one) answering with the first handler that knows the path, else 404. */
async function listen(handlers: readonly Handler[], port: number, host: string): Promise<{ readonly url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!handlers.some((handle) => handle(path, res))) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

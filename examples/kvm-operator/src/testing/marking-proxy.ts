/**
 * A reverse proxy that tags every request it forwards with a query parameter, so that the fake
 * API server's request log (which records the URL as sent, but neither the user agent nor the
 * credentials) can tell one client's requests from everyone else's. Unknown query parameters are
 * ignored by kube-apiserver and by the fake alike. Streams both ways (watches included).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The query parameter the proxy appends: `<MARK_PARAMETER>=<marker>`. */
export const MARK_PARAMETER = 'kubeception-client';

/** A running proxy. */
export interface MarkingProxy {
  /** `http://127.0.0.1:<port>`: point the client's kubeconfig here. */
  readonly url: string;
  /** Whether a URL from the request log came through this proxy. */
  marked(url: string): boolean;
  close(): Promise<void>;
}

/** Starts a proxy to `target` (a plain-HTTP API server) that marks requests with `marker`. */
export async function startMarkingProxy(target: string, marker: string): Promise<MarkingProxy> {
  const upstream = new URL(target);
  const mark = `${MARK_PARAMETER}=${encodeURIComponent(marker)}`;
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    // appended as is, so the rest of the query keeps the client's own encoding
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: `${path}${path.includes('?') ? '&' : '?'}${mark}`,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.flushHeaders(); // a watch's headers before its first event
        answer.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    res.on('close', () => forward.destroy()); // the client went away (e.g. a watch it stopped)
    req.pipe(forward);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    marked: (url) => new URL(url, 'http://log').searchParams.get(MARK_PARAMETER) === marker,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { kubeConfigFromCertificate } from './api.js';
import { ConfigMapResource, SecretResource } from './builtins.js';
import { createKubeClient, type KubeClient } from './client.js';
import { bodyBytes, failureCode, type KubeRequest } from './request-observer.js';

const CM = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default', uid: 'u', resourceVersion: '1' } };
const status = (code: number, reason: string) => JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code, message: reason });

/** Answers a get of ConfigMap `x` (else 404), a list and a watch of ConfigMaps (one event, then open), a create, and 403 to Secrets. */
function answer(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const json = (code: number, body: string) => res.writeHead(code, { 'content-type': 'application/json' }).end(body);
  if (url.pathname.includes('/secrets')) return void json(403, status(403, 'Forbidden'));
  if (url.searchParams.get('watch') === 'true') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.write(`${JSON.stringify({ type: 'ADDED', object: CM })}\n`);
  }
  if (req.method === 'POST') return void req.resume().on('end', () => json(201, JSON.stringify(CM)));
  if (url.pathname.endsWith('/configmaps')) return void json(200, JSON.stringify({ kind: 'ConfigMapList', metadata: { resourceVersion: '1' }, items: [CM] }));
  if (url.pathname.endsWith('/configmaps/x')) return void json(200, JSON.stringify(CM));
  json(404, status(404, 'NotFound'));
}

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? (server.closeAllConnections(), server.close(() => resolve())) : resolve())));

/** A client of a server that answers as {@link answer} (or of a closed port), with what its observer was told. */
async function observed(reachable = true): Promise<{ kube: KubeClient; seen: KubeRequest[]; host: string; unobserve: () => void }> {
  server = http.createServer(answer);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (!reachable) await new Promise<void>((resolve) => server!.close(() => resolve()));
  const kube = createKubeClient({ kubeConfig: kubeConfigFromCertificate({ server: `http://${host}` }), qps: 0, retry: { maxAttempts: 1 } });
  const seen: KubeRequest[] = [];
  const unobserve = kube.observeRequests?.((request) => seen.push(request)) ?? (() => {});
  return { kube, seen, host, unobserve };
}

/** The first event of a watch of `kube`'s ConfigMaps or Secrets, then the watch is stopped. */
async function firstEvent(kube: KubeClient, kind: 'configmaps' | 'secrets'): Promise<string> {
  const stop = new AbortController();
  const watch = kube.resource(kind === 'configmaps' ? ConfigMapResource : SecretResource).watch({ namespace: 'default', signal: stop.signal });
  for await (const event of watch) {
    stop.abort();
    return event.type;
  }
  return 'none';
}

describe('request observer', () => {
  it('is told of every request with its method, host, code, duration and sizes; a get, a list and a watch are GETs', async () => {
    const { kube, seen, host } = await observed();
    const configMaps = kube.resource(ConfigMapResource);
    expect((await configMaps.get('x', { namespace: 'default' })).isOk()).toBe(true);
    expect((await configMaps.get('missing', { namespace: 'default' }))._unsafeUnwrapErr().kind).toBe('NotFound');
    expect((await configMaps.list({ namespace: 'default' })).isOk()).toBe(true);
    expect((await configMaps.create({ metadata: { name: 'x', namespace: 'default' } })).isOk()).toBe(true);
    expect(await firstEvent(kube, 'configmaps')).toBe('ADDED');
    expect(await firstEvent(kube, 'secrets')).toBe('ERROR');
    expect(seen.map(({ method, code, host: h }) => `${method} ${code} ${h}`)).toEqual(
      ['GET 200', 'GET 404', 'GET 200', 'POST 201', 'GET 200', 'GET 403'].map((s) => `${s} ${host}`),
    );
    for (const request of seen) expect(request.durationMs).toBeGreaterThan(0);
    expect(seen[0]).toMatchObject({ requestBytes: 0, responseBytes: JSON.stringify(CM).length });
    expect(seen[3]?.requestBytes).toBeGreaterThan(10);
    expect(seen[4]?.responseBytes).toBeUndefined(); // a watch's body is a stream
  });

  it('reports `<error>` when no response came, for a call and for a watch', async () => {
    const { kube, seen } = await observed(false);
    expect((await kube.resource(ConfigMapResource).get('x', { namespace: 'default' }))._unsafeUnwrapErr().kind).toBe('Transport');
    expect(await firstEvent(kube, 'configmaps')).toBe('ERROR');
    expect(seen.map((r) => r.code)).toEqual(['<error>', '<error>']);
  });

  it('tells nothing once removed, and a client without observers works as before', async () => {
    const { kube, seen, unobserve } = await observed();
    unobserve();
    expect((await kube.resource(ConfigMapResource).get('x', { namespace: 'default' })).isOk()).toBe(true);
    expect(seen).toEqual([]);
  });

  it('measures bodies in bytes and names failures by their status code', () => {
    expect([bodyBytes('é'), bodyBytes(Buffer.from('abc')), bodyBytes(undefined)]).toEqual([2, 3, 0]);
    expect([failureCode({ statusCode: 410 }), failureCode(new Error('fetch failed'))]).toEqual(['410', '<error>']);
  });
});

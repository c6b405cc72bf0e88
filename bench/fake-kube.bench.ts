/**
 * The fake Kubernetes API server's throughput, measured with a plain keep-alive HTTP client
 * (so client-node's own cost does not hide the server's). Baselines, same run, same client:
 * - requests: a bare Node HTTP server answering every request with a fixed 300-byte JSON body,
 *   the floor for one HTTP round trip on this machine;
 * - watch fan-out: the same bare server writing pre-serialized event lines to 100 streams.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeKube } from '@kubeception/testing';
import type { Figure } from './figure.js';

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

function request(base: string, method: string, path: string, body?: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const type = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
    const req = http.request(
      `${base}${path}`,
      { method, agent, headers: data ? { 'content-type': type, 'content-length': Buffer.byteLength(data) } : {} },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** Runs `count` requests with `parallel` in flight; returns requests per second. */
async function throughput(count: number, parallel: number, make: (i: number) => Promise<number>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const status = await make(next++);
        if (status >= 300) throw new Error(`unexpected HTTP ${status}`);
      }
    }),
  );
  return (count / (performance.now() - start)) * 1000;
}

async function bareServer(): Promise<{ url: string; broadcast: (lines: string[]) => void; streams: () => number; close: () => Promise<void> }> {
  const body = JSON.stringify({
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: { name: 'x', namespace: 'default', resourceVersion: '1', uid: 'u' },
    data: { key: 'v'.repeat(180) },
  });
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    if (req.url?.includes('watch=true')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      open.add(res);
      res.on('close', () => open.delete(res));
      return;
    }
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    broadcast: (lines) => {
      for (const line of lines) for (const res of open) res.write(line);
    },
    streams: () => open.size,
    close: () => {
      for (const res of open) res.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Opens `n` watch streams; resolves a counter of received newline-terminated events. */
async function openWatchers(url: string, n: number): Promise<{ received: () => number; close: () => void }> {
  let received = 0;
  const requests: http.ClientRequest[] = [];
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<void>((resolve) => {
          const req = http.get(url, { agent: false }, (res) => {
            res.on('data', (chunk: Buffer) => {
              for (const byte of chunk) if (byte === 10) received++;
            });
            resolve();
          });
          req.on('error', () => {});
          requests.push(req);
        }),
    ),
  );
  return { received: () => received, close: () => requests.forEach((r) => r.destroy()) };
}

export async function run({ quick }: { quick: boolean }): Promise<Figure[]> {
  const n = quick ? 1000 : 5000;
  const bare = await bareServer();
  const fake = await startFakeKube({ bookmarkIntervalMs: 60_000 });
  const figures: Figure[] = [];
  try {
    const bareGet = () => request(bare.url, 'GET', '/api/v1/namespaces/default/configmaps/x');
    await throughput(1000, 8, bareGet); // warm-up of the client, the JIT and both servers
    await throughput(1000, 8, () => request(fake.url, 'GET', '/api/v1/namespaces/default'));
    const baseline = await throughput(n, 8, bareGet);
    const ns = '/api/v1/namespaces/default/configmaps';
    const create = await throughput(n, 8, (i) =>
      request(fake.url, 'POST', ns, { metadata: { name: `cm-${i}`, labels: { group: `g${i % 100}` } }, data: { key: 'v'.repeat(180) } }),
    );
    const get = await throughput(n, 8, (i) => request(fake.url, 'GET', `${ns}/cm-${i}`));
    const update = await throughput(n, 8, (i) => request(fake.url, 'PATCH', `${ns}/cm-${i}`, { data: { key: `u${i}` } }));
    const list = await throughput(quick ? 200 : 1000, 8, (i) => request(fake.url, 'GET', `${ns}?labelSelector=group%3Dg${i % 100}`));
    const row = (name: string, value: number): Figure => ({ name: `fake API: ${name}`, value, unit: 'req/s', baseline, ratio: value / baseline });
    figures.push(row('create', create), row('get', get), row('merge patch', update), row(`list (selector: ${n / 100} of ${n})`, list));

    const events = quick ? 200 : 1000;
    const fakeWatchers = await openWatchers(`${fake.url}${ns}?watch=true&resourceVersion=${fake.resourceVersion()}&labelSelector=fanout%3Dyes`, 100);
    let start = performance.now();
    for (let i = 0; i < events; i++)
      await request(fake.url, 'POST', ns, { metadata: { name: `fan-${i}`, labels: { fanout: 'yes' } }, data: { key: 'v'.repeat(180) } });
    while (fakeWatchers.received() < events * 100) await new Promise((r) => setTimeout(r, 5));
    const fanOut = ((events * 100) / (performance.now() - start)) * 1000;
    fakeWatchers.close();

    const bareWatchers = await openWatchers(`${bare.url}/watch?watch=true`, 100);
    while (bare.streams() < 100) await new Promise((r) => setTimeout(r, 5));
    const line = `${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'x' }, data: { key: 'v'.repeat(180) } } })}\n`;
    start = performance.now();
    for (let i = 0; i < events; i++) {
      await request(bare.url, 'GET', '/api/v1/namespaces/default/configmaps/x');
      bare.broadcast([line]);
    }
    while (bareWatchers.received() < events * 100) await new Promise((r) => setTimeout(r, 5));
    const fanOutBaseline = ((events * 100) / (performance.now() - start)) * 1000;
    bareWatchers.close();
    figures.push({
      name: 'fake API: watch fan-out to 100 watchers',
      value: fanOut,
      unit: 'events/s',
      baseline: fanOutBaseline,
      ratio: fanOut / fanOutBaseline,
    });
  } finally {
    await fake.stop();
    await bare.close();
    agent.destroy();
  }
  return figures;
}

import { Gauge, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpEndpoint, type HttpEndpoint } from './http-endpoint.js';

let endpoint: HttpEndpoint | undefined;
afterEach(() => endpoint?.close());

const answer = async (url: string) => {
  const res = await fetch(url);
  return `${res.status} ${await res.text()}`;
};

describe('the HTTP endpoint', () => {
  it('answers the liveness probes (/livez, /healthz) apart from readiness (/readyz)', async () => {
    const state = { healthy: true, ready: false };
    endpoint = await startHttpEndpoint({
      port: 0,
      host: '127.0.0.1',
      registry: new Registry(),
      healthy: () => state.healthy,
      ready: () => ({ ready: state.ready, detail: 'waiting for caches: configmaps' }),
    });
    const probes = async () => Promise.all(['/livez', '/healthz', '/readyz', '/other'].map((path) => answer(`${endpoint?.url}${path}`)));
    expect(await probes()).toEqual(['200 ok', '200 ok', '503 waiting for caches: configmaps', '404 not found']);
    state.ready = true;
    expect(await probes()).toEqual(['200 ok', '200 ok', '200 ok', '404 not found']);
    state.healthy = false;
    expect(await probes()).toEqual(['500 not running', '500 not running', '200 ok', '404 not found']);
  });

  it('serves the registry at /metrics, and 500 when a collector fails', async () => {
    const registry = new Registry();
    let fail = false;
    new Gauge({
      name: 'scraped',
      help: 'set at scrape time',
      registers: [registry],
      collect() {
        if (fail) throw new Error('collector broke');
        this.set(7);
      },
    });
    endpoint = await startHttpEndpoint({ port: 0, host: '127.0.0.1', registry, healthy: () => true, ready: () => ({ ready: true, detail: '' }) });
    expect(await answer(`${endpoint.url}/metrics`)).toContain('scraped 7');
    fail = true;
    expect(await answer(`${endpoint.url}/metrics?x=1`)).toMatch(/^500 .*collector broke/);
  });
});

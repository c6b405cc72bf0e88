import { Gauge, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpEndpoint, type HttpEndpoint } from './http-endpoint.js';

let endpoint: HttpEndpoint | undefined;
afterEach(() => endpoint?.close());

const alwaysReady = { healthy: () => true, ready: () => ({ ready: true, detail: '' }) };

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
    expect(endpoint.probesUrl).toBe(endpoint.url);
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
    endpoint = await startHttpEndpoint({ port: 0, host: '127.0.0.1', registry, ...alwaysReady });
    expect(await answer(`${endpoint.url}/metrics`)).toContain('scraped 7');
    fail = true;
    expect(await answer(`${endpoint.url}/metrics?x=1`)).toMatch(/^500 .*collector broke/);
  });

  it('serves the probes on their own port when asked, /metrics alone on the other (controller-runtime)', async () => {
    endpoint = await startHttpEndpoint({ port: 0, host: '127.0.0.1', probes: { port: 0 }, registry: new Registry(), ...alwaysReady });
    const { url, probesUrl } = endpoint;
    expect(url).not.toBe(probesUrl);
    const answers = async (base: string | undefined) => Promise.all(['/metrics', '/readyz'].map(async (path) => (await answer(`${base}${path}`)).slice(0, 3)));
    expect([await answers(url), await answers(probesUrl)]).toEqual([
      ['200', '404'],
      ['404', '200'],
    ]);
  });

  it.each([
    ['no metrics', { port: false, probes: { port: 0 } }, [false, true]],
    ['no probes', { port: 0, probes: false }, [true, false]],
    ['nothing', { port: false, probes: false }, [false, false]],
  ] as const)('serves only what is asked: %s', async (_, ports, served) => {
    endpoint = await startHttpEndpoint({ ...ports, host: '127.0.0.1', registry: new Registry(), ...alwaysReady });
    const urls = [...new Set([endpoint.url, endpoint.probesUrl])].filter((u) => u !== undefined);
    const serves = async (path: string) => (await Promise.all(urls.map(async (u) => (await fetch(`${u}${path}`)).status))).includes(200);
    expect([await serves('/metrics'), await serves('/readyz')]).toEqual(served);
  });

  it('rejects an address in use, leaving nothing listening', async () => {
    const first = await startHttpEndpoint({ port: 0, host: '127.0.0.1', registry: new Registry(), ...alwaysReady });
    const taken = Number(new URL(first.url ?? '').port);
    await expect(startHttpEndpoint({ port: 0, host: '127.0.0.1', probes: { port: taken }, registry: new Registry(), ...alwaysReady })).rejects.toThrow(
      /EADDRINUSE/,
    );
    await first.close();
  });
});

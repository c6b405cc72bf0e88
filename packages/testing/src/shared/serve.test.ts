import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { originPattern, startServed } from './msw-fake.js';
import { serveHandlers } from './serve.js';

describe('serveHandlers', () => {
  it('answers real HTTP requests with the handlers: method, headers and body as sent', async () => {
    const served = await serveHandlers([
      http.post('*/echo', async ({ request }) =>
        HttpResponse.json({ method: request.method, tag: request.headers.get('x-tag'), body: await request.text() }, { headers: { 'x-answer': 'yes' } }),
      ),
    ]);
    try {
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${served.url}/echo`, { method: 'POST', headers: { 'x-tag': 'a' }, body: 'hello' });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-answer')).toBe('yes');
      expect(await res.json()).toEqual({ method: 'POST', tag: 'a', body: 'hello' });
      const missing = await fetch(`${served.url}/nothing`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ errors: [] });
    } finally {
      await served.close();
    }
    await expect(fetch(`${served.url}/echo`, { method: 'POST' })).rejects.toThrow();
  });

  it('answers 500 with the message when a handler throws', async () => {
    const served = await serveHandlers([
      http.get('*/boom', () => {
        throw new Error('boom');
      }),
    ]);
    try {
      const res = await fetch(`${served.url}/boom`);
      expect(res.status).toBe(500);
    } finally {
      await served.close();
    }
  });
});

describe('originPattern', () => {
  it.each([
    [undefined, 'http://vault.test:8200/v1/sys/health', true],
    [undefined, 'https://any.where/v1/x', true],
    [undefined, 'http://vault.test:8200/v2/x', false],
    ['http://vault.test:8200/', 'http://vault.test:8200/v1/x', true],
    ['http://vault.test:8200', 'http://vaultXtest:8200/v1/x', false],
    ['http://vault.test:8200', 'http://other.test/v1/x', false],
  ])('origin %s, %s: %s', (origin, url, expected) => {
    expect(originPattern(origin, '/v1/').test(url)).toBe(expected);
  });
});

describe('startServed', () => {
  it('serves a fake and adds its url and close', async () => {
    const fake = { name: 'fake', serve: ({ port = 0 } = {}) => serveHandlers([http.get('*/name', () => HttpResponse.text('fake'))], port) };
    const started = await startServed(fake);
    try {
      expect(started.name).toBe('fake');
      expect(await (await fetch(`${started.url}/name`)).text()).toBe('fake');
    } finally {
      await started.close();
    }
  });
});

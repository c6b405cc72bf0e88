import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Registry } from './registry.js';
import { authenticate, recordOf } from './request-handler.js';
import { route } from './router.js';
import { ApiError } from './status.js';

/** A request as far as authentication and the request log read it. */
const request = (headers: Record<string, string>, socket: object = {}): IncomingMessage =>
  ({ method: 'GET', url: '/api/v1/namespaces/default/pods/web?watch=false', headers, socket }) as unknown as IncomingMessage;

const statusOf = (fn: () => unknown): number | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e instanceof ApiError ? e.status.code : -1;
  }
};

describe('authenticate', () => {
  it('authenticates nobody without client certificates or a token', () => {
    expect(authenticate(request({}), { clientCertificates: false })).toBeUndefined();
  });

  it('takes the bearer token, and answers 401 to another one or none', () => {
    const auth = { clientCertificates: false, token: 's3cret' };
    expect(authenticate(request({ authorization: 'Bearer s3cret' }), auth)).toBe('token-user');
    expect(statusOf(() => authenticate(request({ authorization: 'Bearer s3cre' }), auth))).toBe(401);
    expect(statusOf(() => authenticate(request({ authorization: 'Basic s3cret' }), auth))).toBe(401);
    expect(statusOf(() => authenticate(request({}), auth))).toBe(401);
  });

  it('takes the common name of a certificate the CA signed, and answers 401 to a connection without one (the token ignored)', () => {
    const signed = { authorized: true, getPeerCertificate: () => ({ subject: { CN: 'alice' } }) };
    const auth = { clientCertificates: true, token: 's3cret' };
    expect(authenticate(request({}, signed), auth)).toBe('alice');
    expect(statusOf(() => authenticate(request({ authorization: 'Bearer s3cret' }, { authorized: false }), auth))).toBe(401);
  });
});

describe('recordOf', () => {
  const registry = new Registry();
  const url = new URL('http://fake/api/v1/namespaces/default/pods/web/status');

  it('records a resource request in API terms, not yet answered', () => {
    const r = route('GET', url.pathname, url.searchParams, registry);
    const record = recordOf(request({ 'user-agent': 'kubectl/v1.32' }), r, Date.now());
    expect(record).toMatchObject({ verb: 'get', resource: 'pods', group: '', namespace: 'default', name: 'web', subresource: 'status', code: 0 });
    expect(record).toMatchObject({ method: 'GET', url: '/api/v1/namespaces/default/pods/web?watch=false', userAgent: 'kubectl/v1.32' });
  });

  it('records a path that is no resource as discovery', () => {
    const r = route('GET', '/apis/apps', new URLSearchParams(), registry);
    expect(recordOf(request({}), r, Date.now())).toMatchObject({ verb: 'discovery', resource: '', group: 'apps', name: undefined, userAgent: '' });
    expect(recordOf(request({}), undefined, Date.now())).toMatchObject({ verb: 'discovery', group: '' });
  });
});

/**
 * A pod's `log`, `exec`, `attach` and `portforward` on the bare fake: what the conformance suite
 * (tests/src/conformance/pod-subresources.test.ts) cannot ask the real server without a kubelet
 * answering — the kubelet address kube-apiserver would dial (preferred address type, IPv6, the
 * default port), the log options it forwards, and an upgrade request for a stream.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw } from './fixtures.js';
import { startFakeKube, type FakeKube } from './server.js';

let kube: FakeKube;
beforeAll(async () => {
  kube = await startFakeKube();
  await raw(kube, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'p' }, spec: { nodeName: 'n', containers: [{ name: 'c', image: 'x' }] } });
  await raw(kube, 'POST', '/api/v1/nodes', { metadata: { name: 'n' } });
});
afterAll(() => kube.stop());

/** Sets node `n`'s addresses (and kubelet port, when given) through its status. */
async function nodeStatus(addresses: object[], port?: number): Promise<void> {
  const daemonEndpoints = { kubeletEndpoint: { Port: port ?? 0 } };
  const patched = await raw(
    kube,
    'PATCH',
    '/api/v1/nodes/n/status',
    { status: { addresses, daemonEndpoints } },
    { 'Content-Type': 'application/merge-patch+json' },
  );
  expect(patched.status).toBe(200);
}

/** The message of the Status `path` is answered with (a 500 without reason for kubelet errors). */
async function messageOf(path: string): Promise<string> {
  const answer = await raw(kube, 'GET', path);
  expect({ code: answer.status, reason: answer.json.reason }).toEqual({ code: 500, reason: undefined });
  return answer.json.message as string;
}

describe('the kubelet a pod bound to a node would be dialled at', () => {
  it('is at the first address of a preferred type (Hostname first), port 10250 unless the node says', async () => {
    await nodeStatus([{ type: 'Weird', address: '1.2.3.4' }]);
    expect(await messageOf('/api/v1/namespaces/default/pods/p/log')).toBe('no preferred addresses found; known addresses: [{Weird 1.2.3.4}]');
    await nodeStatus([
      { type: 'ExternalIP', address: '10.0.0.9' },
      { type: 'InternalIP', address: '10.0.0.1' },
      { type: 'Hostname', address: 'n.local' },
    ]);
    expect(await messageOf('/api/v1/namespaces/default/pods/p/log')).toBe(
      'Get "https://n.local:10250/containerLogs/default/p/c": dial tcp n.local:10250: connect: connection refused',
    );
    await nodeStatus([{ type: 'InternalIP', address: 'fd00::1' }], 10255);
    expect(await messageOf('/api/v1/namespaces/default/pods/p/log?container=c')).toBe(
      'Get "https://[fd00::1]:10255/containerLogs/default/p/c": dial tcp [fd00::1]:10255: connect: connection refused',
    );
  });

  it('is asked for the log options kube-apiserver forwards, keys sorted, flags true unless 0 or false', async () => {
    await nodeStatus([{ type: 'InternalIP', address: '127.0.0.1' }], 1);
    const query = 'timestamps=yes&previous=false&follow=0&limitBytes=%2B5&sinceTime=2020-01-01T00:00:00Z&insecureSkipTLSVerifyBackend=true';
    expect(await messageOf(`/api/v1/namespaces/default/pods/p/log?${query}`)).toBe(
      'Get "https://127.0.0.1:1/containerLogs/default/p/c?limitBytes=5&sinceTime=2020-01-01T00%3A00%3A00Z&timestamps=true": dial tcp 127.0.0.1:1: connect: connection refused',
    );
  });

  it('refuses an upgrade request for a stream as a refused connection: 500 error dialing backend', async () => {
    await nodeStatus([{ type: 'InternalIP', address: '127.0.0.1' }], 1);
    const { port } = new URL(kube.url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const headers = { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' };
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/v1/namespaces/default/pods/p/exec?command=true&stdout=true', headers });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'error dialing backend: dial tcp 127.0.0.1:1: connect: connection refused',
      code: 500,
    });
  });
});

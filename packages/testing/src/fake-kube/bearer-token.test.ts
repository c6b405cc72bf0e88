/**
 * Bearer-token authentication of the fake API server (`bearerToken`), with client-node, the SDK's
 * client and kubectl. Over HTTPS: kubectl (client-go) sends no bearer token to a plain-HTTP server.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigMapResource, createKubeClient } from '@kubeception/sdk/kube';
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from './server.js';
import { UNAUTHORIZED, httpsGet, rejectionOf, run, runs } from './fixtures.js';

const hasKubectl = runs('kubectl', 'version', '--client');

let kube: FakeKube;
let dir: string;
beforeAll(async () => {
  kube = await startFakeKube({ tls: true, bearerToken: true });
  dir = mkdtempSync(join(tmpdir(), 'fake-kube-token-'));
});
afterAll(async () => {
  await kube.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The server's kubeconfig with another token. */
function withToken(token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(kube.kubeconfigYaml.replace(/token: .*/, `token: ${token}`));
  return kc;
}

describe('a fake API server that requires the bearer token its kubeconfigs carry', () => {
  it('serves its own kubeconfig (a generated token), client-node and the SDK client alike, and logs the user', async () => {
    const token = kube.kubeConfig.getCurrentUser()?.token ?? '';
    expect(token).not.toBe('fake-kube-token');
    expect(token.length).toBeGreaterThanOrEqual(32);
    kube.requests.clear();
    await kube.kubeConfig.makeApiClient(CoreV1Api).createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'by-token' } } });
    expect((await createKubeClient({ kubeConfig: kube.kubeConfig }).resource(ConfigMapResource).get('by-token', { namespace: 'default' })).isOk()).toBe(true);
    expect(kube.requests.filter({ resource: 'configmaps' }).map((r) => [r.user, r.code])).toEqual([
      ['token-user', 201],
      ['token-user', 200],
    ]);
  });

  it('answers 401 with kube-apiserver’s Status to a wrong token and to none, Secrets included', async () => {
    for (const kc of [withToken('wrong'), withToken('')]) {
      const failure = await rejectionOf(kc.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace: 'default' }));
      expect(failure).toBeInstanceOf(ApiException);
      expect((failure as ApiException<string>).code).toBe(401);
    }
    for (const authorization of [undefined, 'Bearer wrong', `Basic ${kube.kubeConfig.getCurrentUser()?.token ?? ''}`]) {
      const answer = await httpsGet(`${kube.url}/api/v1/namespaces/default/secrets`, {
        ca: kube.caCertificate,
        headers: authorization ? { authorization } : {},
      });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toEqual(UNAUTHORIZED);
    }
  });

  it.skipIf(!hasKubectl)('works with kubectl through the written kubeconfig, and refuses it with another token', async () => {
    const good = join(dir, 'good');
    const bad = join(dir, 'bad');
    writeFileSync(good, kube.kubeconfigYaml, { mode: 0o600 });
    writeFileSync(bad, kube.kubeconfigYaml.replace(/token: .*/, 'token: nope'), { mode: 0o600 });
    const { stdout } = await run('kubectl', ['--kubeconfig', good, 'get', 'configmaps', 'by-token', '-o', 'name']);
    expect(stdout.trim()).toBe('configmap/by-token');
    await expect(run('kubectl', ['--kubeconfig', bad, 'get', 'configmaps'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/Unauthorized|must be logged in/),
    });
  });
});

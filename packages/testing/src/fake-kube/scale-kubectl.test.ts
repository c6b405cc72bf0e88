import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { raw, run, runs, widgetCrd } from './fixtures.js';
import { startFakeKube, type FakeKube } from './server.js';

const hasKubectl = runs('kubectl', 'version', '--client');

describe.skipIf(!hasKubectl)(hasKubectl ? 'kubectl scale' : 'kubectl scale (skipped: kubectl is not on PATH)', () => {
  let kube: FakeKube;
  let apps: AppsV1Api;
  let dir: string;
  let args: string[];
  const kubectl = async (...rest: string[]) => (await run('kubectl', [...args, ...rest], { timeout: 15_000 })).stdout;
  /** kubectl's stderr when it fails (and a failure when it does not). */
  const kubectlError = async (...rest: string[]): Promise<string> => {
    try {
      await kubectl(...rest);
    } catch (e) {
      return (e as { stderr: string }).stderr;
    }
    throw new Error(`kubectl ${rest.join(' ')} did not fail`);
  };
  const replicas = async (name: string) => (await apps.readNamespacedDeployment({ namespace: 'default', name })).spec?.replicas;

  beforeAll(async () => {
    kube = await startFakeKube({ crds: [widgetCrd()] });
    apps = kube.kubeConfig.makeApiClient(AppsV1Api);
    dir = mkdtempSync(join(tmpdir(), 'fake-kube-scale-'));
    writeFileSync(join(dir, 'kubeconfig'), kube.kubeconfigYaml);
    args = ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache')];
    const labels = { app: 'x' };
    const template = { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'app:1' }] } };
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: { metadata: { name: 'x' }, spec: { replicas: 1, selector: { matchLabels: labels }, template } },
    });
    await apps.createNamespacedReplicaSet({
      namespace: 'default',
      body: { metadata: { name: 'rs' }, spec: { replicas: 1, selector: { matchLabels: labels }, template } },
    });
  });
  afterAll(async () => {
    await kube.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scales a Deployment through the scale subresource', async () => {
    expect(await kubectl('scale', 'deployment/x', '--replicas=3')).toBe('deployment.apps/x scaled\n');
    expect(await replicas('x')).toBe(3);
    expect(kube.requests.filter({ resource: 'deployments', subresource: 'scale', verb: 'patch' }).map((r) => r.code)).toEqual([200]);
    expect(await kubectl('get', 'deployment', 'x', '-o', 'jsonpath={.metadata.generation}')).toBe('2');
  });

  it('honours --current-replicas and --resource-version preconditions', async () => {
    expect(await kubectl('scale', 'deployment/x', '--current-replicas=3', '--replicas=2')).toBe('deployment.apps/x scaled\n');
    expect(await replicas('x')).toBe(2);
    expect(kube.requests.count({ subresource: 'scale', verb: 'update', code: 200 })).toBe(1);
    expect(await kubectlError('scale', 'deployment/x', '--current-replicas=5', '--replicas=1')).toContain('Expected replicas to be 5, was 2');
    // kubectl reads the Scale and compares its resourceVersion before it sends the update.
    expect(await kubectlError('scale', 'deployment/x', '--resource-version=1', '--replicas=1')).toMatch(/Expected resource version to be 1, was \d+/);
    expect(await replicas('x')).toBe(2);
  });

  it('scales ReplicaSets and custom resources, and shows the Scale with get --subresource', async () => {
    expect(await kubectl('scale', 'rs', 'rs', '--replicas=4')).toBe('replicaset.apps/rs scaled\n');
    expect((await apps.readNamespacedReplicaSet({ namespace: 'default', name: 'rs' })).spec?.replicas).toBe(4);
    writeFileSync(
      join(dir, 'widget.yaml'),
      stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec: { size: 1 } }),
    );
    expect(await kubectl('apply', '-f', join(dir, 'widget.yaml'))).toBe('widget.example.com/w created\n');
    expect(await kubectl('scale', 'widget/w', '--replicas=3')).toBe('widget.example.com/w scaled\n');
    expect((await raw(kube, 'GET', '/apis/example.com/v1/namespaces/default/widgets/w')).json.spec.size).toBe(3);
    const table = (await kubectl('get', 'deployment', 'x', '--subresource=scale')).split('\n');
    expect(table[0]?.split(/\s+/)).toEqual(['NAME', 'DESIRED', 'AVAILABLE']);
    expect(table[1]?.split(/\s+/)).toEqual(['x', '2', '0']);
    expect(await kubectl('get', 'deployment', 'x', '--subresource=scale', '-o', 'jsonpath={.kind} {.spec.replicas} {.status.selector}')).toBe('Scale 2 app=x');
  });
});

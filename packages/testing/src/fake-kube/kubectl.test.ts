import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeceptionCrds, toYamlDocuments } from '@kubeception/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { eventually, run, runs, sampleCluster } from './fixtures.js';
import { startFakeKube, type FakeKube } from './server.js';

const hasKubectl = runs('kubectl', 'version', '--client');

describe.skipIf(!hasKubectl)(hasKubectl ? 'the real kubectl' : 'the real kubectl (skipped: kubectl is not on PATH)', () => {
  let kube: FakeKube;
  let dir: string;
  let args: string[];
  const kubectl = async (...rest: string[]) => (await run('kubectl', [...args, ...rest], { timeout: 15_000 })).stdout;

  beforeAll(async () => {
    kube = await startFakeKube();
    dir = mkdtempSync(join(tmpdir(), 'fake-kube-kubectl-'));
    writeFileSync(join(dir, 'kubeconfig'), kube.kubeconfigYaml);
    writeFileSync(join(dir, 'crds.yaml'), toYamlDocuments(kubeceptionCrds()));
    writeFileSync(join(dir, 'cluster.yaml'), stringify(sampleCluster('demo')));
    args = ['--kubeconfig', join(dir, 'kubeconfig'), '--cache-dir', join(dir, 'cache')];
  });
  afterAll(async () => {
    await kube.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies the CRDs and a Cluster, shows printer columns, patches, waits, watches and deletes', async () => {
    expect(await kubectl('apply', '-f', join(dir, 'crds.yaml'))).toContain('customresourcedefinition.apiextensions.k8s.io/clusters.kubeception.io created');
    expect(await kubectl('apply', '-f', join(dir, 'cluster.yaml'))).toBe('cluster.kubeception.io/demo created\n');
    expect(await kubectl('apply', '-f', join(dir, 'cluster.yaml'))).toBe('cluster.kubeception.io/demo unchanged\n');

    const table = (await kubectl('get', 'kc')).split('\n');
    expect(table[0]?.split(/\s+/)).toEqual(['NAME', 'PROVIDER', 'VERSION', 'PHASE', 'READY', 'AGE']);
    expect(table[1]).toMatch(/^demo\s+1\.32\.5\s+\d+s$/);

    expect(await kubectl('patch', 'kc', 'demo', '--type', 'merge', '-p', '{"spec":{"paused":true}}')).toBe('cluster.kubeception.io/demo patched\n');
    expect(await kubectl('get', 'kc', 'demo', '-o', 'jsonpath={.spec.paused} {.metadata.generation}')).toBe('true 2');

    let watched = '';
    const watcher = spawn('kubectl', [...args, 'get', 'kc', '-w'], { stdio: ['ignore', 'pipe', 'pipe'] });
    watcher.stdout.on('data', (d: Buffer) => (watched += d.toString()));
    try {
      await eventually(() => (watched.includes('demo') ? true : undefined), 10_000);
      const status = {
        status: {
          phase: 'Ready',
          provider: 'kvm',
          conditions: [{ type: 'Ready', status: 'True', reason: 'Converged', message: 'ready', lastTransitionTime: '2025-01-01T00:00:00Z' }],
        },
      };
      expect(await kubectl('patch', 'kc', 'demo', '--subresource', 'status', '--type', 'merge', '-p', JSON.stringify(status))).toBe(
        'cluster.kubeception.io/demo patched\n',
      );
      expect(await kubectl('wait', '--for=condition=Ready', 'kc/demo', '--timeout', '10s')).toBe('cluster.kubeception.io/demo condition met\n');
      await eventually(() => (/demo\s+kvm\s+1\.32\.5\s+Ready\s+True/.test(watched) ? true : undefined), 10_000);
    } finally {
      watcher.kill();
    }

    expect(await kubectl('delete', 'kc', 'demo')).toBe('cluster.kubeception.io "demo" deleted\n');
    expect(await kubectl('get', 'kc')).toBe('');
    expect(kube.requests.count({ resource: 'clusters', verb: 'watch' })).toBeGreaterThan(0);
  });

  it('applies and reconfigures a built-in kind with strategic merge patch', async () => {
    const cm = (v: string) => stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { level: v } });
    writeFileSync(join(dir, 'cm.yaml'), cm('info'));
    expect(await kubectl('apply', '-f', join(dir, 'cm.yaml'))).toBe('configmap/settings created\n');
    writeFileSync(join(dir, 'cm.yaml'), cm('debug'));
    expect(await kubectl('apply', '-f', join(dir, 'cm.yaml'))).toBe('configmap/settings configured\n');
    expect(await kubectl('get', 'cm', 'settings', '-o', 'jsonpath={.data.level}')).toBe('debug');
    expect(kube.requests.filter({ verb: 'patch', resource: 'configmaps' }).length).toBe(1);
  });
});
